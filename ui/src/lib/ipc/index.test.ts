// @vitest-environment jsdom
import { afterEach, describe, expect, it } from "vitest";
import { chooseHost } from ".";
import { tauriHost } from "./tauri";

afterEach(() => {
  delete (window as unknown as Record<string, unknown>).__TAURI_INTERNALS__;
});

describe("chooseHost", () => {
  it("runs a plain browser on the in-memory host, set up and signed out", async () => {
    const host = chooseHost("");
    expect(host).not.toBe(tauriHost);
    const status = await host.status();
    expect(status.initialised).toBe(true);
    expect(status.account).toBeNull();
    expect(status.permissions).toEqual([]);
  });
  it("uses Tauri inside the window unless ?host=mock asks for the mock", () => {
    (window as unknown as Record<string, unknown>).__TAURI_INTERNALS__ = {};
    expect(chooseHost("")).toBe(tauriHost);
    expect(chooseHost("?host=mock")).not.toBe(tauriHost);
  });
});
