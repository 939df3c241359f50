/**
 * Bulk actions on a hand-picked selection: retry, cancel or delete the jobs whose ids the caller
 * lists (the dashboard's checked rows). One backend call per action, which checks each job's
 * state atomically; a job whose state refuses the action (or that no longer exists) is listed
 * as skipped, never mishandled. The answer names both groups, so a client can show which rows
 * were acted on.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { type RouteDeps, router } from "../deps.js";
import { errorResponses, json, jsonBody } from "../schemas.js";

const tags = ["jobs"];

/** One selection per call: a page of the dashboard is 50 rows; programs may send up to 1,000. */
export const SELECTION_MAX = 1000;

const SelectionSchema = z
  .object({
    ids: z
      .array(z.string().min(1).max(200))
      .min(1)
      .max(SELECTION_MAX)
      .refine((ids) => new Set(ids).size === ids.length, "ids must not repeat")
      .openapi({ description: `Job ids, 1..${SELECTION_MAX}, each once` }),
  })
  .strict();

const CancelSelectionSchema = z
  .object({
    ids: SelectionSchema.shape.ids,
    reason: z.string().max(1000).optional(),
  })
  .strict()
  .openapi("JobCancelSelection");

const SelectionResultSchema = z
  .object({
    affected: z.array(z.string()).openapi({ description: "Selected jobs the action applied to" }),
    skipped: z.array(z.string()).openapi({
      description: "Selected jobs it did not apply to: their state refused it, or they are gone",
    }),
    cascaded: z
      .number()
      .int()
      .optional()
      .openapi({ description: "For cancel: dependents outside the selection cancelled with it" }),
  })
  .openapi("JobSelectionResult");

type SelectionResult = z.infer<typeof SelectionResultSchema>;

/** Splits the selection by what the backend reports as done (which may name jobs outside it). */
function split(ids: string[], done: readonly string[]): SelectionResult {
  const hit = new Set(done);
  return { affected: ids.filter((id) => hit.has(id)), skipped: ids.filter((id) => !hit.has(id)) };
}

export function jobSelectionActionRoutes(deps: RouteDeps) {
  const app = router();
  const Body = SelectionSchema.openapi("JobSelection");

  app.openapi(
    createRoute({
      method: "post",
      path: "/jobs/retry-selected",
      operationId: "retrySelectedJobs",
      tags,
      summary: "Retry the listed jobs (failed or cancelled ones; others are skipped)",
      request: jsonBody(Body),
      responses: { 200: json(SelectionResultSchema, "Which were retried"), ...errorResponses() },
    }),
    async (c) => {
      const { ids } = c.req.valid("json");
      const out = split(ids, (await deps.spool.jobs.retry(ids)).ok);
      c.set("auditDetails", { ids, affected: out.affected.length, skipped: out.skipped });
      return c.json(out, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/jobs/cancel-selected",
      operationId: "cancelSelectedJobs",
      tags,
      summary: "Cancel the listed jobs (not yet finished ones; their dependents are cancelled too)",
      request: jsonBody(CancelSelectionSchema),
      responses: { 200: json(SelectionResultSchema, "Which were cancelled"), ...errorResponses() },
    }),
    async (c) => {
      const { ids, reason } = c.req.valid("json");
      const done = (await deps.spool.jobs.cancel(ids, reason)).cancelled;
      const out = { ...split(ids, done), cascaded: 0 };
      out.cascaded = done.length - out.affected.length;
      c.set("auditDetails", {
        ids,
        affected: out.affected.length,
        skipped: out.skipped,
        cascaded: out.cascaded,
      });
      return c.json(out, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/jobs/delete-selected",
      operationId: "deleteSelectedJobs",
      tags,
      summary: "Delete the listed jobs (running ones are skipped: cancel them first)",
      request: jsonBody(Body),
      responses: { 200: json(SelectionResultSchema, "Which were deleted"), ...errorResponses() },
    }),
    async (c) => {
      const { ids } = c.req.valid("json");
      const out = split(ids, (await deps.spool.jobs.remove(ids)).removed);
      c.set("auditDetails", { ids, affected: out.affected.length, skipped: out.skipped });
      return c.json(out, 200);
    },
  );

  return app;
}
