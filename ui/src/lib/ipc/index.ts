// Which host the screens talk to, handed down through Svelte context so component tests can give
// each render its own in-memory host.
import { getContext, setContext } from "svelte";
import type { Host } from "./host";
import { createMockHost } from "./mock";
import { inTauri, tauriHost } from "./tauri";

export type { Host } from "./host";

const KEY = Symbol("frontdesk-host");

/** The Tauri host in the desktop window; the in-memory host in a browser or with `?host=mock`. */
export function chooseHost(search: string = location.search): Host {
  const wanted = new URLSearchParams(search).get("host");
  if (wanted === "mock" || (wanted !== "tauri" && !inTauri())) return createMockHost();
  return tauriHost;
}

export function provideHost(host: Host): void {
  setContext(KEY, host);
}

export function useHost(): Host {
  const host = getContext<Host | undefined>(KEY);
  if (!host) throw new Error("no host: render inside App or pass the host context");
  return host;
}

/** The context entry component tests pass to `render(…, { context })`. */
export function hostContext(host: Host): Map<symbol, Host> {
  return new Map([[KEY, host]]);
}
