// The schedule form's rules: what changing the kind of document resets, and how the form becomes the
// spec the core stores (blank text as none, only the fields the frequency and period use).
import type { ExportKind } from "../bindings/ExportKind";
import type { ScheduleSpec } from "../bindings/ScheduleSpec";
import { optional } from "../visits/format";
import { defaultFormat, formatsFor } from "./periods";

/** `spec` for another kind of document: a format it comes in; daily reports run daily on the day before. */
export function withKind(spec: ScheduleSpec, kind: ExportKind): ScheduleSpec {
  const next = { ...spec, kind };
  if (!formatsFor(kind).includes(next.format)) next.format = defaultFormat(kind);
  if (kind !== "timesheets") next.department = null;
  if (kind === "daily_report") {
    next.period = "previous_day";
    next.every = "daily";
  }
  return next;
}

/** The spec to save: numbers from the inputs, nulls for what the chosen frequency and period ignore. */
export function forSaving(spec: ScheduleSpec): ScheduleSpec {
  return {
    ...spec,
    department: spec.department ? optional(spec.department) : null,
    folder: spec.folder ? optional(spec.folder) : null,
    weekday: spec.every === "weekly" ? Number(spec.weekday) : null,
    month_day: spec.every === "monthly" ? Number(spec.month_day) : null,
    days: spec.period === "last_days" ? Number(spec.days) : null,
  };
}
