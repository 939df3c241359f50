/**
 * Bulk actions by filter: retry, cancel or delete every job matching a filter (state, task, queue,
 * age, text), in bounded batches (src/client/bulk-filter.ts). `dryRun` counts the matches
 * without acting, which the dashboard uses for its "N jobs will be retried" confirmation.
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { JobFilter } from "../../client/bulk-filter.js";
import { JOB_STATES } from "../../core/types.js";
import { type RouteDeps, router } from "../deps.js";
import { errorResponses, JobStateSchema, json, jsonBody } from "../schemas.js";

const tags = ["jobs"];

const instant = z
  .union([z.number().int().min(0), z.iso.datetime({ offset: true }).transform(Date.parse)])
  .optional()
  .openapi({ description: "Epoch ms or ISO date-time" });

const filterFields = {
  state: z
    .union([JobStateSchema, z.array(JobStateSchema).min(1).max(JOB_STATES.length)])
    .optional()
    .openapi({ description: "One state or several" }),
  task: z.string().min(1).max(200).optional(),
  queue: z.string().min(1).max(200).optional(),
  createdAfter: instant,
  createdBefore: instant,
  search: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .openapi({ description: "Text in the id, key, input, result or errors" }),
  dryRun: z.boolean().optional().openapi({ description: "Count the matches, change nothing" }),
};

const FilterBodySchema = z.object(filterFields).strict().openapi("JobFilterAction");

const CancelFilterBodySchema = z
  .object({
    ...filterFields,
    reason: z
      .string()
      .max(1000)
      .optional()
      .openapi({ description: "Carried by each job:cancelled event; not stored with the job" }),
  })
  .strict()
  .openapi("JobFilterCancel");

const BulkResultSchema = z
  .object({
    matched: z.number().int().openapi({ description: "Jobs that matched the filter" }),
    affected: z.number().int().openapi({ description: "Jobs retried or deleted (0 on a dry run)" }),
    skipped: z.number().int().openapi({ description: "Matched jobs whose state refused the action" }),
    dryRun: z.boolean(),
  })
  .openapi("JobFilterActionResult");

const CancelResultSchema = BulkResultSchema.extend({
  cascaded: z.number().int().openapi({
    description: "Dependents of the cancelled jobs that did not match but were cancelled with them",
  }),
}).openapi("JobFilterCancelResult");

function filterOf(body: z.infer<typeof CancelFilterBodySchema>): JobFilter {
  const { dryRun: _dryRun, reason: _reason, ...filter } = body;
  return Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined)) as JobFilter;
}

export function jobBulkActionRoutes(deps: RouteDeps) {
  const app = router();
  const actions = [
    {
      path: "/jobs/retry-matching",
      operationId: "retryMatchingJobs",
      summary: "Retry every job matching a filter (failed and cancelled ones unless `state` says otherwise)",
      run: (filter: JobFilter, dryRun: boolean) => deps.spool.jobs.retryMatching(filter, { dryRun }),
    },
    {
      path: "/jobs/delete-matching",
      operationId: "deleteMatchingJobs",
      summary:
        "Delete every job matching a filter (running jobs are skipped); needs at least one filter field",
      run: (filter: JobFilter, dryRun: boolean) => deps.spool.jobs.removeMatching(filter, { dryRun }),
    },
  ];

  for (const action of actions) {
    app.openapi(
      createRoute({
        method: "post",
        path: action.path,
        operationId: action.operationId,
        tags,
        summary: action.summary,
        request: jsonBody(FilterBodySchema),
        responses: { 200: json(BulkResultSchema, "Counts"), ...errorResponses() },
      }),
      async (c) => {
        const body = c.req.valid("json");
        const filter = filterOf(body);
        const dryRun = body.dryRun === true;
        const out = await action.run(filter, dryRun);
        c.set("auditDetails", { filter, dryRun, ...out });
        return c.json({ ...out, dryRun }, 200);
      },
    );
  }

  app.openapi(
    createRoute({
      method: "post",
      path: "/jobs/cancel-matching",
      operationId: "cancelMatchingJobs",
      tags,
      summary:
        "Cancel every job matching a filter (unfinished ones unless `state` says otherwise; their dependents too); needs at least one filter field",
      request: jsonBody(CancelFilterBodySchema),
      responses: { 200: json(CancelResultSchema, "Counts"), ...errorResponses() },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const filter = filterOf(body);
      const dryRun = body.dryRun === true;
      const { reason } = body;
      const out = await deps.spool.jobs.cancelMatching(
        filter,
        reason === undefined ? { dryRun } : { dryRun, reason },
      );
      c.set("auditDetails", { filter, dryRun, ...(reason === undefined ? {} : { reason }), ...out });
      return c.json({ ...out, dryRun }, 200);
    },
  );

  return app;
}
