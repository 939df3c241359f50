/**
 * A schedule's last runs: its recent fires (timed fires, run now, skipped fires), newest first,
 * each with its job's state now (src/scheduler/runs.ts). The backend records them with each
 * fire and keeps the last 20 per schedule.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { NotFoundError } from "../../core/errors/index.js";
import { SCHEDULE_RUNS_KEPT } from "../../scheduler/runs.js";
import { type RouteDeps, router } from "../deps.js";
import { errorResponses, integerQuery, JobStateSchema, json } from "../schemas.js";

export const ScheduleRunSchema = z
  .object({
    at: z.number().openapi({ description: "When the fire was written (epoch ms)" }),
    fireAt: z.number().nullable().openapi({ description: "The fire time it was for; null for a run now" }),
    jobId: z.string().nullable().openapi({ description: "Its job; null when the fire was skipped" }),
    skipped: z
      .string()
      .nullable()
      .openapi({ description: "Why it enqueued nothing: overlap, misfire, limit (null otherwise)" }),
    state: z
      .union([JobStateSchema, z.null()])
      .openapi({ description: "The job's state now; null when skipped or the job is gone" }),
    startedAt: z.number().nullable(),
    finishedAt: z.number().nullable(),
    error: z.string().nullable().openapi({ description: "Its last error message" }),
  })
  .openapi("ScheduleLastRun");

export const lastRunsQuery = (description: string) => integerQuery(0, SCHEDULE_RUNS_KEPT, description);

const NameParamSchema = z.object({
  name: z
    .string()
    .min(1)
    .max(200)
    .openapi({
      param: { name: "name", in: "path" },
      description: "The schedule's name",
      example: "nightly-backup",
    }),
});

export function scheduleRunRoutes(deps: RouteDeps) {
  const app = router();
  app.openapi(
    createRoute({
      method: "get",
      path: "/schedules/{name}/runs",
      operationId: "listScheduleRuns",
      tags: ["schedules"],
      summary: "A schedule's last runs (fires, run now, skipped fires) with their jobs' outcomes",
      request: {
        params: NameParamSchema,
        query: z
          .object({
            limit: integerQuery(
              1,
              SCHEDULE_RUNS_KEPT,
              `How many, newest first (1..${SCHEDULE_RUNS_KEPT}, default 10)`,
            ),
          })
          .strict(),
      },
      responses: {
        200: json(z.object({ runs: z.array(ScheduleRunSchema) }), "Newest first"),
        ...errorResponses(400, 404),
      },
    }),
    async (c) => {
      const { name } = c.req.valid("param");
      if (!(await deps.spool.schedules.get(name))) throw new NotFoundError("schedule", name);
      const runs = await deps.spool.schedules.runs(name, { limit: c.req.valid("query").limit ?? 10 });
      return c.json({ runs }, 200);
    },
  );
  return app;
}
