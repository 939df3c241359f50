/** `GET /api/health`: unauthenticated liveness and backend reachability (no job data). */
import { createRoute, z } from "@hono/zod-openapi";
import { type RouteDeps, router } from "../deps.js";
import { json } from "../schemas.js";

const HealthSchema = z
  .object({
    status: z.enum(["ok", "unavailable"]),
    backend: z.string(),
    uptimeMs: z.number(),
  })
  .openapi("Health");

export function healthRoutes(deps: RouteDeps) {
  const app = router();
  app.openapi(
    createRoute({
      method: "get",
      path: "/health",
      operationId: "getHealth",
      tags: ["server"],
      summary: "Liveness and backend reachability",
      security: [],
      responses: {
        200: json(HealthSchema, "Serving, backend reachable"),
        503: json(HealthSchema, "Backend unreachable"),
      },
    }),
    async (c) => {
      const uptimeMs = Date.now() - deps.startedAt;
      try {
        const backend = await deps.spool.backend();
        // A point read of an id that cannot exist: touches the store, costs nothing.
        await backend.jobGet({ id: "health-check" });
        return c.json({ status: "ok" as const, backend: backend.kind, uptimeMs }, 200);
      } catch {
        return c.json({ status: "unavailable" as const, backend: "unknown", uptimeMs }, 503);
      }
    },
  );
  return app;
}
