// Pure helpers of the Reports screen: quick period choices, formats per kind, schedule wording.
import type { ExportFormat } from "../bindings/ExportFormat";
import type { ExportKind } from "../bindings/ExportKind";
import type { ExportSchedule } from "../bindings/ExportSchedule";
import type { Role } from "../bindings/Role";
import type { ScheduleSpec } from "../bindings/ScheduleSpec";

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

/** The kinds a role may export (timesheets are for managers and administrators). */
export function kindsFor(role: Role): ExportKind[] {
  return role === "front_desk" ? ["visit_log", "daily_report"] : ["timesheets", "visit_log", "daily_report"];
}

export const kindLabel: Record<ExportKind, string> = {
  timesheets: "Timesheets",
  visit_log: "Visit log",
  daily_report: "Daily visitor report",
};

const weekdays = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

function ordinal(n: number): string {
  const s = n % 100 >= 11 && n % 100 <= 13 ? "th" : (["th", "st", "nd", "rd"][n % 10] ?? "th");
  return `${n}${s}`;
}

/** "Every Monday at 06:00 · last week", as the schedule list shows it. */
export function describeSchedule(spec: ScheduleSpec): string {
  const when =
    spec.every === "daily"
      ? "Every day"
      : spec.every === "weekly"
        ? `Every ${weekdays[(spec.weekday ?? 1) - 1] ?? "week"}`
        : `Every month on the ${ordinal(spec.month_day ?? 1)}`;
  const period = {
    previous_day: "the day before",
    previous_week: "last week",
    previous_month: "last month",
    last_days: `the last ${spec.days ?? 0} days`,
  }[spec.period];
  return `${when} at ${spec.at} · ${period}`;
}

/** A schedule's last outcome in a few words. */
export function lastRunText(s: ExportSchedule): { text: string; problem: boolean } {
  const r = s.last_run;
  if (!r) return { text: "Not run yet", problem: false };
  if (r.status === "done") return { text: `Done (${r.period_start} – ${r.period_end})`, problem: false };
  return { text: `Failed: ${r.message ?? "no reason given"} (attempt ${r.attempts}; will retry)`, problem: true };
}

/** A new schedule form: last week's timesheets every Monday at 06:00 (or the visit log for the desk). */
export function newSchedule(role: Role): ScheduleSpec {
  const timesheets = role !== "front_desk";
  return {
    name: timesheets ? "Weekly timesheets" : "Weekly visit log",
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
