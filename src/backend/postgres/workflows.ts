/**
 * Workflows on PostgreSQL (table `workflows` and `jobs.workflow_id`). `enqueue` is one
 * transaction of bulk statements (the record, every job through unnest, the edges, the
 * parents' flags), so a 10,000-job fan-out costs no per-job round trip. failFast and settling
 * live in cascade.ts and maintenance.ts (inside the fail/rescue and retention transactions).
 */
import { InvalidArgumentError } from "../../core/errors/index.js";
import type { JobState } from "../../core/types.js";
import {
  type EnqueuedRef,
  emptyCounts,
  type StateCounts,
  type WorkflowEnqueueParams,
  type WorkflowEnqueueResult,
  type WorkflowListParams,
  type WorkflowPage,
  type WorkflowPolicy,
  type WorkflowRecord,
  type WorkflowState,
} from "../backend.js";
import { decodeCursor, encodeCursor, listLimit } from "../shared.js";
import { checkWorkflowEnqueue, workflowStateOf } from "../workflow-shared.js";
import { decideMembers, lockForStrategy } from "./cap-members.js";
import { isUniqueViolation } from "./connection.js";
import { columns } from "./jobs.js";
import { jobEvent } from "./rows.js";
import type { PgStore, Tx } from "./store.js";

interface WorkflowRow {
  id: string;
  name: string;
  policy: WorkflowPolicy;
  state: WorkflowState;
  spec: string;
  total: number;
  counts: StateCounts | null;
  created_at: number;
  finished_at: number | null;
}

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
        const out: EnqueuedRef[] = [];
        const states: JobState[] = [];
        const parents: string[] = [];
        const children: string[] = [];
        const deps: string[] = [];
        const pending: number[] = [];
        for (const job of jobs) {
          // Every dependency is a job of this batch, so none has completed yet.
          const own = [...new Set(job.dependsOn)];
          const state: JobState = own.length > 0 ? "waiting" : job.runAt > tx.now ? "scheduled" : "queued";
          for (const dep of own) {
            parents.push(dep);
            children.push(job.id);
          }
          states.push(state);
          deps.push(JSON.stringify(own));
          pending.push(own.length);
          out.push({ id: job.id, state, created: true });
        }
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
          states,
          depends_on: deps,
          pending,
        });
        if (parents.length > 0) {
          await tx.q(this.sql.DEPS_INSERT, { parents, children });
          await tx.q(this.sql.WORKFLOW_MARK_PARENTS, { ids: [...new Set(parents)] });
        }
        jobs.forEach((job, i) => {
          tx.events.push(jobEvent("job:enqueued", job.id, job.queue, tx.now, states[i]!));
        });
        // The strategy at the cap, once every node is in (cap-members.ts).
        await decideMembers(this.sql, tx, jobs, (i) => states[i] === "queued");
        return { jobs: out };
      });
    } catch (error) {
      if (isUniqueViolation((error as { cause?: unknown }).cause))
        throw new InvalidArgumentError(`workflow ${workflow.id} or one of its job ids already exists`, "id");
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
    let counts: StateCounts;
    let state = row.state;
    if (row.state === "running" || row.counts === null) {
      counts = emptyCounts();
      for (const { state: s, n } of await q<{ state: JobState; n: number }>(this.sql.WORKFLOW_COUNTS, {
        id: row.id,
      }))
        counts[s] += n;
      state = workflowStateOf(row.policy, counts);
    } else {
      counts = { ...emptyCounts(), ...row.counts };
    }
    return {
      id: row.id,
      name: row.name,
      policy: row.policy,
      state,
      spec: row.spec,
      total: row.total,
      counts,
      createdAt: row.created_at,
      finishedAt: row.state === "running" ? null : row.finished_at,
    };
  }
}
