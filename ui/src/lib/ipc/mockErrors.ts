// Errors as the core sends them (code, catalogue key + params, English message), for the in-memory
// hosts.
import type { ApiError } from "../bindings/ApiError";
import type { ErrorCode } from "../bindings/ErrorCode";
import type { ErrorKey } from "../bindings/ErrorKey";

export function apiError(code: ErrorCode, key: ErrorKey, message: string, params: Record<string, string> = {}, field: string | null = null): ApiError {
  return { code, key, params, message, field };
}

export function invalid(field: string, problem: string, key: ErrorKey = "error.validation", extra: Record<string, string> = {}): ApiError {
  return apiError("validation", key, `${field}: ${problem}`, { field, problem, ...extra }, field);
}
