import { describe, expect, it } from "vitest";
import type { ApiError } from "./bindings/ApiError";
import { asApiError, errorText, fieldError, formError } from "./errors";

const invalidEmail: ApiError = {
  code: "validation",
  message: "visitor.email: bad",
  field: "visitor.email",
  key: "error.validation",
  params: { field: "visitor.email", problem: "bad" },
};

describe("asApiError", () => {
  it("keeps a typed error from the core", () => {
    expect(asApiError({ ...invalidEmail })).toEqual(invalidEmail);
  });
  it("wraps anything else as internal", () => {
    expect(asApiError("boom")).toEqual({ code: "internal", message: "boom", field: null, key: "error.internal", params: {} });
    expect(asApiError({ code: "made_up", message: "x" }).code).toBe("internal");
  });
  it("keeps an error whose key this UI does not know, showing its English message", () => {
    const e = asApiError({ code: "conflict", message: "Newer core says so", field: null, key: "error.from_the_future", params: {} });
    expect(e.code).toBe("conflict");
    expect(errorText(e)).toBe("Newer core says so");
  });
});

describe("error text", () => {
  it("renders the catalogue message with the core's parameters, not the English text", () => {
    const e: ApiError = { code: "not_found", message: "visit not found", field: null, key: "error.not_found", params: { entity: "visit" } };
    expect(errorText(e)).toBe("Could not find the visit.");
  });
  it("says reprints in plural forms", () => {
    const e = (count: string): ApiError => ({
      code: "reprint_unconfirmed",
      message: "x",
      field: null,
      key: "error.reprint_unconfirmed",
      params: { visitor: "Ada", count },
    });
    expect(errorText(e("1"))).toBe("Ada's badge was already printed once. Print another?");
    expect(errorText(e("3"))).toBe("Ada's badge was already printed 3 times. Print another?");
  });
});

describe("field errors", () => {
  const err: ApiError = {
    code: "validation",
    message: "visitor.name: is required",
    field: "visitor.name",
    key: "error.validation",
    params: { field: "visitor.name", problem: "is required" },
  };
  it("shows the message under the named field only", () => {
    expect(fieldError(err, "visitor.name")).toBe("is required");
    expect(fieldError(err, "visitor.email")).toBeNull();
  });
  it("says a broken rule in the catalogue's words, with its parameters", () => {
    const long: ApiError = {
      code: "validation",
      message: "visitor.name: is too long (300 characters; at most 200)",
      field: "visitor.name",
      key: "error.too_long",
      params: { field: "visitor.name", problem: "is too long (300 characters; at most 200)", max: "200" },
    };
    expect(fieldError(long, "visitor.name")).toBe("Please use at most 200 characters.");
    expect(formError(long, [])).toBe("visitor.name: Please use at most 200 characters.");
  });
  it("sends errors no field claims to the banner", () => {
    expect(formError(err, ["visitor.name"])).toBeNull();
    expect(formError(err, ["purpose"])).toBe("visitor.name: is required");
    const conflict: ApiError = { code: "conflict", message: "already signed in", field: null, key: "error.conflict", params: { detail: "already signed in" } };
    expect(formError(conflict, [])).toBe("already signed in");
  });
});
