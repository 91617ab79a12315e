// Pure helpers of the Reports screen: quick period choices, formats per kind, schedule wording.
import type { ExportFormat } from "../bindings/ExportFormat";
import type { ExportKind } from "../bindings/ExportKind";
import type { ExportSchedule } from "../bindings/ExportSchedule";
import type { Permission } from "../bindings/Permission";
import type { ScheduleSpec } from "../bindings/ScheduleSpec";
import { currentLocale, t, tOrdinal } from "../i18n/catalogue";

export type Period = { from: string; to: string };

function parse(day: string): Date {
  const [y = 1970, m = 1, d = 1] = day.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d));
}

function iso(d: Date): string {
  return Number.isNaN(d.getTime()) ? "" : d.toISOString().slice(0, 10);
}

function addDays(day: string, n: number): string {
  const d = parse(day);
  d.setUTCDate(d.getUTCDate() + n);
  return iso(d);
}

/** Quick choices relative to the site's today (YYYY-MM-DD); weeks run Monday to Sunday. */
export function quickPeriod(choice: "yesterday" | "last_week" | "last_month" | "this_month", today: string): Period {
  switch (choice) {
    case "yesterday": {
      const y = addDays(today, -1);
      return { from: y, to: y };
    }
    case "last_week": {
      const back = (parse(today).getUTCDay() + 6) % 7; // days since Monday
      const monday = addDays(today, -back - 7);
      return { from: monday, to: addDays(monday, 6) };
    }
    case "last_month": {
      const t = parse(today);
      const first = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() - 1, 1));
      const last = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), 0));
      return { from: iso(first), to: iso(last) };
    }
    case "this_month": {
      const t = parse(today);
      return { from: iso(new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), 1))), to: today };
    }
  }
}

/** The formats a kind of export comes in (the core refuses the others). */
export function formatsFor(kind: ExportKind): ExportFormat[] {
  switch (kind) {
    case "timesheets":
      return ["pdf", "csv", "xlsx"];
    case "visit_log":
      return ["pdf", "csv"];
    case "daily_report":
      return ["pdf"];
  }
}

/** The format a kind is exported in unless staff choose another. */
export function defaultFormat(kind: ExportKind): ExportFormat {
  return formatsFor(kind)[0] ?? "pdf";
}

/** The kinds the signed-in account may export: the core asks `export_timesheets` for timesheets and
 * `view_visits` for the visit log and the daily report. */
export function kindsFor(permissions: readonly Permission[]): ExportKind[] {
  const kinds: ExportKind[] = [];
  if (permissions.includes("export_timesheets")) kinds.push("timesheets");
  if (permissions.includes("view_visits")) kinds.push("visit_log", "daily_report");
  return kinds;
}

export function kindLabel(kind: ExportKind): string {
  return t(`kind.${kind}`);
}

/** The locale's name of an ISO weekday (1 = Monday … 7 = Sunday). */
export function weekdayName(isoDay: number): string {
  // 2024-01-01 was a Monday.
  return new Intl.DateTimeFormat(currentLocale(), { weekday: "long", timeZone: "UTC" }).format(
    new Date(Date.UTC(2024, 0, isoDay)),
  );
}

/** "Every Monday at 06:00 · last week", as the schedule list shows it. */
export function describeSchedule(spec: ScheduleSpec): string {
  const when =
    spec.every === "daily"
      ? t("describe.daily")
      : spec.every === "weekly"
        ? t("describe.weekly", { weekday: weekdayName(spec.weekday ?? 1) })
        : t("describe.monthly", { day: tOrdinal("describe.ordinal", spec.month_day ?? 1) });
  const period =
    spec.period === "last_days" ? t("describe.last_days", { count: spec.days ?? 0 }) : t(`describe.${spec.period}`);
  return t("describe.sentence", { when, at: spec.at, period });
}

/** A schedule's last outcome in a few words. */
export function lastRunText(s: ExportSchedule): { text: string; problem: boolean } {
  const r = s.last_run;
  if (!r) return { text: t("run.none"), problem: false };
  if (r.status === "done") return { text: t("run.done", { from: r.period_start, to: r.period_end }), problem: false };
  return {
    text: t("run.failed", { reason: r.message ?? t("run.no_reason"), attempts: r.attempts }),
    problem: true,
  };
}

/** A new schedule form: last week's timesheets every Monday at 06:00 (or the visit log without the
 * permission to export timesheets). */
export function newSchedule(permissions: readonly Permission[]): ScheduleSpec {
  const timesheets = permissions.includes("export_timesheets");
  return {
    name: t(timesheets ? "schedule.new_timesheets" : "schedule.new_visit_log"),
    site_id: null,
    kind: timesheets ? "timesheets" : "visit_log",
    format: timesheets ? "xlsx" : "pdf",
    department: null,
    every: "weekly",
    weekday: 1,
    month_day: null,
    at: "06:00",
    period: "previous_week",
    days: null,
    folder: null,
    enabled: true,
  };
}
