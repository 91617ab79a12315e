import type { ApiError } from "./bindings/ApiError";
import type { ErrorCode } from "./bindings/ErrorCode";
import type { ErrorKey } from "./bindings/ErrorKey";
import { hasMessage, t } from "./i18n/catalogue";

// Objects keyed by every member of the generated unions: a code or key added in Rust fails the type
// check here until it is listed.
const CODES: Record<ErrorCode, true> = {
  validation: true,
  not_found: true,
  conflict: true,
  reprint_unconfirmed: true,
  forbidden: true,
  unauthenticated: true,
  internal: true,
};
const KEYS: Record<ErrorKey, true> = {
  "error.validation": true,
  "error.required": true,
  "error.too_long": true,
  "error.control_characters": true,
  "error.invalid_email": true,
  "error.invalid_phone": true,
  "error.invalid_pin": true,
  "error.password_too_short": true,
  "error.password_weak": true,
  "error.no_such_employee": true,
  "error.employee_left": true,
  "error.too_large": true,
  "error.agreement_changed": true,
  "error.not_found": true,
  "error.conflict": true,
  "error.reprint_unconfirmed": true,
  "error.invite_unknown": true,
  "error.invite_too_early": true,
  "error.invite_expired": true,
  "error.invite_cancelled": true,
  "error.invite_used": true,
  "error.forbidden": true,
  "error.not_signed_in": true,
  "error.bad_credentials": true,
  "error.locked": true,
  "error.session_ended": true,
  "error.console_locked": true,
  "error.internal": true,
};

function isCode(c: unknown): c is ErrorCode {
  return typeof c === "string" && Object.prototype.hasOwnProperty.call(CODES, c);
}

function isKey(k: unknown): k is ErrorKey {
  return typeof k === "string" && Object.prototype.hasOwnProperty.call(KEYS, k);
}

/** Whatever a command threw, as the typed error the core sends. */
export function asApiError(e: unknown): ApiError {
  if (e && typeof e === "object" && "code" in e && "message" in e) {
    const { code, message, field, key, params } = e as Record<string, unknown>;
    if (typeof message === "string" && isCode(code)) {
      const clean: Record<string, string> = {};
      if (params && typeof params === "object") {
        for (const [k, v] of Object.entries(params)) if (typeof v === "string") clean[k] = v;
      }
      return {
        code,
        message,
        field: typeof field === "string" ? field : null,
        key: isKey(key) ? key : code === "internal" ? "error.internal" : "error.conflict",
        params: isKey(key) ? clean : { detail: message },
      };
    }
  }
  const message = e instanceof Error ? e.message : typeof e === "string" ? e : "Unexpected error";
  return { code: "internal", message, field: null, key: "error.internal", params: {} };
}

/** True for a validation error whose rule has its own catalogue message (not the English-only one). */
function isRuleKey(err: ApiError): boolean {
  return err.code === "validation" && err.key !== "error.validation" && hasMessage(err.key);
}

/**
 * The error as the person at the screen reads it: the catalogue's message, else the English text.
 * A broken rule outside its form names the field it is about.
 */
export function errorText(err: ApiError): string {
  if (isRuleKey(err) && err.field) return `${err.field}: ${t(err.key, err.params)}`;
  return hasMessage(err.key) ? t(err.key, err.params) : err.message;
}

/**
 * The message to show next to a form field: validation errors name their field (nested fields as
 * `visitor.name`), and the form shows each under its input.
 */
export function fieldError(err: ApiError | null, field: string): string | null {
  if (!err || err.code !== "validation" || !err.field) return null;
  if (err.field !== field) return null;
  if (isRuleKey(err)) return t(err.key, err.params);
  return err.params.problem ?? err.message;
}

/** A validation error that no field on the form claims, or any other error, for a banner. */
export function formError(err: ApiError | null, fields: readonly string[]): string | null {
  if (!err) return null;
  if (err.code === "validation" && err.field && fields.includes(err.field)) return null;
  return errorText(err);
}
