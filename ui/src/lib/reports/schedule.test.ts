import { describe, expect, it } from "vitest";
import { ROLE_PERMISSIONS } from "../bindings/rolePermissions";
import { newSchedule } from "./periods";
import { forSaving, withKind } from "./schedule";

const base = newSchedule(ROLE_PERMISSIONS.admin);

describe("schedule form", () => {
  it("keeps only formats and fields the new kind has", () => {
    const withDept = { ...base, department: "Sales" };
    const log = withKind(withDept, "visit_log");
    expect(log.format).toBe("pdf"); // xlsx timesheets → the visit log has no xlsx
    expect(log.department).toBeNull();
    const daily = withKind(base, "daily_report");
    expect([daily.every, daily.period, daily.format]).toEqual(["daily", "previous_day", "pdf"]);
    expect(withKind(base, "timesheets").format).toBe("xlsx"); // still offered, so kept
  });
  it("saves numbers for the chosen frequency only and blank text as none", () => {
    const monthly = forSaving({ ...base, every: "monthly", month_day: "3" as unknown as number, folder: "  ", department: " Sales " });
    expect(monthly.month_day).toBe(3);
    expect(monthly.weekday).toBeNull();
    expect(monthly.folder).toBeNull();
    expect(monthly.department).toBe("Sales");
    expect(forSaving({ ...base, period: "previous_week", days: 9 }).days).toBeNull();
  });
});
