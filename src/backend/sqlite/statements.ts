/**
 * Every statement the backend runs, prepared once per connection (at its first use) from the
 * embedded .sql files (see queries/ and scripts/embed-sql.mjs). Parameter and row types mirror each file's header.
 */
import type Sqlite from "better-sqlite3";
import type { JobState } from "../../core/types.js";
import type { LimitsRow } from "../flow-limits.js";
import * as SQL from "./generated/sql.js";
import { prepareLazily } from "./lazy-statement.js";
import { checkClaimColumns, type JobRow, type WorkerRow } from "./rows.js";

/** The part of a better-sqlite3 statement the backend uses, with its parameter object and row types. */
export interface Stmt<P, R = unknown> {
  run(params: P): { changes: number; lastInsertRowid: number | bigint };
  get(params: P): R | undefined;
  all(params: P): R[];
}

export interface Stmt0<R = unknown> {
  run(): { changes: number; lastInsertRowid: number | bigint };
  get(): R | undefined;
  all(): R[];
}

type Id = { id: string };
type Fenced = { id: string; token: string };
type Now = { now: number };

/** A group of queued jobs with limits: one task's jobs with one limit key. */
export interface FlowGroupRow {
  task: string;
  flow_key: string;
}

export interface JobListSqlParams {
  queue: string | null;
  states: string | null;
  task: string | null;
  key: string | null;
  created_after: number | null;
  created_before: number | null;
  after: string | null;
  search: string | null;
  limit: number;
}

/** job-list-state.sql: one state, so the (state, id) index serves the walk. */
export type JobListStateSqlParams = Omit<JobListSqlParams, "states"> & { state: string };
/** job-list-task.sql: one task, so the (task, id) index serves the walk. */
export type JobListTaskSqlParams = Omit<JobListSqlParams, "states" | "task"> & { task: string };
/** job-list-queue.sql: one queue, so the (queue, id) index serves the walk. */
export type JobListQueueSqlParams = Omit<JobListSqlParams, "states" | "task" | "queue"> & { queue: string };
/** job-list-span.sql: a created-time range walks only the ids between its jobs' smallest and largest. */
export type JobListSpanSqlParams = JobListSqlParams & { lo: string; hi: string };

