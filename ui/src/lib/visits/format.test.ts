import { describe, expect, it } from "vitest";
import { clock, duration, optional, siteToday } from "./format";

describe("clock", () => {
  it("shows the site's local time, not the PC's", () => {
    expect(clock("2026-07-01T08:30:00Z", "Europe/London")).toBe("09:30");
    expect(clock("2026-07-01T08:30:00Z", "Asia/Tokyo")).toBe("17:30");
  });
  it("shows a dash for missing or broken times", () => {
    expect(clock(null, "UTC")).toBe("–");
    expect(clock("not a date", "UTC")).toBe("–");
  });
});

describe("duration", () => {
  const now = new Date("2026-07-01T12:00:00Z");
  it("formats minutes and hours", () => {
    expect(duration("2026-07-01T11:55:00Z", now)).toBe("5 min");
    expect(duration("2026-07-01T09:55:00Z", now)).toBe("2 h 05 min");
  });
  it("never goes negative when clocks disagree", () => {
    expect(duration("2026-07-01T12:03:00Z", now)).toBe("0 min");
  });
});

describe("siteToday", () => {
  it("uses the site's date across midnight", () => {
    const late = new Date("2026-07-01T23:30:00Z");
    expect(siteToday("UTC", late)).toBe("2026-07-01");
    expect(siteToday("Europe/Berlin", late)).toBe("2026-07-02");
  });
});

describe("optional", () => {
  it("turns blank input into null", () => {
    expect(optional("   ")).toBeNull();
    expect(optional(" Acme ")).toBe("Acme");
  });
});
