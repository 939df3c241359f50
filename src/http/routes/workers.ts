/** Workers seen within their heartbeat ttl, with the jobs each runs now. */
import { createRoute, z } from "@hono/zod-openapi";
import { type RouteDeps, router } from "../deps.js";
import { errorResponses, json } from "../schemas.js";

const WorkerSchema = z
  .object({
    id: z.string(),
    host: z.string(),
    pid: z.number(),
    queues: z.array(z.string()),
    concurrency: z.number(),
    running: z.array(z.string()).openapi({ description: "Ids of the jobs it runs now" }),
    startedAt: z.number(),
    lastSeenAt: z.number(),
    alive: z.boolean(),
  })
  .openapi("Worker");

export function workerRoutes(deps: RouteDeps) {
  const app = router();
  app.openapi(
    createRoute({
      method: "get",
      path: "/workers",
      operationId: "listWorkers",
      tags: ["workers"],
      summary: "Live workers",
      responses: {
        200: json(z.object({ workers: z.array(WorkerSchema) }), "Workers alive"),
        ...errorResponses(),
      },
    }),
    async (c) => {
      const workers = await deps.spool.workers.list();
      return c.json({ workers: workers.map((w) => ({ ...w, alive: true })) }, 200);
    },
  );
  return app;
}
