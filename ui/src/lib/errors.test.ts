import { describe, expect, it } from "vitest";
import { asApiError, fieldError, formError } from "./errors";

describe("asApiError", () => {
  it("keeps a typed error from the core", () => {
    const e = asApiError({ code: "validation", message: "visitor.email: bad", field: "visitor.email" });
    expect(e).toEqual({ code: "validation", message: "visitor.email: bad", field: "visitor.email" });
  });
  it("wraps anything else as internal", () => {
    expect(asApiError("boom")).toEqual({ code: "internal", message: "boom", field: null });
    expect(asApiError({ code: "made_up", message: "x" }).code).toBe("internal");
  });
});

describe("field errors", () => {
  const err = { code: "validation" as const, message: "visitor.name: is required", field: "visitor.name" };
  it("shows the message under the named field only", () => {
    expect(fieldError(err, "visitor.name")).toBe("is required");
    expect(fieldError(err, "visitor.email")).toBeNull();
  });
  it("sends errors no field claims to the banner", () => {
    expect(formError(err, ["visitor.name"])).toBeNull();
    expect(formError(err, ["purpose"])).toBe("visitor.name: is required");
    expect(formError({ code: "conflict", message: "already signed in", field: null }, [])).toBe("already signed in");
  });
});
