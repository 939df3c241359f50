/**
 * Assembles the Hono app: middleware in the order that refuses bad requests cheapest first,
 * then one route file per resource (jobs, queues, workers, schedules, workflows, events).
 * Adding a resource is one file in `routes/` and one `api.route(...)` line here.
 *
 * Order per request:
 *   security headers (on every response) → CORS (only if origins are configured) →
 *   audit (records admin actions once they are answered) →
 *   auth: the caller from a bearer token, a session cookie or no-auth mode; 401 without one,
 *   429 past the failed-authentication limit, 403 for a read caller on a mutating call →
 *   CSRF: cookie sessions and no-auth callers need `X-Spool-Request` and the same origin on a
 *   mutating call (bearer callers do not) →
 *   415 for a non-JSON body → 413 over the body limit → 400 for malformed JSON →
 *   route schema (400 INVALID_ARGUMENT) → handler (library errors through the code table).
 *
 * Everything can live under a base path (`basePath: "/spool"`): every route and middleware is
 * registered under it (not mounted), so the app can itself be mounted with `route("/", app)` in
 * a larger Hono server without its middleware reaching the host's other routes. The dashboard is
 * served at `<base>/`, the API under `<base>/api`.
 */
import type { Context } from "hono";
import { cors } from "hono/cors";
import { auditLog } from "./audit.js";
import { authenticate, csrf, TokenChecker } from "./auth.js";
import { mountDashboard } from "./dashboard.js";
import { type RouteDeps, router } from "./deps.js";
import { errorResponse, HttpError } from "./errors.js";
import { jsonOnly, limitBody, parseJson, securityHeaders } from "./guards.js";
import { completeDocument, documentFor } from "./openapi.js";
import { withBrowserAuth } from "./openapi-auth.js";
import { SESSION_COOKIE } from "./options.js";
import { auditRoutes } from "./routes/audit.js";
import { eventRoutes } from "./routes/events.js";
import { healthRoutes } from "./routes/health.js";
import { jobActionRoutes } from "./routes/job-actions.js";
import { jobBulkActionRoutes } from "./routes/job-bulk-actions.js";
import { jobChildrenRoutes } from "./routes/job-children.js";
import { jobFollowUpRoutes } from "./routes/job-follow-ups.js";
import { jobSelectionActionRoutes } from "./routes/job-selection-actions.js";
import { jobRoutes } from "./routes/jobs.js";
import { queueRoutes } from "./routes/queues.js";
import { scheduleRunRoutes } from "./routes/schedule-runs.js";
import { scheduleRoutes } from "./routes/schedules.js";
import { sessionRoutes } from "./routes/session.js";
import { workerRoutes } from "./routes/workers.js";
import { workflowRoutes } from "./routes/workflows.js";

/** Paths served without a token: liveness probes, API tooling, and the login itself. */
const PUBLIC_PATHS = new Set(["/api/health", "/api/openapi.json"]);

/** Served without a token: the dashboard's files (they hold no data; the page logs in). */
const isDashboardFile = (path: string) => path === "/" || path.startsWith("/assets/");

