/**
 * Workflows on SQLite (table `spool_workflows` and `spool_jobs.workflow_id`, migration 0003).
 * `enqueue` is one BEGIN IMMEDIATE transaction through the backend's `write`: three bulk
 * statements (jobs, dependency edges, parents' flags; JSON in, `json_each` inside) plus the
 * record, so a 10,000-job fan-out costs one transaction and no per-job round trip. The backend
 * calls `onJobFailed` from inside its fail and rescue transactions (failFast) and `settle` at
 * the start of retention.
 */
import type Database from "better-sqlite3";
import { InvalidArgumentError } from "../../core/errors/index.js";
import type { JobState } from "../../core/types.js";
import type {
  BackendEvent,
  EnqueuedRef,
  StateCounts,
  WorkflowEnqueueParams,
  WorkflowEnqueueResult,
  WorkflowListParams,
  WorkflowPage,
  WorkflowPolicy,
  WorkflowRecord,
  WorkflowState,
} from "../backend.js";
import { emptyCounts } from "../backend.js";
import { decodeCursor, encodeCursor, listLimit, stateAtInsert } from "../shared.js";
import { checkWorkflowEnqueue, failFastReason, workflowStateOf } from "../workflow-shared.js";
import * as SQL from "./generated/sql.js";
import { prepareLazily } from "./lazy-statement.js";
import { jobRow } from "./rows.js";

interface WorkflowRow {
  id: string;
  name: string;
  policy: WorkflowPolicy;
  state: WorkflowState;
  spec: string;
  total: number;
  counts: string | null;
  created_at: number;
  finished_at: number | null;
}

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
      depsInsert: prepareLazily(db, SQL.WORKFLOW_DEPS_INSERT),
      markParents: prepareLazily(db, SQL.WORKFLOW_MARK_PARENTS),
      get: prepareLazily<[{ id: string }], WorkflowRow>(db, SQL.WORKFLOW_GET),
      counts: prepareLazily<[{ id: string }], { state: JobState; n: number }>(db, SQL.WORKFLOW_COUNTS),
      listAsc: prepareLazily<[{ after: string | null; limit: number }], WorkflowRow>(
        db,
        SQL.WORKFLOW_LIST_ASC,
      ),
      listDesc: prepareLazily<[{ after: string | null; limit: number }], WorkflowRow>(
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

  async enqueue(params: WorkflowEnqueueParams, now: number): Promise<WorkflowEnqueueResult> {
    checkWorkflowEnqueue(params);
    const { workflow, jobs } = params;
    const rows: unknown[] = [];
    const edges: [string, string][] = [];
    const parents = new Set<string>();
    const out: EnqueuedRef[] = [];
    for (const job of jobs) {
      // Every dependency is a job of this batch, so none has completed yet.
      const deps = [...new Set(job.dependsOn)];
      const state = stateAtInsert(false, deps.length, job.runAt, now);
      for (const dep of deps) {
        edges.push([dep, job.id]);
        parents.add(dep);
      }
      rows.push(jobRow(job, state, deps, deps.length));
      out.push({ id: job.id, state, created: true });
    }
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
        if (edges.length > 0) {
          this.stmt.depsInsert.run({ edges: JSON.stringify(edges) });
          this.stmt.markParents.run({ ids: JSON.stringify([...parents]) });
        }
        jobs.forEach((job, i) => {
          events.push({
            type: "job:enqueued",
            jobId: job.id,
            queue: job.queue,
            at: now,
            state: out[i]!.state,
          });
        });
        return { jobs: out };
      });
    } catch (error) {
      if ((error as { cause?: { code?: string } }).cause?.code === "SQLITE_CONSTRAINT_PRIMARYKEY")
        throw new InvalidArgumentError(`workflow ${workflow.id} or one of its job ids already exists`, "id");
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

  private toRecord(row: WorkflowRow): WorkflowRecord {
    let counts: StateCounts;
    let state = row.state;
    if (row.state === "running" || row.counts === null) {
      counts = emptyCounts();
      for (const { state: s, n } of this.stmt.counts.all({ id: row.id })) counts[s] += n;
      state = workflowStateOf(row.policy, counts);
    } else {
      counts = { ...emptyCounts(), ...(JSON.parse(row.counts) as StateCounts) };
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
