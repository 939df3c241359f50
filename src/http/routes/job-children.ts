/**
 * `GET /jobs/{id}/children`: the children a job spawned at run time (`ctx.spawn`), every round,
 * with their states and counts: the standalone parent's view (a workflow's spawned children
 * are also nodes of `GET /workflows/{id}/graph`). Same data as `spool.jobs.children(id)`.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { NotFoundError } from "../../core/errors/index.js";
import { type RouteDeps, router } from "../deps.js";
import { errorResponses, IdParamSchema, integerQuery, JobStateSchema, json } from "../schemas.js";

const CHILDREN_DEFAULT = 1000;

const ChildSchema = z.object({
  id: z.string(),
  task: z.string(),
  state: JobStateSchema,
  attempt: z.number(),
  maxAttempts: z.number(),
  finishedAt: z.number().nullable(),
  error: z.string().nullable().openapi({ description: "The last error's message" }),
});

const ChildrenSchema = z
  .object({
    round: z.number().openapi({ description: "The parent's spawn round (0: it never spawned)" }),
    total: z.number().openapi({ description: "Children found, every round" }),
    counts: z
      .record(z.string(), z.number())
      .openapi({ description: "Children per state (states with none absent)" }),
    children: z.array(ChildSchema).openapi({ description: "In spawn order, at most `limit`" }),
  })
  .openapi("JobChildren");

export function jobChildrenRoutes(deps: RouteDeps) {
  const app = router();
  app.openapi(
    createRoute({
      method: "get",
      path: "/jobs/{id}/children",
      operationId: "getJobChildren",
      tags: ["jobs"],
      summary: "The children a job spawned (ctx.spawn), with their states",
      request: {
        params: IdParamSchema,
        query: z.object({ limit: integerQuery(1, 10_000, "Most children listed (default 1000)") }).strict(),
      },
      responses: { 200: json(ChildrenSchema, "The children"), ...errorResponses(400, 404) },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const { limit } = c.req.valid("query");
      const found = await deps.spool.jobs.children(id);
      if (!found) throw new NotFoundError("job", id);
      const children = found.jobs.slice(0, limit ?? CHILDREN_DEFAULT).map((j) => ({
        id: j.id,
        task: j.task,
        state: j.state,
        attempt: j.attempt,
        maxAttempts: j.maxAttempts,
        finishedAt: j.finishedAt,
        error: j.errors.at(-1)?.message ?? null,
      }));
      return c.json({ round: found.round, total: found.total, counts: found.counts, children }, 200);
    },
  );
  return app;
}
