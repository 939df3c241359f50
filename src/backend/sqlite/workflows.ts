/**
 * Workflows on SQLite (table `spool_workflows` and `spool_jobs.workflow_id`, migration 0003).
 * `enqueue` is one BEGIN IMMEDIATE transaction through the backend's `write`: three bulk
 * statements (jobs, dependency edges, parents' flags; JSON in, `json_each` inside) plus the
 * record, so a 10,000-job fan-out costs one transaction and no per-job round trip. The backend
 * calls `onJobFailed` from inside its fail and rescue transactions (failFast) and `settle` at
 * the start of retention.
 */
import type Database from "better-sqlite3";
import type { JobState } from "../../core/types.js";
import type {
  BackendEvent,
  StateCounts,
  WorkflowEnqueueParams,
  WorkflowEnqueueResult,
  WorkflowListParams,
  WorkflowPage,
  WorkflowPolicy,
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
import { checkWorkflowEnqueue, failFastReason } from "../workflow-shared.js";
import { countInserted } from "./counts.js";
import * as SQL from "./generated/sql.js";
import { prepareLazily } from "./lazy-statement.js";
import { jobRow } from "./rows.js";

/** The row as SQLite returns it: `counts` is JSON text. */
type StoredWorkflowRow = Omit<WorkflowRow, "counts"> & { counts: string | null };

/** What the workflow store borrows from the backend. */
export interface SqliteWorkflowHost {
  write<T>(what: string, now: number, fn: (events: BackendEvent[]) => T): Promise<T>;
  read<T>(fn: () => T): Promise<T>;
  /** Inside a transaction: the backend's cascade to dependents of a cancelled job. */
  cancelDependents(id: string, now: number, events: BackendEvent[], reason: string): void;
}

export class SqliteWorkflows {
  private readonly stmt;

  constructor(
    db: Database.Database,
    private readonly host: SqliteWorkflowHost,
  ) {
    this.stmt = {
      insert: prepareLazily(db, SQL.WORKFLOW_INSERT),
      jobsInsert: prepareLazily(db, SQL.JOB_INSERT_ROWS),
      stateCountsAdd: prepareLazily<[{ queue: string; state: JobState; n: number }]>(
        db,
        SQL.STATE_COUNTS_ADD,
      ),
      depsInsert: prepareLazily(db, SQL.WORKFLOW_DEPS_INSERT),
      markParents: prepareLazily(db, SQL.WORKFLOW_MARK_PARENTS),
      get: prepareLazily<[{ id: string }], StoredWorkflowRow>(db, SQL.WORKFLOW_GET),
      counts: prepareLazily<[{ id: string }], { state: JobState; n: number }>(db, SQL.WORKFLOW_COUNTS),
      listAsc: prepareLazily<[{ after: string | null; limit: number }], StoredWorkflowRow>(
        db,
        SQL.WORKFLOW_LIST_ASC,
      ),
      listDesc: prepareLazily<[{ after: string | null; limit: number }], StoredWorkflowRow>(
        db,
        SQL.WORKFLOW_LIST_DESC,
      ),
      ofJob: prepareLazily<[{ id: string }], { id: string; policy: WorkflowPolicy }>(db, SQL.WORKFLOW_OF_JOB),
      cancelNotStarted: prepareLazily<
        [{ id: string; now: number }],
        { id: string; queue: string; has_dependents: number }
      >(db, SQL.WORKFLOW_CANCEL_NOT_STARTED),
      settle: prepareLazily(db, SQL.WORKFLOW_SETTLE),
    };
  }

  /**
   * `decide`: run inside the write once every job is in (the strategy at the cap for workflow
   * nodes, at-cap.ts `decideMembers`), given which jobs were written `queued`.
   */
  async enqueue(
    params: WorkflowEnqueueParams,
    now: number,
    decide?: (queued: (index: number) => boolean, events: BackendEvent[]) => void,
  ): Promise<WorkflowEnqueueResult> {
    checkWorkflowEnqueue(params);
    const { workflow, jobs } = params;
    const plan = planWorkflowJobs(jobs, now);
    const rows = jobs.map((job, i) => jobRow(job, plan.out[i]!.state, plan.deps[i]!, plan.deps[i]!.length));
    try {
      return await this.host.write("workflow enqueue", now, (events) => {
        this.stmt.insert.run({
          id: workflow.id,
          name: workflow.name,
          policy: workflow.policy,
          spec: workflow.spec,
          total: jobs.length,
          now,
        });
        this.stmt.jobsInsert.run({ now, workflow_id: workflow.id, jobs: JSON.stringify(rows) });
        countInserted(
          this.stmt,
          jobs.map((job, i) => ({ queue: job.queue, state: plan.out[i]!.state })),
        );
        if (plan.edges.length > 0) {
          this.stmt.depsInsert.run({ edges: JSON.stringify(plan.edges) });
          this.stmt.markParents.run({ ids: JSON.stringify(plan.parents) });
        }
        jobs.forEach((job, i) => {
          events.push({
            type: "job:enqueued",
            jobId: job.id,
            queue: job.queue,
            at: now,
            state: plan.out[i]!.state,
          });
        });
        decide?.((i) => plan.out[i]!.state === "queued", events);
        return { jobs: plan.out };
      });
    } catch (error) {
      if ((error as { cause?: { code?: string } }).cause?.code === "SQLITE_CONSTRAINT_PRIMARYKEY")
        throw workflowExistsError(workflow.id);
      throw error;
    }
  }

  get(id: string): Promise<WorkflowRecord | null> {
    return this.host.read(() => {
      const row = this.stmt.get.get({ id });
      return row ? this.toRecord(row) : null;
    });
  }

  list(params: WorkflowListParams): Promise<WorkflowPage> {
    const limit = listLimit(params);
    const after = decodeCursor(params.cursor);
    const stmt = (params.order ?? "desc") === "desc" ? this.stmt.listDesc : this.stmt.listAsc;
    return this.host.read(() => {
      const rows = stmt.all({ after, limit: limit + 1 });
      const page = rows.slice(0, limit).map((r) => this.toRecord(r));
      return {
        workflows: page,
        nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]!.id) : null,
      };
    });
  }

  /** Inside the fail/rescue transaction: failFast cancels every not-started job of the job's workflow. */
  onJobFailed(jobId: string, now: number, events: BackendEvent[]): void {
    const wf = this.stmt.ofJob.get({ id: jobId });
    if (wf?.policy !== "failFast") return;
    const reason = failFastReason(jobId);
    for (const row of this.stmt.cancelNotStarted.all({ id: wf.id, now })) {
      events.push({
        type: "job:cancelled",
        jobId: row.id,
        queue: row.queue,
        at: now,
        state: "cancelled",
        data: { reason },
      });
      if (row.has_dependents)
        this.host.cancelDependents(row.id, now, events, `dependency ${row.id} was cancelled`);
    }
  }

  /** Inside the retention transaction: freezes workflows whose jobs are all final. */
  settle(now: number): void {
    this.stmt.settle.run({ now });
  }

  private toRecord(row: StoredWorkflowRow): WorkflowRecord {
    const decoded = { ...row, counts: row.counts === null ? null : (JSON.parse(row.counts) as StateCounts) };
    return workflowFromRow(decoded, countsLive(row) ? this.stmt.counts.all({ id: row.id }) : null);
  }
}
