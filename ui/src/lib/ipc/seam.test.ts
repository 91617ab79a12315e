// Guards of the host seam, read from the sources: one module talks to Tauri, screens reach the host
// only through the seam, and no markup is rendered from strings.
import { describe, expect, it } from "vitest";

const all = import.meta.glob(["/src/**/*.ts", "/src/**/*.svelte", "!/src/**/*.test.ts", "!/src/lib/bindings/**"], {
  query: "?raw",
  import: "default",
  eager: true,
}) as Record<string, string>;
const sources = Object.entries(all).map(([path, text]) => ({ path, text }));

describe("host seam", () => {
  it("found the sources", () => {
    expect(sources.length).toBeGreaterThan(20);
    expect(sources.some((f) => f.path === "/src/App.svelte")).toBe(true);
  });
  it("imports @tauri-apps only in the Tauri host", () => {
    const importers = sources.filter((f) => /from\s+["']@tauri-apps\//.test(f.text)).map((f) => f.path);
    expect(importers).toEqual(["/src/lib/ipc/tauri.ts"]);
  });
  it("keeps screens on the Host interface, not on an implementation", () => {
    const direct = sources
      .filter((f) => f.path.endsWith(".svelte") && /from\s+["'][./]*lib\/ipc\/(tauri|mock)["']/.test(f.text))
      .map((f) => f.path);
    expect(direct).toEqual([]);
  });
  it("never renders strings as markup", () => {
    expect(sources.filter((f) => f.text.includes("{@html")).map((f) => f.path)).toEqual([]);
  });
});
