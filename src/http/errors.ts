/**
 * One table maps every error code (the library's `SpoolError` codes and the few the HTTP
 * layer adds) to a status, and one function turns anything thrown into the JSON body
 * `{ error: { code, message, details } }`. Routes throw typed errors; none builds an error
 * response by hand, so a code means the same status on every route.
 */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { BackendError, isSpoolError, SpoolError } from "../core/errors/index.js";

/** Codes only the HTTP layer produces (the rest come from `src/core/errors`). */
export type HttpErrorCode =
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "CSRF_HEADER_REQUIRED"
  | "CSRF_ORIGIN_REFUSED"
  | "RATE_LIMITED"
  | "UNSUPPORTED_MEDIA_TYPE"
  | "REQUEST_TOO_LARGE"
  | "MALFORMED_JSON"
  | "ROUTE_NOT_FOUND"
  | "TOO_MANY_STREAMS"
  | "INTERNAL";

/** Error code → HTTP status. Unknown codes fall back to 500 (503 for backend errors). */
export const STATUS_BY_CODE: Readonly<Record<string, ContentfulStatusCode>> = {
  // library errors (src/core/errors)
  INVALID_ARGUMENT: 400,
  VALIDATION_FAILED: 422,
  UNKNOWN_TASK: 422,
  UNSERIALIZABLE: 422,
  PAYLOAD_TOO_LARGE: 413,
  NOT_FOUND: 404,
  INVALID_STATE: 409,
  JOB_FAILED: 409,
  JOB_CANCELLED: 409,
  WORKFLOW_FAILED: 409,
  WORKFLOW_CANCELLED: 409,
  CANCELLED: 409,
  LEASE_LOST: 409,
  NON_RETRIABLE: 422,
  TIMEOUT: 504,
  SHUTDOWN: 503,
  BACKEND_ERROR: 503,
  // HTTP layer
  MALFORMED_JSON: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  CSRF_HEADER_REQUIRED: 403,
  CSRF_ORIGIN_REFUSED: 403,
  RATE_LIMITED: 429,
  ROUTE_NOT_FOUND: 404,
  REQUEST_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  TOO_MANY_STREAMS: 503,
  INTERNAL: 500,
};

/** An error raised by the HTTP layer itself (auth, CSRF, media type …). */
export class HttpError extends SpoolError {
  constructor(
    /** HTTP-layer codes, or INVALID_ARGUMENT for a request that fails its schema. */
    readonly code: HttpErrorCode | "INVALID_ARGUMENT",
    message: string,
    details?: Record<string, unknown>,
  ) {
    super(message, details === undefined ? undefined : { details });
  }
}

export interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

export function statusOf(err: SpoolError): ContentfulStatusCode {
  return STATUS_BY_CODE[err.code] ?? (err instanceof BackendError ? 503 : 500);
}

/** Hono's own exceptions (from validators and middleware we did not write) by status. */
const CODE_BY_HTTP_STATUS: Record<number, HttpErrorCode> = {
  400: "MALFORMED_JSON",
  401: "UNAUTHORIZED",
  403: "FORBIDDEN",
  404: "ROUTE_NOT_FOUND",
  413: "REQUEST_TOO_LARGE",
  415: "UNSUPPORTED_MEDIA_TYPE",
};

/** Normalizes anything thrown into (status, body). Unexpected errors hide their message. */
export function toErrorResponse(err: unknown): { status: ContentfulStatusCode; body: ErrorBody } {
  if (isSpoolError(err)) {
    const body: ErrorBody = { error: { code: err.code, message: err.message } };
    if (err.details !== undefined) body.error.details = err.details;
    return { status: statusOf(err), body };
  }
  if (err instanceof HTTPException && err.status < 500) {
    const code = CODE_BY_HTTP_STATUS[err.status] ?? "INVALID_ARGUMENT";
    return {
      status: err.status as ContentfulStatusCode,
      body: { error: { code, message: err.message || code.toLowerCase().replaceAll("_", " ") } },
    };
  }
  return { status: 500, body: { error: { code: "INTERNAL", message: "internal server error" } } };
}

export function errorResponse(c: Context, err: unknown): Response {
  const { status, body } = toErrorResponse(err);
  return c.json(body, status);
}
