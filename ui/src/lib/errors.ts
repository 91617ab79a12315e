import type { ApiError } from "./bindings/ApiError";
import type { ErrorCode } from "./bindings/ErrorCode";

const CODES: readonly ErrorCode[] = [
  "validation",
  "not_found",
  "conflict",
  "forbidden",
  "unauthenticated",
  "internal",
];

/** Whatever a command threw, as the typed error the core sends. */
export function asApiError(e: unknown): ApiError {
  if (e && typeof e === "object" && "code" in e && "message" in e) {
    const { code, message, field } = e as Record<string, unknown>;
    if (typeof message === "string" && CODES.includes(code as ErrorCode)) {
      return { code: code as ErrorCode, message, field: typeof field === "string" ? field : null };
    }
  }
  const message = e instanceof Error ? e.message : typeof e === "string" ? e : "Unexpected error";
  return { code: "internal", message, field: null };
}

/**
 * The message to show next to a form field: validation errors name their field (nested fields as
 * `visitor.name`), and the form shows each under its input.
 */
export function fieldError(err: ApiError | null, field: string): string | null {
  if (!err || err.code !== "validation" || !err.field) return null;
  if (err.field !== field) return null;
  const i = err.message.indexOf(": ");
  return i >= 0 ? err.message.slice(i + 2) : err.message;
}

/** A validation error that no field on the form claims, or any other error, for a banner. */
export function formError(err: ApiError | null, fields: readonly string[]): string | null {
  if (!err) return null;
  if (err.code === "validation" && err.field && fields.includes(err.field)) return null;
  return err.message;
}
