import { t } from "../i18n/catalogue";

/** Local clock time (HH:MM) of an instant at the site's time zone. */
export function clock(iso: string | null, timeZone: string): string {
  if (!iso) return "–";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "–";
  return new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", timeZone }).format(d);
}

/** Date and time of an instant at the site, e.g. "2 Dec 2026, 14:05" ("–" for none). */
export function dateTime(iso: string | null, timeZone: string): string {
  if (!iso) return "–";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "–";
  return new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", timeZone }).format(d);
}

/** How long someone has been on site, e.g. "5 min", "2 h 05 min". */
export function duration(fromIso: string | null, now: Date): string {
  if (!fromIso) return "–";
  const from = new Date(fromIso).getTime();
  if (Number.isNaN(from)) return "–";
  const minutes = Math.max(0, Math.floor((now.getTime() - from) / 60000));
  if (minutes < 60) return t("duration.minutes", { minutes });
  const hours = Math.floor(minutes / 60);
  return t("duration.hours", { hours, minutes: String(minutes % 60).padStart(2, "0") });
}

/**
 * Today's date (YYYY-MM-DD) at the site. Built from the formatter's parts: how a locale joins them
 * differs between engines (WebKit's en-CA gives "11/21/2026" where V8 gives "2026-11-21").
 */
export function siteToday(timeZone: string, now: Date = new Date()): string {
  const parts = new Intl.DateTimeFormat("en-US", {
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    timeZone,
  }).formatToParts(now);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? "";
  return `${part("year").padStart(4, "0")}-${part("month")}-${part("day")}`;
}

/** Empty or whitespace-only form input becomes null, as the core expects for optional fields. */
export function optional(s: string): string | null {
  const t = s.trim();
  return t === "" ? null : t;
}
