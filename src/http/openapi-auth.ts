/**
 * Declares the browser side of auth in the OpenAPI document, which the route schemas cannot
 * express on their own: the session cookie as a second security scheme, and the CSRF header
 * `X-Spool-Request` as an optional header parameter of every state-changing operation (needed
 * by cookie sessions and no-auth servers, ignored for bearer callers). Generated clients thus
 * know the header exists and that a bearer token needs nothing else.
 */
import { SESSION_COOKIE } from "./options.js";

type Operation = { parameters?: unknown[]; security?: unknown[] };
type Document = {
  paths?: Record<string, Record<string, Operation>>;
  components?: Record<string, Record<string, unknown>>;
  security?: unknown[];
};

const STATE_CHANGING = new Set(["post", "put", "patch", "delete"]);

export function withBrowserAuth<D extends object>(doc: D): D {
  const d = doc as Document;
  d.components ??= {};
  d.components.securitySchemes ??= {};
  d.components.securitySchemes.session = {
    type: "apiKey",
    in: "cookie",
    name: SESSION_COOKIE,
    description:
      "The dashboard's session cookie, from `POST /api/session`. State-changing calls made with it must also " +
      "send the session's `csrfToken` in `X-Spool-Request`, from the same origin.",
  };
  d.components.parameters ??= {};
  d.components.parameters.SpoolRequest = {
    name: "X-Spool-Request",
    in: "header",
    required: false,
    schema: { type: "string" },
    description:
      "CSRF guard. Bearer-token callers: not needed. Dashboard (cookie) sessions: the session's `csrfToken`. " +
      "A server without auth (`--insecure`, loopback only): `1`. Missing or wrong where needed: 403 CSRF_HEADER_REQUIRED.",
  };
  d.security = [{ bearer: [] }, { session: [] }];
  for (const ops of Object.values(d.paths ?? {})) {
    for (const [method, op] of Object.entries(ops)) {
      if (!STATE_CHANGING.has(method) || (Array.isArray(op.security) && op.security.length === 0)) continue;
      op.parameters = [...(op.parameters ?? []), { $ref: "#/components/parameters/SpoolRequest" }];
    }
  }
  return doc;
}
