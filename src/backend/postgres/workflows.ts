/**
 * Workflows on PostgreSQL (table `workflows` and `jobs.workflow_id`). `enqueue` is one
 * transaction of bulk statements (the record, every job through unnest, the edges, the
 * parents' flags), so a 10,000-job fan-out costs no per-job round trip. failFast and settling
 * live in cascade.ts and maintenance.ts (inside the fail/rescue and retention transactions).
 */
import type { JobState } from "../../core/types.js";
import type {
  WorkflowEnqueueParams,
  WorkflowEnqueueResult,
  WorkflowListParams,
  WorkflowPage,
  WorkflowRecord,
} from "../backend.js";
import { decodeCursor, encodeCursor, listLimit } from "../shared.js";
import {
  countsLive,
  planWorkflowJobs,
  type WorkflowRow,
  workflowExistsError,
  workflowFromRow,
} from "../workflow-rows.js";
import { checkWorkflowEnqueue } from "../workflow-shared.js";
import { decideMembers, lockForStrategy } from "./cap-members.js";
import { isUniqueViolation } from "./connection.js";
import { columns } from "./jobs.js";
import { jobEvent } from "./rows.js";
import type { PgStore, Tx } from "./store.js";

export class PgWorkflows {
  constructor(private readonly store: PgStore) {}

  private get sql() {
    return this.store.sql;
  }

  async enqueue(params: WorkflowEnqueueParams): Promise<WorkflowEnqueueResult> {
    checkWorkflowEnqueue(params);
    const { workflow, jobs } = params;
    try {
      return await this.store.write("workflow enqueue", async (tx) => {
        await lockForStrategy(this.sql, tx, jobs);
        const plan = planWorkflowJobs(jobs, tx.now);
        await tx.q(this.sql.WORKFLOW_INSERT, {
          id: workflow.id,
          name: workflow.name,
          policy: workflow.policy,
          spec: workflow.spec,
          total: jobs.length,
          now: tx.now,
        });
        await tx.q(this.sql.WORKFLOW_JOBS_INSERT, {
          now: tx.now,
          workflow_id: workflow.id,
          ...columns(jobs),
          states: plan.out.map((o) => o.state),
          depends_on: plan.deps.map((d) => JSON.stringify(d)),
          pending: plan.deps.map((d) => d.length),
        });
        if (plan.edges.length > 0) {
          await tx.q(this.sql.DEPS_INSERT, {
            parents: plan.edges.map(([parent]) => parent),
            children: plan.edges.map(([, child]) => child),
          });
          await tx.q(this.sql.WORKFLOW_MARK_PARENTS, { ids: plan.parents });
        }
        jobs.forEach((job, i) => {
          tx.events.push(jobEvent("job:enqueued", job.id, job.queue, tx.now, plan.out[i]!.state));
        });
        // The strategy at the cap, once every node is in (cap-members.ts).
        await decideMembers(this.sql, tx, jobs, (i) => plan.out[i]!.state === "queued");
        return { jobs: plan.out };
      });
    } catch (error) {
      if (isUniqueViolation((error as { cause?: unknown }).cause)) throw workflowExistsError(workflow.id);
      throw error;
    }
  }

  async get(id: string): Promise<WorkflowRecord | null> {
    return this.store.read(async (q) => {
      const [row] = await q<WorkflowRow>(this.sql.WORKFLOW_GET, { id });
      return row ? this.toRecord(q, row) : null;
    });
  }

  async list(params: WorkflowListParams): Promise<WorkflowPage> {
    const limit = listLimit(params);
    const after = decodeCursor(params.cursor);
    const stmt =
      (params.order ?? "desc") === "desc" ? this.sql.WORKFLOW_LIST_DESC : this.sql.WORKFLOW_LIST_ASC;
    return this.store.read(async (q) => {
      const rows = await q<WorkflowRow>(stmt, { after, limit: limit + 1 });
      const page = await Promise.all(rows.slice(0, limit).map((r) => this.toRecord(q, r)));
      return {
        workflows: page,
        nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]!.id) : null,
      };
    });
  }

  private async toRecord(q: Tx["q"], row: WorkflowRow): Promise<WorkflowRecord> {
    const live = countsLive(row)
      ? await q<{ state: JobState; n: number }>(this.sql.WORKFLOW_COUNTS, { id: row.id })
      : null;
    return workflowFromRow(row, live);
  }
}
