/**
 * Workflows: list, read (state, policy, counts, progress), the graph (nodes and parent → child
 * edges) and cancel.
 *
 * The list reads one backend page and summarizes each record itself: `spool.workflows.list()`
 * re-reads every workflow of the page one by one, and would fail the whole page if retention
 * removed one in between. The graph reads the workflow's record (its spec lists the job ids in
 * node order, with the node names) and then its jobs in chunks; edges come from each job's
 * `dependsOn`, the one place the dependency structure is stored.
 */

import { createRoute, z } from "@hono/zod-openapi";
import type { StateCounts, WorkflowRecord } from "../../backend/backend.js";
import { NotFoundError, SpoolError } from "../../core/errors/index.js";
import { JOB_STATES } from "../../core/types.js";
import { workflowInfo } from "../../workflow/handle.js";
import type { WorkflowSpec } from "../../workflow/shapes.js";
import { workflowJobs } from "../../workflow/spawned-nodes.js";
import { type RouteDeps, router } from "../deps.js";
import { errorResponses, IdParamSchema, integerQuery, JobStateSchema, json } from "../schemas.js";

const tags = ["workflows"];

const CountsSchema = z
  .object(
    Object.fromEntries(JOB_STATES.map((s) => [s, z.number()])) as Record<
      (typeof JOB_STATES)[number],
      z.ZodNumber
    >,
  )
  .openapi("StateCounts");

const WorkflowStateSchema = z.enum(["running", "completed", "failed", "cancelled"]).openapi("WorkflowState");

export const WorkflowSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    policy: z.enum(["failFast", "continue"]),
    state: WorkflowStateSchema,
    total: z.number().openapi({ description: "Jobs (nodes) in the workflow" }),
    counts: CountsSchema.openapi({ description: "Jobs per state (live while running, frozen once settled)" }),
    progress: z
      .object({ completed: z.number(), total: z.number(), percent: z.number() })
      .openapi({ description: "Nodes completed out of all nodes; percent is 0..100" }),
    createdAt: z.number(),
    finishedAt: z.number().nullable().openapi({ description: "When the record was settled, else null" }),
  })
  .openapi("Workflow");

const NodeSchema = z
  .object({
    node: z.string().openapi({ description: 'The node\'s path: "0", "group.3", "callback", "report" …' }),
    jobId: z.string(),
    task: z.string().nullable().openapi({ description: "Null when the job is no longer stored" }),
    state: JobStateSchema.nullable().openapi({ description: "Null when the job is no longer stored" }),
    attempt: z.number(),
    progress: z.object({ percent: z.number(), message: z.string().optional() }).nullable(),
    error: z.string().nullable().openapi({ description: "Last error message, if an attempt failed" }),
  })
  .openapi("WorkflowNode");

const EdgeSchema = z
  .object({
    from: z.string().openapi({ description: "Parent node" }),
    to: z.string().openapi({ description: "Child node (runs after the parent completed)" }),
  })
  .openapi("WorkflowEdge");

const GraphSchema = z
  .object({
    id: z.string(),
    kind: z.enum(["call", "chain", "group", "chord", "flow"]),
    state: WorkflowStateSchema,
    nodes: z.array(NodeSchema).openapi({ description: "In node order (parents before children)" }),
    edges: z.array(EdgeSchema),
  })
  .openapi("WorkflowGraph");

const ListQuerySchema = z
  .object({
    cursor: z
      .string()
      .min(1)
      .max(512)
      .optional()
      .openapi({ description: "`nextCursor` of the previous page" }),
    limit: integerQuery(1, 1000, "Page size, default 50"),
    order: z
      .enum(["asc", "desc"])
      .optional()
      .openapi({ description: "By creation; default desc (newest first)" }),
  })
  .strict();

/** No query parameters: an unknown one is a 400, not silently ignored. */
const NoQuerySchema = z.object({}).strict();

const ACTIVE = ["waiting", "scheduled", "queued", "running"] as const;
const activeCount = (counts: StateCounts) => ACTIVE.reduce((n, s) => n + counts[s], 0);

/** A workflow with nothing left to cancel: every job is final. */
class WorkflowSettledError extends SpoolError {
  readonly code = "INVALID_STATE";
  constructor(id: string, state: string) {
    super(`cannot cancel workflow ${id}: it is ${state} and none of its jobs is pending or running`, {
      details: { workflowId: id, state, action: "cancel" },
    });
  }
}

