/** Queues: counts per state, oldest queued age, in-process throughput; pause and resume. */
import { createRoute, z } from "@hono/zod-openapi";
import { checkName } from "../../core/registry.js";
import { JOB_STATES } from "../../core/types.js";
import { type RouteDeps, router } from "../deps.js";
import { errorResponses, json, QueueParamSchema } from "../schemas.js";

const tags = ["queues"];

const QueueSchema = z
  .object({
    name: z.string(),
    paused: z.boolean(),
    counts: z.object(
      Object.fromEntries(JOB_STATES.map((s) => [s, z.number()])) as Record<
        (typeof JOB_STATES)[number],
        z.ZodNumber
      >,
    ),
    oldestQueuedAt: z.number().nullable(),
    oldestQueuedAgeMs: z.number().nullable(),
    throughput: z
      .object({
        windowMinutes: z.number(),
        completedPerMinute: z.array(z.number()),
        failedPerMinute: z.array(z.number()),
      })
      .openapi({
        description:
          "Completed and failed jobs per minute, oldest first, the last entry being the current minute. " +
          "Counted in this server process from the change feed since `throughputSince`.",
      }),
  })
  .openapi("Queue");

export function queueRoutes(deps: RouteDeps) {
  const app = router();

  app.openapi(
    createRoute({
      method: "get",
      path: "/queues",
      operationId: "listQueues",
      tags,
      summary: "Queues with counts per state",
      responses: {
        200: json(
          z.object({ queues: z.array(QueueSchema), throughputSince: z.number() }),
          "Every queue with jobs or a paused flag",
        ),
        ...errorResponses(),
      },
    }),
    async (c) => {
      const queues = await deps.spool.queues.list();
      const now = deps.spool.clock.now();
      return c.json(
        {
          queues: queues.map((q) => ({
            ...q,
            oldestQueuedAgeMs: q.oldestQueuedAt === null ? null : Math.max(0, now - q.oldestQueuedAt),
            throughput: deps.throughput.of(q.name),
          })),
          throughputSince: deps.throughput.since,
        },
        200,
      );
    },
  );

  for (const action of ["pause", "resume"] as const) {
    app.openapi(
      createRoute({
        method: "post",
        path: `/queues/{name}/${action}`,
        operationId: `${action}Queue`,
        tags,
        summary:
          action === "pause" ? "Pause a queue (running jobs finish; nothing new starts)" : "Resume a queue",
        request: { params: QueueParamSchema },
        responses: {
          200: json(
            z.object({ name: z.string(), paused: z.boolean() }),
            action === "pause" ? "Paused" : "Resumed",
          ),
          ...errorResponses(400, 403),
        },
      }),
      async (c) => {
        const name = checkName(c.req.valid("param").name, "queue");
        await deps.spool.queues[action](name);
        return c.json({ name, paused: action === "pause" }, 200);
      },
    );
  }

  return app;
}
