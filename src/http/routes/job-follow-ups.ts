/**
 * `GET /jobs/{id}/follow-ups`: a job's then / catch follow-ups (docs/flow-control.md): each
 * template still waiting for its outcome, and the job its outcome made, with that job's state.
 * The other direction is the follow-up's `meta.parent`. Same data as `spool.jobs.followUps(id)`.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { NotFoundError } from "../../core/errors/index.js";
import { JOB_STATES } from "../../core/types.js";
import { type RouteDeps, router } from "../deps.js";
import { errorResponses, IdParamSchema, json } from "../schemas.js";

const FollowUpSchema = z
  .object({
    outcome: z
      .enum(["completed", "failed"])
      .openapi({ description: "completed: the `then` job; failed: the `catch` job" }),
    id: z.string().openapi({ description: "The follow-up job's id (chosen at enqueue)" }),
    task: z.string(),
    queue: z.string(),
    made: z.boolean().openapi({
      description: "False: waits for the job's outcome (no such job yet); true: the outcome made it",
    }),
    // Inline, not the JobState component: a nullable $ref does not render as nullable.
    state: z.enum(JOB_STATES).nullable().openapi({
      description: "The made job's state; null while pending, or once it was removed or pruned",
    }),
    attempt: z.number().nullable(),
    maxAttempts: z.number().nullable(),
    finishedAt: z.number().nullable(),
    error: z.string().nullable().openapi({ description: "The made job's last error message" }),
  })
  .openapi("JobFollowUp");

export function jobFollowUpRoutes(deps: RouteDeps) {
  const app = router();
  app.openapi(
    createRoute({
      method: "get",
      path: "/jobs/{id}/follow-ups",
      operationId: "getJobFollowUps",
      tags: ["jobs"],
      summary: "A job's then / catch follow-ups: pending, or the job its outcome made",
      request: { params: IdParamSchema },
      responses: {
        200: json(z.object({ followUps: z.array(FollowUpSchema) }), "then before catch"),
        ...errorResponses(404),
      },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const found = await deps.spool.jobs.followUps(id);
      if (!found) throw new NotFoundError("job", id);
      const followUps = found.map(({ job, ...ref }) => ({
        ...ref,
        state: job?.state ?? null,
        attempt: job?.attempt ?? null,
        maxAttempts: job?.maxAttempts ?? null,
        finishedAt: job?.finishedAt ?? null,
        error: job?.errors.at(-1)?.message ?? null,
      }));
      return c.json({ followUps }, 200);
    },
  );
  return app;
}
