import { defineConfig } from "vitest/config";
import { svelte } from "@sveltejs/vite-plugin-svelte";
import { svelteTesting } from "@testing-library/svelte/vite";

// Tauri serves the built files itself; in dev it loads devUrl (see tauri.conf.json). Opened in a
// plain browser (or with `?host=mock`), the UI runs on the in-memory host.
export default defineConfig({
  plugins: [svelte(), svelteTesting()],
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  build: { target: "es2021", outDir: "dist", emptyOutDir: true },
  // Component tests (`*.test.ts` beside screens) ask for a DOM with `@vitest-environment jsdom`.
  test: { environment: "node", include: ["src/**/*.test.ts"] },
});
