// Which host the screens talk to, handed down through Svelte context so component tests can give
// each render its own in-memory host.
import { getContext, setContext } from "svelte";
import type { Host, KioskHost } from "./host";
import { createMockHost } from "./mock";
import { createMockKiosk } from "./mockKiosk";
import { inTauri, tauriHost, tauriKiosk, windowLabel } from "./tauri";

export type { Host, KioskHost } from "./host";

const KEY = Symbol("frontdesk-host");
const KIOSK_KEY = Symbol("frontdesk-kiosk");

function useMock(search: string): boolean {
  const wanted = new URLSearchParams(search).get("host");
  return wanted === "mock" || (wanted !== "tauri" && !inTauri());
}

/** The Tauri host in the desktop window; the in-memory host in a browser or with `?host=mock`. */
export function chooseHost(search: string = location.search): Host {
  return useMock(search) ? createMockHost() : tauriHost;
}

/** The kiosk's host: the shell's kiosk commands, or the in-memory kiosk outside Tauri. */
export function chooseKiosk(search: string = location.search): KioskHost {
  return useMock(search) ? createMockKiosk() : tauriKiosk;
}

/** True in the kiosk window (Tauri label `kiosk`), or with `?window=kiosk` in a browser. */
export function isKioskWindow(search: string = location.search): boolean {
  if (new URLSearchParams(search).get("window") === "kiosk") return true;
  return inTauri() && windowLabel() === "kiosk";
}

export function provideHost(host: Host): void {
  setContext(KEY, host);
}

export function useHost(): Host {
  const host = getContext<Host | undefined>(KEY);
  if (!host) throw new Error("no host: render inside App or pass the host context");
  return host;
}

export function provideKiosk(host: KioskHost): void {
  setContext(KIOSK_KEY, host);
}

export function useKiosk(): KioskHost {
  const host = getContext<KioskHost | undefined>(KIOSK_KEY);
  if (!host) throw new Error("no kiosk host: render inside Kiosk or pass the kiosk context");
  return host;
}

/** The context entry component tests pass to `render(…, { context })`. */
export function hostContext(host: Host): Map<symbol, Host> {
  return new Map([[KEY, host]]);
}

/** The context entry for kiosk component tests. */
export function kioskContext(host: KioskHost): Map<symbol, KioskHost> {
  return new Map([[KIOSK_KEY, host]]);
}
