/**
 * Assembles the Hono app: middleware in the order that refuses bad requests cheapest first,
 * then one route file per resource (jobs, queues, workers, schedules, workflows, events).
 * Adding a resource is one file in `routes/` and one `api.route(...)` line here.
 *
 * Order per request:
 *   security headers (on every response) → CORS (only if origins are configured) →
 *   auth: 401 without a valid token, 403 for a read token on a mutating call →
 *   CSRF: 403 without `X-Spool-Request: 1` on a mutating call →
 *   415 for a non-JSON body → 413 over the body limit → 400 for malformed JSON →
 *   route schema (400 INVALID_ARGUMENT) → handler (library errors through the code table).
 */
import { cors } from "hono/cors";
import { authenticate } from "./auth.js";
import { type RouteDeps, router } from "./deps.js";
import { errorResponse, HttpError } from "./errors.js";
import { csrf, jsonOnly, limitBody, parseJson, securityHeaders } from "./guards.js";
import { completeDocument, documentFor } from "./openapi.js";
import { eventRoutes } from "./routes/events.js";
import { healthRoutes } from "./routes/health.js";
import { jobActionRoutes } from "./routes/job-actions.js";
import { jobRoutes } from "./routes/jobs.js";
import { queueRoutes } from "./routes/queues.js";
import { scheduleRoutes } from "./routes/schedules.js";
import { workerRoutes } from "./routes/workers.js";
import { workflowRoutes } from "./routes/workflows.js";

/** Paths served without a token: liveness probes and API tooling. */
const PUBLIC_PATHS = new Set(["/api/health", "/api/openapi.json"]);

export function buildApp(deps: RouteDeps) {
  const { options } = deps;
  const app = router();

  app.onError((err, c) => {
    // No `Connection: close` on refusals: closing while the body still arrives resets the
    // socket and can lose this answer; the server reads the rest instead (body-drain.ts).
    const res = errorResponse(c, err);
    if (res.status >= 500) deps.spool.logger.error({ err, path: c.req.path }, "HTTP request failed");
    return res;
  });
  app.notFound((c) =>
    errorResponse(c, new HttpError("ROUTE_NOT_FOUND", `no route ${c.req.method} ${c.req.path}`)),
  );

  app.use("*", securityHeaders);
  if (options.corsOrigins.length > 0) {
    app.use(
      "*",
      cors({
        origin: options.corsOrigins,
        allowHeaders: ["Authorization", "Content-Type", "X-Spool-Request", "Last-Event-ID"],
        allowMethods: ["GET", "POST", "DELETE"],
        maxAge: 600,
      }),
    );
  }
  const auth = authenticate(options.tokens, options.insecure);
  app.use("*", async (c, next) => (PUBLIC_PATHS.has(c.req.path) ? next() : auth(c, next)));
  app.use("*", csrf, jsonOnly, limitBody(options.bodyLimit), parseJson);

  const api = router();
  api.route("/", healthRoutes(deps));
  api.route("/", jobRoutes(deps));
  api.route("/", jobActionRoutes(deps));
  api.route("/", queueRoutes(deps));
  api.route("/", workerRoutes(deps));
  api.route("/", scheduleRoutes(deps));
  api.route("/", workflowRoutes(deps));
  api.route("/", eventRoutes(deps));
  app.route("/api", api);

  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    description: "An API token (role read or admin).",
  });
  let document: ReturnType<typeof app.getOpenAPI31Document> | null = null;
  app.get("/api/openapi.json", (c) => {
    // Built on the first request (every route is registered by then), then reused.
    document ??= completeDocument(
      app.getOpenAPI31Document({
        openapi: "3.1.0",
        info: {
          title: "spool HTTP API",
          version: "1",
          description:
            "Enqueue, inspect and control spool jobs, schedules and workflows from any language. Errors are " +
            "`{ error: { code, message, details } }` with the library's stable codes.",
        },
        security: [{ bearer: [] }],
      }),
    );
    return c.json(documentFor(document, c.req.url));
  });

  if (options.metrics && deps.metrics) {
    const metrics = deps.metrics;
    app.get("/metrics", async (c) => {
      await metrics.flush();
      return c.body(await metrics.text(), 200, { "Content-Type": metrics.contentType });
    });
  }
  return app;
}