export function buildApp(deps: RouteDeps) {
  const { options } = deps;
  const app = router();
  const base = options.basePath;
  const localPath = (c: Context) =>
    base && c.req.path.startsWith(base) ? c.req.path.slice(base.length) || "/" : c.req.path;

  app.onError((err, c) => {
    // No `Connection: close` on refusals: closing while the body still arrives resets the
    // socket and can lose this answer; the server reads the rest instead (body-drain.ts).
    const res = errorResponse(c, err);
    const retry = (err as { details?: { retryAfterSeconds?: unknown } }).details?.retryAfterSeconds;
    if (res.status === 429 && typeof retry === "number") res.headers.set("Retry-After", String(retry));
    if (res.status >= 500) deps.spool.logger.error({ err, path: c.req.path }, "HTTP request failed");
    return res;
  });
  app.notFound((c) =>
    errorResponse(c, new HttpError("ROUTE_NOT_FOUND", `no route ${c.req.method} ${c.req.path}`)),
  );

  const all = `${base}/*`;
  app.use(all, securityHeaders);
  if (options.corsOrigins.length > 0) {
    app.use(
      all,
      cors({
        origin: options.corsOrigins,
        allowHeaders: ["Authorization", "Content-Type", "X-Spool-Request", "Last-Event-ID"],
        // Credentials (the session cookie) are never allowed cross-origin: CORS serves bearer callers.
        allowMethods: ["GET", "POST", "DELETE"],
        maxAge: 600,
      }),
    );
  }
  app.use(
    all,
    auditLog({
      backend: () => deps.spool.backend(),
      now: () => deps.spool.clock.now(),
      logger: deps.spool.logger,
      localPath,
      address: deps.address,
    }),
  );
  app.use(
    all,
    authenticate({
      checker: new TokenChecker(options.tokens),
      insecure: options.insecure && options.tokens.length === 0,
      keys: options.sessionKeys,
      cookieName: SESSION_COOKIE,
      limiter: deps.limiter,
      now: () => deps.spool.clock.now(),
      revoked: async (id) => (await deps.spool.backend()).sessionRevoked({ id }),
      address: deps.address,
      isPublic: (c) => {
        const path = localPath(c);
        if (PUBLIC_PATHS.has(path)) return true;
        if (path === "/api/session" && c.req.method === "POST") return true;
        return (
          options.dashboard && (c.req.method === "GET" || c.req.method === "HEAD") && isDashboardFile(path)
        );
      },
      anyRole: (c) => localPath(c) === "/api/session" && c.req.method === "DELETE",
    }),
  );
  app.use(all, csrf, jsonOnly, limitBody(options.bodyLimit), parseJson);

  const api = router();
  api.route("/", healthRoutes(deps));
  api.route("/", jobBulkActionRoutes(deps));
  api.route("/", jobSelectionActionRoutes(deps));
  api.route("/", jobRoutes(deps));
  api.route("/", jobChildrenRoutes(deps));
  api.route("/", jobFollowUpRoutes(deps));
  api.route("/", jobActionRoutes(deps));
  api.route("/", queueRoutes(deps));
  api.route("/", workerRoutes(deps));
  api.route("/", scheduleRoutes(deps));
  api.route("/", scheduleRunRoutes(deps));
  api.route("/", workflowRoutes(deps));
  api.route("/", eventRoutes(deps));
  api.route("/", sessionRoutes(deps));
  api.route("/", auditRoutes(deps));
  app.route(`${base}/api`, api);

  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    description:
      "An API token (role read or admin): `Authorization: Bearer <token>` and nothing else. (The dashboard " +
      "instead logs in with `POST /api/session` and sends its cookie plus the session's CSRF token in " +
      "`X-Spool-Request`; a server without auth needs `X-Spool-Request: 1` on state-changing calls.)",
  });
  const documentConfig = {
    openapi: "3.1.0",
    info: {
      title: "spool HTTP API",
      version: "1",
      description:
        "Enqueue, inspect and control spool jobs, schedules and workflows from any language. Errors are " +
        "`{ error: { code, message, details } }` with the library's stable codes.",
    },
    security: [{ bearer: [] }],
  };
  let document: ReturnType<typeof app.getOpenAPI31Document> | null = null;
  app.get(`${base}/api/openapi.json`, (c) => {
    // Built on the first request (every route is registered by then), then reused.
    document ??= completeDocument(withBrowserAuth(app.getOpenAPI31Document(documentConfig)));
    return c.json(documentFor(document, c.req.url));
  });

  if (options.metrics && deps.metrics) {
    const metrics = deps.metrics;
    app.get(`${base}/metrics`, async (c) => {
      await metrics.flush();
      return c.body(await metrics.text(), 200, { "Content-Type": metrics.contentType });
    });
  }
  if (options.dashboard) mountDashboard(app, base);
  return app;
}
