/** Queues: counts per state, oldest queued age, limits, in-process throughput; pause, resume, limits. */
import { createRoute, z } from "@hono/zod-openapi";
import { checkName } from "../../core/registry.js";
import { JOB_STATES } from "../../core/types.js";
import { type RouteDeps, router } from "../deps.js";
import { errorResponses, json, jsonBody, QueueParamSchema } from "../schemas.js";

const tags = ["queues"];

const StoredRateSchema = z.object({ limit: z.number(), perMs: z.number(), burst: z.number() });

const LimitsSchema = z
  .object({ concurrency: z.number().nullable(), rateLimit: StoredRateSchema.nullable() })
  .openapi("QueueLimits", {
    description:
      "Flow-control limits stored for the queue (docs/flow-control.md): the most jobs running at once " +
      "across all workers, and at most `limit + burst` starts in any window of `perMs` (GCRA). Null: none.",
  });

const LimitBodySchema = z
  .object({
    concurrency: z.number().nullable().optional().openapi({ description: "Integer >= 1, or null to remove" }),
    rateLimit: z
      .object({
        limit: z.number().openapi({ description: "Starts per window, integer >= 1" }),
        per: z.union([z.string(), z.number()]).openapi({ description: 'The window: "1s", "5m" or ms' }),
        burst: z.number().optional().openapi({ description: "Extra starts at once after idle (default 0)" }),
      })
      .strict()
      .nullable()
      .optional(),
  })
  .strict()
  .openapi("QueueLimitBody", { description: "Omitted fields stay as they are; null removes a limit." });

const LimitWaitSchema = z
  .object({
    scope: z.enum(["queue", "task", "key"]),
    task: z.string().nullable(),
    key: z.string().nullable(),
    reason: z.enum(["concurrency", "rate", "hold"]),
    waiting: z.number(),
  })
  .openapi("LimitWait", {
    description:
      "Queued jobs one limit holds back now: the queue's own limits, a task's (every job of the task) or " +
      "one limit key's; the reason is a concurrency cap, a rate limit or a hold (RateLimitedError).",
  });

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
    limits: LimitsSchema,
    waitingOnLimit: z.number().openapi({
      description:
        "Queued jobs the next claims could not start now because a limit stops them (task or key caps, " +
        "rate limits and holds first, then the queue's own), counted as a claim would (docs/flow-control.md).",
    }),
    limitWaits: z
      .array(LimitWaitSchema)
      .openapi({ description: "The limits that hold jobs back now, largest first (at most 20)." }),
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

  app.openapi(
    createRoute({
      method: "post",
      path: "/queues/{name}/limits",
      operationId: "limitQueue",
      tags,
      summary: "Set or remove a queue's concurrency cap and rate limit (every worker, from its next claim)",
      request: { params: QueueParamSchema, ...jsonBody(LimitBodySchema) },
      responses: {
        200: json(z.object({ name: z.string(), limits: LimitsSchema }), "The queue's limits now"),
        ...errorResponses(400, 403),
      },
    }),
    async (c) => {
      const name = checkName(c.req.valid("param").name, "queue");
      const body = c.req.valid("json");
      await deps.spool.queues.limit(name, body);
      const info = (await deps.spool.queues.list()).find((q) => q.name === name);
      return c.json({ name, limits: info?.limits ?? { concurrency: null, rateLimit: null } }, 200);
    },
  );

  return app;
}
