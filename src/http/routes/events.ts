/** `GET /api/events`: the live change feed as Server-Sent Events (see `events/sse.ts`). */
import { createRoute, z } from "@hono/zod-openapi";
import { type RouteDeps, router } from "../deps.js";
import { HttpError } from "../errors.js";
import type { EventFilter } from "../events/sse.js";
import { errorResponses } from "../schemas.js";

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
    type: list.openapi({ description: 'Only these event types, e.g. "job:completed"' }),
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
      tags: ["events"],
      summary: "Live job and queue events (Server-Sent Events)",
      description:
        "Each event has an `id:`; reconnect with `Last-Event-ID` to resume from the server's buffer of recent " +
        "events. If the id is unknown or too old, an `event: spool:resync` message says so: re-read state. " +
        "A `: ping` comment arrives every 15 s.",
      request: {
        query: EventsQuerySchema,
        headers: z.object({ "last-event-id": z.string().max(100).optional() }),
      },
      responses: {
        200: {
          description: "An event stream",
          content: { "text/event-stream": { schema: z.string() } },
        },
        ...errorResponses(400, 503),
      },
    }),
    (c) => {
      const q = c.req.valid("query");
      if (deps.sse.size >= deps.sse.max)
        throw new HttpError("TOO_MANY_STREAMS", `this server already serves ${deps.sse.max} event streams`);
      const filter: EventFilter = { queues: q.queue, jobs: q.job, types: q.type };
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
