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
    watched[name] = (...args: unknown[]) => {
      const result = (method as (...a: unknown[]) => unknown).apply(host, args);
      // Commands answer with a promise; subscriptions (onDataChange) answer at once.
      if (!(result instanceof Promise)) return result;
      return result.catch((e: unknown) => {
        const key = (e as Partial<ApiError> | null)?.key;
        if (key === "error.console_locked") watch.onlocked();
        else if (key === "error.session_ended" || key === "error.not_signed_in") watch.onended();
        throw e;
      });
    };
  }
  return watched as unknown as Host;
}
