/**
 * The OpenAPI 3.1 document served at `/api/openapi.json`: generated from the routes' zod
 * schemas, then completed with what every route shares, so no route can forget it.
 *
 * - Answers the middleware gives before any route runs are added to every operation that
 *   does not describe them itself: 400 (malformed JSON, or a query/body outside its schema),
 *   413 (body over the limit), 415 (a body that is not JSON), 500 and 503 (backend
 *   unavailable); 401 and 429 (failed-authentication limit) unless the operation is public;
 *   403 (role, CSRF) on every mutating one. (The CSRF header parameter and the session
 *   scheme come from `openapi-auth.ts`.)
 * - `servers` names the origin the document was fetched from, so generated clients work
 *   without configuration (behind a proxy that rewrites the host, set their base URL).
 *
 * `test/http/openapi.test.ts` validates every response the HTTP tests see against this
 * document, so it cannot drift from what the server does.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import { isMutating } from "./auth.js";
import type { Env } from "./deps.js";
import { ERROR_DESCRIPTIONS } from "./schemas.js";

type Json = Record<string, unknown>;
type OpenApiDocument = ReturnType<OpenAPIHono<Env>["getOpenAPI31Document"]>;

const COMMON_STATUSES = [400, 413, 415, 500, 503] as const;
const METHODS = ["get", "post", "put", "patch", "delete"] as const;

const errorRef = { "application/json": { schema: { $ref: "#/components/schemas/Error" } } };

function errorResponse(status: number): Json {
  return { description: ERROR_DESCRIPTIONS[status] ?? "Error", content: errorRef };
}

/** Adds the shared answers to every operation (in place). */
export function completeDocument(doc: OpenApiDocument): OpenApiDocument {
  for (const item of Object.values(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = (item as Record<string, Json | undefined>)[method];
      if (!op) continue;
      const responses = (op.responses ??= {}) as Json;
      const isPublic = Array.isArray(op.security) && op.security.length === 0;
      const statuses: number[] = [...COMMON_STATUSES];
      if (!isPublic) statuses.push(401, 429);
      if (isMutating(method.toUpperCase())) statuses.push(403);
      for (const status of statuses) responses[status] ??= errorResponse(status);
    }
  }
  return doc;
}

/** The document with `servers` set to the origin it is served from. */
export function documentFor(doc: OpenApiDocument, requestUrl: string): OpenApiDocument {
  const origin = new URL(requestUrl).origin;
  return { ...doc, servers: [{ url: origin, description: "the server this document came from" }] };
}
