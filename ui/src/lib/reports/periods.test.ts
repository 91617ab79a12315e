import { describe, expect, it } from "vitest";
import { describeSchedule, formatsFor, kindsFor, lastRunText, newSchedule, quickPeriod } from "./periods";
import type { ExportSchedule } from "../bindings/ExportSchedule";
import { ROLE_PERMISSIONS } from "../bindings/rolePermissions";

const admin = ROLE_PERMISSIONS.admin;
const desk = ROLE_PERMISSIONS.front_desk;
const manager = ROLE_PERMISSIONS.manager;

describe("quickPeriod", () => {
  it("finds last Monday–Sunday week from any weekday", () => {
    // 2026-11-21 is a Saturday; 2026-11-23 a Monday.
    expect(quickPeriod("last_week", "2026-11-21")).toEqual({ from: "2026-11-09", to: "2026-11-15" });
    expect(quickPeriod("last_week", "2026-11-23")).toEqual({ from: "2026-11-16", to: "2026-11-22" });
    expect(quickPeriod("last_week", "2026-11-22")).toEqual({ from: "2026-11-09", to: "2026-11-15" });
  });
  it("gives empty dates rather than throwing on a malformed today", () => {
    expect(quickPeriod("yesterday", "21/11/2026")).toEqual({ from: "", to: "" });
  });
  it("crosses month and year ends", () => {
    expect(quickPeriod("yesterday", "2026-03-01")).toEqual({ from: "2026-02-28", to: "2026-02-28" });
    expect(quickPeriod("last_month", "2026-01-15")).toEqual({ from: "2025-12-01", to: "2025-12-31" });
    expect(quickPeriod("last_month", "2024-03-31")).toEqual({ from: "2024-02-01", to: "2024-02-29" });
    expect(quickPeriod("this_month", "2026-11-21")).toEqual({ from: "2026-11-01", to: "2026-11-21" });
  });
});

describe("formats and roles", () => {
  it("offers only what the core produces", () => {
    expect(formatsFor("daily_report")).toEqual(["pdf"]);
    expect(formatsFor("visit_log")).not.toContain("xlsx");
    expect(formatsFor("timesheets")).toContain("xlsx");
  });
  it("offers what the account's permissions allow, as the core checks it", () => {
    expect(kindsFor(desk)).toEqual(["visit_log", "daily_report"]);
    expect(kindsFor(manager)).toContain("timesheets");
    expect(kindsFor(["export_timesheets"])).toEqual(["timesheets"]);
    expect(kindsFor([])).toEqual([]);
    expect(newSchedule(desk).kind).toBe("visit_log");
  });
});

describe("schedule wording", () => {
  it("reads like a sentence", () => {
    expect(describeSchedule(newSchedule(manager))).toBe("Every Monday at 06:00 · last week");
    expect(describeSchedule({ ...newSchedule(admin), every: "monthly", month_day: 2, period: "previous_month" })).toBe(
      "Every month on the 2nd at 06:00 · last month",
    );
    expect(describeSchedule({ ...newSchedule(admin), every: "daily", period: "last_days", days: 7 })).toBe(
      "Every day at 06:00 · the last 7 days",
    );
  });
  it("shows failures with the reason", () => {
    const base: ExportSchedule = {
      id: "1",
      spec: newSchedule(admin),
      owner_name: "Mia",
      folder_path: "/x",
      next_run_at: null,
      last_run: null,
    };
    expect(lastRunText(base)).toEqual({ text: "Not run yet", problem: false });
    const failed = lastRunText({
      ...base,
      last_run: {
        schedule_id: "1",
        schedule_name: "x",
        due_at: "2026-11-23T06:00:00Z",
        period_start: "2026-11-16",
        period_end: "2026-11-22",
        status: "failed",
        path: null,
        message: "writing to /share: offline",
        attempts: 3,
        next_attempt_at: null,
        finished_at: "2026-11-23T06:00:01Z",
      },
    });
    expect(failed.problem).toBe(true);
    expect(failed.text).toContain("offline");
  });
});
