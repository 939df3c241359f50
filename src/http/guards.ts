/**
 * Browser-safety middleware: security headers, JSON-only bodies, the body size limit, and JSON
 * parsing with a typed error. (CSRF refusal depends on how the caller authenticated: see
 * `auth.ts`.)
 */
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HttpError } from "./errors.js";

/** nosniff, frame-deny, no referrer, and a strict CSP ready for the dashboard. */
export const securityHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  const h = c.res.headers;
  h.set("X-Content-Type-Options", "nosniff");
  h.set("X-Frame-Options", "DENY");
  h.set("Referrer-Policy", "no-referrer");
  h.set("Cross-Origin-Resource-Policy", "same-origin");
  h.set(
    "Content-Security-Policy",
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
      "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  );
  if (!h.has("Cache-Control")) h.set("Cache-Control", "no-store");
};

export function hasBody(headers: Headers): boolean {
  const length = headers.get("content-length");
  if (length !== null) return length.trim() !== "0";
  return headers.has("transfer-encoding");
}

/** Bodies must be `application/json` (any `+json` too); 415 otherwise. */
export const jsonOnly: MiddlewareHandler = async (c, next) => {
  if (hasBody(c.req.raw.headers)) {
    const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
    if (!/^application\/([a-z0-9.+-]+\+)?json$/.test(type)) {
      throw new HttpError(
        "UNSUPPORTED_MEDIA_TYPE",
        "request bodies must be JSON (Content-Type: application/json)",
        {
          contentType: type || null,
        },
      );
    }
  }
  await next();
};

export function limitBody(maxSize: number): MiddlewareHandler {
  return bodyLimit({
    maxSize,
    onError: () => {
      throw new HttpError("REQUEST_TOO_LARGE", `request body is larger than ${maxSize} bytes`, {
        limit: maxSize,
      });
    },
  });
}

/**
 * Parses a JSON body once (validators reuse hono's cached copy) so that malformed JSON
 * gets its own code instead of a generic validation error.
 */
export const parseJson: MiddlewareHandler = async (c, next) => {
  if (!hasBody(c.req.raw.headers)) {
    // An empty body reads as `{}`: `curl -X POST -H 'Content-Type: application/json' …/cancel` is fine.
    c.req.bodyCache.json = Promise.resolve({});
  } else {
    try {
      await c.req.json();
    } catch (cause) {
      if (cause instanceof HttpError) throw cause;
      throw new HttpError("MALFORMED_JSON", `request body is not valid JSON: ${(cause as Error).message}`);
    }
  }
  await next();
};