export function prepareStatements(db: Sqlite.Database) {
  // Prepared at first use (lazy-statement.ts); the claims now: their columns are checked here.
  const p = <P extends object, R = unknown>(sql: string): Stmt<P, R> => prepareLazily<[P], R>(db, sql);
  const p0 = <R = unknown>(sql: string): Stmt0<R> => prepareLazily<[], R>(db, sql);
  const claim = db.prepare(SQL.JOB_CLAIM).raw(true);
  const claimTasks = db.prepare(SQL.JOB_CLAIM_TASKS).raw(true);
  const flowClaim = db.prepare(SQL.FLOW_CLAIM).raw(true);
  checkClaimColumns(claim.columns().map((c) => c.name));
  checkClaimColumns(claimTasks.columns().map((c) => c.name));
  checkClaimColumns(
    flowClaim
      .columns()
      .map((c) => c.name)
      .slice(0, -1),
  );
  return {
    /** Rows made by `jobRow` (rows.ts), JSON-encoded; `workflow_id` null outside workflows. */
    jobInsertRows: p<Now & { workflow_id: string | null; jobs: string }>(SQL.JOB_INSERT_ROWS),
    jobState: p<Id, { state: JobState }>(SQL.JOB_STATE),
    jobByKey: p<{ task: string; key: string }, { id: string; state: JobState }>(SQL.JOB_BY_KEY),
    depInsert: p<{ parent_id: string; child_id: string }>(SQL.DEP_INSERT),
    jobMarkHasDependents: p<Id>(SQL.JOB_MARK_HAS_DEPENDENTS),
    dedupeGet: p<
      { task: string; key: string },
      { job_id: string; first_at: number; state: JobState | null; queue: string | null }
    >(SQL.DEDUPE_GET),
    followUpInsert: p<{ parent_id: string; outcome: string; job: string }>(SQL.FOLLOW_UP_INSERT),
    followUpTake: p<{ parent_id: string }, { outcome: string; job: string }>(SQL.FOLLOW_UP_TAKE),
    dedupePut: p<{ task: string; key: string; job_id: string; first_at: number }>(SQL.DEDUPE_PUT),
    jobDedupeUpdate: p<
      Id & Now & { input: string; run_at: number | null; state: JobState | null },
      { state: JobState }
    >(SQL.JOB_DEDUPE_UPDATE),

    queuePaused: p<{ queue: string }, { paused: number }>(SQL.QUEUE_PAUSED),
    queueLimitsGet: p<{ queue: string }, LimitsRow>(SQL.QUEUE_LIMITS_GET),
    queueLimitsList: p0<LimitsRow & { name: string }>(SQL.QUEUE_LIMITS_LIST),
    queueLimitsPut: p<{ queue: string } & Now & LimitsRow>(SQL.QUEUE_LIMITS_PUT),
    queueLimitsDelete: p<{ queue: string }>(SQL.QUEUE_LIMITS_DELETE),
    queueLimitsTat: p<{ queue: string; tat: number }>(SQL.QUEUE_LIMITS_TAT),
    queueRunning: p<{ queue: string }, { n: number }>(SQL.QUEUE_RUNNING),
    queueHoldGet: p<{ queue: string }, { until: number }>(SQL.QUEUE_HOLD_GET),
    flowPending: p<{ queue: string } & Now, { yes: number }>(SQL.FLOW_PENDING),
    flowGroupFirst: p<{ queue: string }, FlowGroupRow>(SQL.FLOW_GROUP_FIRST),
    flowGroupNext: p<{ queue: string; task: string; key: string }, FlowGroupRow>(SQL.FLOW_GROUP_NEXT),
    flowGroupJobs: p<
      { queue: string; task: string; key: string; n: number; skip: number },
      { rid: number; flow: string }
    >(SQL.FLOW_GROUP_JOBS),
    flowPlainJobs: p<
      { queue: string; tasks: string | null; n: number; skip: number },
      { rid: number; task: string }
    >(SQL.FLOW_PLAIN_JOBS),
    flowCursorGet: p<{ queue: string }, { task: string | null; flow_key: string | null }>(
      SQL.FLOW_CURSOR_GET,
    ),
    flowCursorPut: p<{ queue: string; task: string | null; key: string | null }>(SQL.FLOW_CURSOR_PUT),
    /** Raw mode, like `jobClaim`: `CLAIM_COLUMNS`, then flow_key. */
    flowClaim: flowClaim as Stmt<
      Now & { rowids: string; token: string; worker_id: string; lease_ms: number },
      unknown[]
    >,
    flowRunning: p<{ task: string; key: string | null }, { n: number }>(SQL.FLOW_RUNNING),
    flowLiveKey: p<{ task: string; key: string }, Id>(SQL.FLOW_LIVE_KEY),
    flowLiveTask: p<{ task: string }, Id>(SQL.FLOW_LIVE_TASK),
    flowTatGet: p<{ grp: string }, { tat: number }>(SQL.FLOW_TAT_GET),
    flowTatPut: p<{ grp: string; tat: number }>(SQL.FLOW_TAT_PUT),
    flowWaiting: p0<{ queue: string; task: string; flow_key: string; flow: string; n: number }>(
      SQL.FLOW_WAITING,
    ),
    flowWaitingHeld: p<Now, { queue: string; task: string; n: number }>(SQL.FLOW_WAITING_HELD),
    queueHoldPut: p<{ queue: string; until: number }>(SQL.QUEUE_HOLD_PUT),
    jobBackoff: p<Fenced & Now & { run_at: number }, { queue: string; state: JobState }>(SQL.JOB_BACKOFF),
    jobPromoteDue: p<{ queue: string } & Now>(SQL.JOB_PROMOTE_DUE),
    /** Raw mode: rows are arrays in `CLAIM_COLUMNS` order (rows.ts). */
    jobClaim: claim as Stmt<
      { queue: string; limit: number; token: string; worker_id: string; lease_ms: number } & Now,
      unknown[]
    >,
    /** As `jobClaim`, only jobs of the tasks in `tasks` (JSON array); same row layout. */
    jobClaimTasks: claimTasks as Stmt<
      {
        queue: string;
        tasks: string;
        limit: number;
        token: string;
        worker_id: string;
        lease_ms: number;
      } & Now,
      unknown[]
    >,
    jobNextRunAt: p<{ queue: string }, { run_at: number | null }>(SQL.JOB_NEXT_RUN_AT),

    jobComplete: p<
      Fenced & Now & { result: string },
      { queue: string; attempt: number; has_dependents: number }
    >(SQL.JOB_COMPLETE),
    jobCompleteMany: p<
      Now & { jobs: string },
      { id: string; queue: string; attempt: number; has_dependents: number }
    >(SQL.JOB_COMPLETE_MANY),
    jobFail: p<
      Fenced & Now & { error: string; retry_at: number | null },
      { queue: string; state: JobState; attempt: number; run_at: number; has_dependents: number }
    >(SQL.JOB_FAIL),
    depsRelease: p<{ parent_id: string } & Now, { id: string; queue: string; state: JobState }>(
      SQL.DEPS_RELEASE,
    ),
    depsChildren: p<{ parent_id: string }, { child_id: string }>(SQL.DEPS_CHILDREN),
    jobCancelDependent: p<Id & Now, { queue: string; has_dependents: number }>(SQL.JOB_CANCEL_DEPENDENT),
    jobCancel: p<
      Id & Now,
      { queue: string; has_dependents: number; spawn_policy: string | null; depends_on: string }
    >(SQL.JOB_CANCEL),
    jobSpawnSettle: p<Id & Now, { queue: string; state: JobState }>(SQL.JOB_SPAWN_SETTLE),
    jobSpawnParent: p<Fenced, { depends_on: string; workflow_id: string | null }>(SQL.JOB_SPAWN_PARENT),
    jobSpawnWait: p<
      Fenced & Now & { depends_on: string; pending: number; policy: string; meta: string },
      { queue: string }
    >(SQL.JOB_SPAWN_WAIT),
    depsInsertEdges: p<{ edges: string }>(SQL.WORKFLOW_DEPS_INSERT),
    markParents: p<{ ids: string }>(SQL.WORKFLOW_MARK_PARENTS),
    workflowGrow: p<Id & { n: number }>(SQL.WORKFLOW_GROW),
    jobRelease: p<Fenced & Now, { queue: string }>(SQL.JOB_RELEASE),
    jobRetry: p<Id & Now, { queue: string }>(SQL.JOB_RETRY),
    jobDelete: p<Id, { queue: string; state: JobState; has_dependents: number; has_dependencies: number }>(
      SQL.JOB_DELETE,
    ),
    jobLogsDelete: p<{ job_id: string }>(SQL.JOB_LOGS_DELETE),
    followUpDelete: p<Id>(SQL.FOLLOW_UP_DELETE),
    followUpList: p<Id, { outcome: string | null; job: string | null }>(SQL.FOLLOW_UP_LIST),
    dedupeDeleteJob: p<Id>(SQL.DEDUPE_DELETE_JOB),
    depsDelete: p<Id>(SQL.DEPS_DELETE),
    jobProgress: p<Fenced & Now & { progress: string }, { queue: string }>(SQL.JOB_PROGRESS),
    jobLeased: p<Fenced, { queue: string; attempt: number }>(SQL.JOB_LEASED),
    jobLogInsert: p<{ job_id: string; attempt: number; at: number; level: string; message: string }>(
      SQL.JOB_LOG_INSERT,
    ),
    jobLogsTrim: p<{ job_id: string; keep: number }>(SQL.JOB_LOGS_TRIM),

    jobGet: p<Id, JobRow>(SQL.JOB_GET),
    jobGetMany: p<{ ids: string }, JobRow>(SQL.JOB_GET_MANY),
    jobListAsc: p<JobListSqlParams, JobRow>(SQL.JOB_LIST_ASC),
    jobListDesc: p<JobListSqlParams, JobRow>(SQL.JOB_LIST_DESC),
    jobListStateAsc: p<JobListStateSqlParams, JobRow>(SQL.JOB_LIST_STATE_ASC),
    jobListStateDesc: p<JobListStateSqlParams, JobRow>(SQL.JOB_LIST_STATE_DESC),
    jobListTaskAsc: p<JobListTaskSqlParams, JobRow>(SQL.JOB_LIST_TASK_ASC),
    jobListTaskDesc: p<JobListTaskSqlParams, JobRow>(SQL.JOB_LIST_TASK_DESC),
    jobListQueueAsc: p<JobListQueueSqlParams, JobRow>(SQL.JOB_LIST_QUEUE_ASC),
    jobListQueueDesc: p<JobListQueueSqlParams, JobRow>(SQL.JOB_LIST_QUEUE_DESC),
    jobListSpanAsc: p<JobListSpanSqlParams, JobRow>(SQL.JOB_LIST_SPAN_ASC),
    jobListSpanDesc: p<JobListSpanSqlParams, JobRow>(SQL.JOB_LIST_SPAN_DESC),
    jobListRangeProbe: p<
      { created_after: number | null; created_before: number | null; cap: number },
      { n: number; lo: string | null; hi: string | null }
    >(SQL.JOB_LIST_RANGE_PROBE),
    jobLogs: p<
      { job_id: string; limit: number },
      { at: number; level: string; message: string; attempt: number }
    >(SQL.JOB_LOGS),

    leaseRenew: p<Fenced & Now & { lease_ms: number }, { lease_expires_at: number }>(SQL.LEASE_RENEW),
    leaseRescue: p<
      Now & { limit: number; message: string },
      { id: string; queue: string; state: JobState; attempt: number; has_dependents: number; error: string }
    >(SQL.LEASE_RESCUE),

    queuePause: p<{ queue: string } & Now>(SQL.QUEUE_PAUSE),
    queueResume: p<{ queue: string }>(SQL.QUEUE_RESUME),
    queuePausedList: p0<{ name: string }>(SQL.QUEUE_PAUSED_LIST),
    queueCounts: p0<{ queue: string; state: JobState; n: number }>(SQL.QUEUE_COUNTS),
    stateCountsAdd: p<{ queue: string; state: JobState; n: number }>(SQL.STATE_COUNTS_ADD),
    queueOldestQueued: p<{ queues: string; depth: number }, { queue: string; oldest: number }>(
      SQL.QUEUE_OLDEST_QUEUED,
    ),

    retentionBefore: p<{ state: JobState; before: number; limit: number }, { id: string }>(
      SQL.RETENTION_BEFORE,
    ),
    retentionBeyondKeep: p<{ state: JobState; keep: number; limit: number }, { id: string }>(
      SQL.RETENTION_BEYOND_KEEP,
    ),

    workerUpsert: p<Omit<WorkerRow, "last_seen_at"> & Now>(SQL.WORKER_UPSERT),
    workerDelete: p<Id>(SQL.WORKER_DELETE),
    workerDeleteExpired: p<Now>(SQL.WORKER_DELETE_EXPIRED),
    workerList: p<Now, WorkerRow>(SQL.WORKER_LIST),

    feed: {
      insert: p<{ at: number; events: string }>(SQL.EVENTS_INSERT),
      since: p<{ seq: number; limit: number }, { seq: number; events: string }>(SQL.EVENTS_SINCE),
      head: p0<{ seq: number }>(SQL.EVENTS_HEAD),
      prune: p<{ batch: number; before: number; keep: number }>(SQL.EVENTS_PRUNE),
      dataVersion: p0<{ data_version: number }>(SQL.DATA_VERSION),
    } satisfies FeedStatements,
  };
}

export type Statements = ReturnType<typeof prepareStatements>;

/** The change feed's statements (change-feed.ts). */
export interface FeedStatements {
  insert: Stmt<{ at: number; events: string }>;
  since: Stmt<{ seq: number; limit: number }, { seq: number; events: string }>;
  head: Stmt0<{ seq: number }>;
  prune: Stmt<{ batch: number; before: number; keep: number }>;
  dataVersion: Stmt0<{ data_version: number }>;
}
