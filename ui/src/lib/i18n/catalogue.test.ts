import { afterEach, describe, expect, it } from "vitest";
import { direction, hasMessage, setLocale, t, tOrdinal } from "./catalogue";

afterEach(() => setLocale("en-GB"));

describe("message catalogue", () => {
  it("fills placeholders and leaves unknown ones visible", () => {
    expect(t("signin.done", { name: "Ada", badge: "V-7" })).toBe("Signed in Ada · badge V-7");
    expect(t("signin.done", { name: "Ada" })).toBe("Signed in Ada · badge {badge}");
  });
  it("treats parameters as text, never as patterns or markup", () => {
    expect(t("signin.done", { name: "<b>{badge}</b>", badge: "$&" })).toBe("Signed in <b>{badge}</b> · badge $&");
  });
  it("chooses plural forms by the locale's rules", () => {
    expect(t("onsite.visitors_count", { count: 1 })).toBe("1 visitor");
    expect(t("onsite.visitors_count", { count: 0 })).toBe("0 visitors");
    expect(t("onsite.visitors_count", { count: 12 })).toBe("12 visitors");
    expect(tOrdinal("describe.ordinal", 2)).toBe("2nd");
    expect(tOrdinal("describe.ordinal", 13)).toBe("13th");
    expect(tOrdinal("describe.ordinal", 23)).toBe("23rd");
  });
  it("falls back to English for keys another language lacks, and knows its direction", () => {
    setLocale("ar", { "nav.reports": "التقارير", "onsite.visitors_count": { zero: "لا زوار", one: "زائر واحد", two: "زائران", few: "{count} زوار", many: "{count} زائرًا", other: "{count} زائر" } });
    expect(t("nav.reports")).toBe("التقارير");
    expect(t("nav.log")).toBe("Visit log");
    expect(t("onsite.visitors_count", { count: 2 })).toBe("زائران");
    expect(t("onsite.visitors_count", { count: 5 })).toBe("5 زوار");
    expect(direction()).toBe("rtl");
    expect(direction("en-GB")).toBe("ltr");
  });
  it("knows which keys it has (error keys from the core included)", () => {
    expect(hasMessage("error.not_found")).toBe(true);
    expect(hasMessage("error.no_such_key")).toBe(false);
  });
});
