// The console's host, watched: a call refused because the console is locked shows the lock screen,
// and one refused because the session ended (the account disabled, its password reset, or nobody
// signed in) returns to the login screen. The error still reaches the caller, which keeps what
// was typed.
import type { ApiError } from "../bindings/ApiError";
import type { Host } from "./host";

export type SessionWatch = { onlocked: () => void; onended: () => void };

export function watchSession(host: Host, watch: SessionWatch): Host {
  const watched = {} as Record<string, unknown>;
  for (const [name, method] of Object.entries(host)) {
    if (typeof method !== "function") continue;
    watched[name] = async (...args: unknown[]) => {
      try {
        return await (method as (...a: unknown[]) => Promise<unknown>).apply(host, args);
      } catch (e) {
        const key = (e as Partial<ApiError> | null)?.key;
        if (key === "error.console_locked") watch.onlocked();
        else if (key === "error.session_ended" || key === "error.not_signed_in") watch.onended();
        throw e;
      }
    };
  }
  return watched as unknown as Host;
}