export function workflowRoutes(deps: RouteDeps) {
  const app = router();
  const { spool } = deps;
  const backend = () => spool.backend();

  const record = async (id: string): Promise<WorkflowRecord> => {
    const r = await (await backend()).workflowGet({ id });
    if (!r) throw new NotFoundError("workflow", id);
    return r;
  };

  app.openapi(
    createRoute({
      method: "get",
      path: "/workflows",
      operationId: "listWorkflows",
      tags,
      summary: "List workflows",
      description: "Newest first by default. Pass `nextCursor` back as `cursor` for the next page.",
      request: { query: ListQuerySchema },
      responses: {
        200: json(
          z
            .object({ workflows: z.array(WorkflowSchema), nextCursor: z.string().nullable() })
            .openapi("WorkflowPage"),
          "A page of workflows",
        ),
        ...errorResponses(400),
      },
    }),
    async (c) => {
      const q = c.req.valid("query");
      const params: { cursor?: string; limit?: number; order?: "asc" | "desc" } = {};
      if (q.cursor !== undefined) params.cursor = q.cursor;
      if (q.limit !== undefined) params.limit = q.limit;
      if (q.order !== undefined) params.order = q.order;
      const page = await (await backend()).workflowList(params);
      return c.json({ workflows: page.workflows.map(workflowInfo), nextCursor: page.nextCursor }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/workflows/{id}",
      operationId: "getWorkflow",
      tags,
      summary: "Read a workflow: state, policy, counts per job state, progress",
      request: { params: IdParamSchema, query: NoQuerySchema },
      responses: { 200: json(WorkflowSchema, "The workflow"), ...errorResponses(400, 404) },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      return c.json(await spool.workflow(id).get(), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/workflows/{id}/graph",
      operationId: "getWorkflowGraph",
      tags,
      summary: "The workflow's graph: every node with its job, and parent → child edges",
      description:
        "Nodes come in node order with their job's task, state, attempt, own progress and last error. " +
        "Edges are derived from each job's `dependsOn`. A node whose job retention already removed " +
        "has `state: null` and no edges.",
      request: { params: IdParamSchema, query: NoQuerySchema },
      responses: { 200: json(GraphSchema, "The graph"), ...errorResponses(400, 404) },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const r = await record(id);
      const spec = JSON.parse(r.spec) as WorkflowSpec;
      // The compiled nodes, then the children their jobs spawned at run time (ctx.spawn).
      const { ids, names, records: jobs } = await workflowJobs(spec, await backend());
      const nameOf = new Map(ids.map((jobId, i) => [jobId, names[i]!]));
      const nodes: z.infer<typeof NodeSchema>[] = [];
      const edges: z.infer<typeof EdgeSchema>[] = [];
      ids.forEach((jobId, i) => {
        const node = names[i]!;
        const j = jobs.get(jobId);
        nodes.push({
          node,
          jobId,
          task: j?.task ?? null,
          state: j?.state ?? null,
          attempt: j?.attempt ?? 0,
          progress: j?.progress ?? null,
          error: j?.errors.at(-1)?.message ?? null,
        });
        for (const parent of j?.dependsOn ?? []) {
          const from = nameOf.get(parent);
          if (from !== undefined) edges.push({ from, to: node });
        }
      });
      return c.json({ id, kind: spec.kind, state: r.state, nodes, edges }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/workflows/{id}/cancel",
      operationId: "cancelWorkflow",
      tags,
      summary: "Cancel every job of the workflow that is not final (running handlers' signals abort)",
      request: {
        params: IdParamSchema,
        body: {
          required: false,
          content: {
            "application/json": { schema: z.object({ reason: z.string().max(1000).optional() }).strict() },
          },
        },
      },
      responses: {
        200: json(
          z
            .object({
              id: z.string(),
              cancelled: z.number().openapi({ description: "Jobs cancelled by this call" }),
              workflow: WorkflowSchema,
            })
            .openapi("WorkflowCancelResult"),
          "Cancelled",
        ),
        ...errorResponses(400, 403, 404, 409, 415),
      },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const { reason } = c.req.valid("json");
      const handle = spool.workflow(id);
      const cancelled = await handle.cancel(reason);
      const after = await record(id);
      if (cancelled === 0 && activeCount(after.counts) === 0) throw new WorkflowSettledError(id, after.state);
      return c.json({ id, cancelled, workflow: workflowInfo(after) }, 200);
    },
  );

  return app;
}

/** Job ids of a workflow (for the SSE `workflow=` filter): fixed when it was enqueued. */
export async function workflowJobIds(deps: RouteDeps, id: string): Promise<string[]> {
  const r = await (await deps.spool.backend()).workflowGet({ id });
  if (!r) throw new NotFoundError("workflow", id);
  return (JSON.parse(r.spec) as WorkflowSpec).jobs;
}
