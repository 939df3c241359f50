/** `GET /api/events`: the live change feed as Server-Sent Events (see `events/sse.ts`). */
import { createRoute, z } from "@hono/zod-openapi";
import { type RouteDeps, router } from "../deps.js";
import { HttpError } from "../errors.js";
import type { EventFilter } from "../events/sse.js";
import { errorResponses } from "../schemas.js";
import { workflowJobIds } from "./workflows.js";

/** Most workflows one stream may follow (each costs one read when the stream opens). */
export const WORKFLOW_FILTER_MAX = 20;

const list = z
  .union([z.string().min(1).max(200), z.array(z.string().min(1).max(200)).max(100)])
  .optional()
  .transform((v) =>
    v === undefined ? null : new Set((Array.isArray(v) ? v : [v]).flatMap((s) => s.split(","))),
  );

const EventsQuerySchema = z
  .object({
    queue: list.openapi({ description: "Only these queues (repeat or comma-separate)" }),
    job: list.openapi({ description: "Only these job ids" }),
    type: list.openapi({ description: 'Only these event types, e.g. "job:completed" or "schedule:fired"' }),
    schedule: list.openapi({
      description: "Only `schedule:*` events of these schedules (job events are left out)",
    }),
    workflow: list.openapi({
      description: `Only job events of these workflows' jobs (at most ${WORKFLOW_FILTER_MAX}; 404 for an unknown one)`,
    }),
    lastEventId: z
      .string()
      .max(100)
      .optional()
      .openapi({ description: "Same as the Last-Event-ID header, for clients that cannot set it" }),
  })
  .strict();

export function eventRoutes(deps: RouteDeps) {
  const app = router();
  app.openapi(
    createRoute({
      method: "get",
      path: "/events",
      operationId: "streamEvents",
      tags: ["events"],
      summary: "Live job, queue and schedule events (Server-Sent Events)",
      description:
        "Each event has an `id:`; reconnect with `Last-Event-ID` to resume from the server's buffer of recent " +
        "events. If the id is unknown or too old, an `event: spool:resync` message says so: re-read state. " +
        "A `: ping` comment arrives every 15 s. Filters combine with AND; schedule and queue events " +
        "have an empty `jobId` and `queue`, so `job`, `queue` and `workflow` filters leave them out.",
      request: {
        query: EventsQuerySchema,
        headers: z.object({ "last-event-id": z.string().max(100).optional() }),
      },
      responses: {
        200: {
          description: "An event stream",
          content: { "text/event-stream": { schema: z.string() } },
        },
        ...errorResponses(400, 404, 503),
      },
    }),
    async (c) => {
      const q = c.req.valid("query");
      if (deps.sse.size >= deps.sse.max)
        throw new HttpError("TOO_MANY_STREAMS", `this server already serves ${deps.sse.max} event streams`);
      let workflowJobs: Set<string> | null = null;
      if (q.workflow) {
        if (q.workflow.size > WORKFLOW_FILTER_MAX)
          throw new HttpError("INVALID_ARGUMENT", `at most ${WORKFLOW_FILTER_MAX} workflows per stream`, {
            target: "query",
            issues: [{ path: "workflow", message: `at most ${WORKFLOW_FILTER_MAX} workflows` }],
          });
        workflowJobs = new Set();
        for (const id of q.workflow)
          for (const jobId of await workflowJobIds(deps, id)) workflowJobs.add(jobId);
      }
      const filter: EventFilter = {
        queues: q.queue,
        jobs: q.job,
        types: q.type,
        schedules: q.schedule,
        workflowJobs,
      };
      const lastEventId = c.req.header("last-event-id") ?? q.lastEventId;
      const body = deps.sse.open(filter, lastEventId, c.req.raw.signal);
      return new Response(body, {
        status: 200,
        headers: {
          "Content-Type": "text/event-stream; charset=utf-8",
          "Cache-Control": "no-cache, no-transform",
          Connection: "keep-alive",
          "X-Accel-Buffering": "no",
        },
      }) as never;
    },
  );
  return app;
}
