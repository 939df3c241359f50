/**
 * The Backend seam: every store spool runs on (memory, SQLite, Redis, PostgreSQL)
 * implements exactly this interface, and the worker, scheduler and workflow layers use
 * nothing else. It is shaped by the job states of DESIGN.md, not by one store's commands.
 *
 * Rules every implementation follows (the conformance suite in test/conformance checks them):
 *
 * - **Batch-oriented.** Enqueue, claim, complete, fail, release and renew take many jobs and
 *   cost one round trip (one transaction on SQLite, one Lua script on Redis, one statement
 *   on PostgreSQL), so per-job overhead is paid once per batch.
 * - **Atomic, fenced transitions.** Each transition checks its precondition inside the store:
 *   a job completes only if it is `running` *and* the caller presents the lease token its
 *   claim returned. A worker whose lease expired (and whose job another worker now runs)
 *   is refused, never obeyed. Refusals are reported per job, not thrown.
 * - **Time from the injected clock.** `now` is read from the backend's `Clock`, so leases,
 *   delays and retention are tested with a fake clock.
 * - **A change feed.** Transitions publish `BackendEvent`s that reach subscribers in every
 *   process sharing the store. A notification only nudges: workers still poll, slowly,
 *   so a lost notification delays work but never loses it.
 * - **Errors.** Bad arguments throw `InvalidArgumentError`, missing dependencies
 *   `NotFoundError`, store failures `BackendError`; an enqueue that throws wrote nothing.
 *
 * Method names lead with the noun (jobEnqueue, jobClaim, leaseRenew, queuePause) so related
 * operations sort together; each takes one params object so adding a field breaks nobody.
 */
import type { Clock } from "../core/clock.js";
import type {
  EpochMs,
  JobErrorRecord,
  JobLogLine,
  JobProgress,
  JobRecord,
  JobState,
  LeasedJob,
  LeaseRef,
} from "../core/types.js";
import type { JobActionsBackend } from "./job-actions.js";

export type { JobActionsBackend, JobPromoteParams, JobUpdateParams } from "./job-actions.js";

// ── enqueue ────────────────────────────────────────────────────────────────────────────

/** A job to insert. The core fills every field (ids, serialization, defaults) before the backend sees it. */
export interface NewJob {
  id: string;
  task: string;
  queue: string;
  /** Serialized input. */
  input: string;
  priority: number;
  /** At or before `now`: the job is `queued`; later: `scheduled`. Ignored while `waiting`. */
  runAt: EpochMs;
  maxAttempts: number;
  key: string | null;
  meta: Record<string, unknown>;
  /**
   * Jobs this one waits for: ids of existing jobs or of jobs *earlier in the same batch*.
   * With unfinished dependencies the job starts `waiting`; when the last one completes it
   * becomes `queued` (or `scheduled` if `runAt` is still ahead) in the same transaction.
   * If a dependency ends `failed` or `cancelled`, the job is cancelled (and so on down).
   */
  dependsOn: string[];
  leaseMs: number | null;
  timeoutMs: number | null;
}

export interface JobEnqueueParams {
  jobs: NewJob[];
}

export interface EnqueuedRef {
  id: string;
  state: JobState;
  /** False when an idempotency key matched an existing job: `id` is that job's. */
  created: boolean;
}

export interface JobEnqueueResult {
  /** One entry per input job, same order. */
  jobs: EnqueuedRef[];
}

// ── claim, complete, fail, release ─────────────────────────────────────────────────────

export interface JobClaimParams {
  /**
   * Queues in order of preference: the claim fills its limit from the first listed queue
   * before it looks at the next (like RQ and Celery workers), and orders by priority,
   * then runAt, then id inside each queue. A `scheduled` job whose runAt has passed is
   * moved to `queued` by the claim that looks at its queue, so listings may show a due job
   * as `scheduled` until a worker polls.
   */
  queues: readonly string[];
  /** Claim at most this many (the worker's free slots). */
  limit: number;
  workerId: string;
  /** Lease length for jobs without their own `leaseMs`. */
  leaseMs: number;
  /**
   * Push delivery (only backends with `capabilities.push`; others ignore it). When this claim
   * leaves slots free, the worker stays registered as idle for those slots during `ttlMs`:
   * jobs that become ready in its queues meanwhile are claimed for it at once (same lease
   * token as this claim) and handed over through `jobAwaitPushed`, so they start one hop
   * after their enqueue instead of waiting for a notification and another claim.
   */
  park?: {
    ttlMs: number;
    /**
     * At most this many jobs in all, this claim's included, go to the worker while it is
     * parked (default: every slot the claim leaves free). A worker passes its free run
     * slots, so a burst is spread over the parked workers rather than filling one worker's
     * prefetch buffer while others idle.
     */
    slots?: number;
  };
  /**
   * The worker may be parked: end its registration first, and return the jobs pushed to it
   * that it has not received yet along with the claimed ones. Every claim after a parking
   * one must set this.
   */
  unpark?: boolean;
}

export interface JobClaimResult {
  /**
   * In claim order. Each is `running`; one claim call issues one fresh lease token shared by
   * the jobs it returns (fencing checks the pair id + token, so that is enough). Pushed jobs
   * returned by `unpark` come first and carry the token of the claim that parked.
   */
  jobs: LeasedJob[];
  /**
   * When fewer than `limit` jobs were ready: the earliest `runAt` among `scheduled` jobs of
   * these (unpaused) queues, so an idle worker can sleep exactly until then. Null if none.
   */
  nextRunAt: EpochMs | null;
  /**
   * True when this claim parked the worker (`park` was asked, slots were left and no pushed
   * jobs were pending): jobs for those slots will come through `jobAwaitPushed`.
   */
  parked?: boolean;
}

export interface JobCompleteParams {
  jobs: { id: string; token: string; result: string }[];
}

export interface JobFailParams {
  jobs: {
    id: string;
    token: string;
    error: JobErrorRecord;
    /** When to try again; null means do not retry. Ignored when no attempts are left. */
    retryAt: EpochMs | null;
  }[];
}

export interface TransitionResult {
  /** Jobs that made the transition. */
  ok: string[];
  /** Jobs refused: not running, lease token stale, or gone. Their caller must drop them. */
  refused: string[];
}

export interface JobFailResult {
  /** Back to `scheduled`/`queued` for another attempt. */
  retried: string[];
  /** Ended `failed`. */
  failed: string[];
  refused: string[];
}

export interface JobReleaseParams {
  /** Give these back to `queued` without counting the attempt (graceful shutdown). */
  leases: LeaseRef[];
}

// ── control: cancel, retry, remove, progress ───────────────────────────────────────────

export interface JobCancelParams {
  ids: string[];
  reason?: string;
}

export interface JobCancelResult {
  /** Ids cancelled, including dependents cancelled in cascade. */
  cancelled: string[];
  /** Already final, or not found. */
  skipped: string[];
}

export interface JobRetryParams {
  /** `failed` or `cancelled` jobs to run again (attempt count starts over). */
  ids: string[];
}

export interface JobRemoveParams {
  /**
   * Removes jobs in any state but `running` (cancel those first). Dependents of a removed
   * job that had not completed keep waiting on it: cancel a parent (which cascades) rather
   * than remove it while children wait.
   */
  ids: string[];
}

export interface JobRemoveResult {
  removed: string[];
  skipped: string[];
}

export interface JobProgressParams {
  id: string;
  token: string;
  progress: JobProgress;
}

export interface JobLogParams {
  id: string;
  token: string;
  lines: Omit<JobLogLine, "attempt">[];
}

// ── reading ────────────────────────────────────────────────────────────────────────────

export interface JobListParams {
  queue?: string;
  state?: JobState | readonly JobState[];
  task?: string;
  key?: string;
  createdAfter?: EpochMs;
  createdBefore?: EpochMs;
  /**
   * Case-insensitive substring of one of the job's fields: id, key, serialized input,
   * serialized result, or an error message (src/backend/search.ts). With a search, a page may
   * hold fewer than `limit` jobs, even none, and still have a `nextCursor` (a backend may bound
   * the work one call does): continue from it until it is null.
   */
  search?: string;
  /** Opaque cursor from the previous page's `nextCursor`. */
  cursor?: string;
  /** Page size, 1..1000 (default 50). */
  limit?: number;
  /** By id, i.e. creation time. Default `desc` (newest first). */
  order?: "asc" | "desc";
}

export interface JobPage {
  jobs: JobRecord[];
  /** Null on the last page. */
  nextCursor: string | null;
}

export type StateCounts = Record<JobState, number>;

export interface QueueInfo {
  name: string;
  paused: boolean;
  counts: StateCounts;
  /** `createdAt` of the oldest `queued` job (queue age for alerting), null if none. */
  oldestQueuedAt: EpochMs | null;
}

// ── maintenance ────────────────────────────────────────────────────────────────────────

export interface LeaseRenewParams {
  leases: LeaseRef[];
  /** New lease length for jobs without their own `leaseMs`. */
  leaseMs: number;
}

export interface LeaseRenewResult {
  renewed: { id: string; leaseExpiresAt: EpochMs }[];
  /** The lease is gone (expired and rescued, cancelled, removed): abort the handler. */
  lost: string[];
}

export interface LeaseRescueParams {
  /** Most jobs to rescue in one call. */
  limit: number;
}

export interface LeaseRescueResult {
  /** Expired leases whose job goes back to `queued` (the lost attempt counts). */
  requeued: string[];
  /** Expired leases whose job had no attempts left. */
  failed: string[];
}

export interface RetentionPruneParams {
  /** Remove `completed` jobs finished before this instant. */
  completedBefore?: EpochMs;
  /** Remove `failed` jobs finished before this instant. */
  failedBefore?: EpochMs;
  /** Remove `cancelled` jobs finished before this instant. */
  cancelledBefore?: EpochMs;
  /** Keep at most this many `completed` jobs (newest kept). */
  completedKeep?: number;
  /** Keep at most this many `failed` jobs (newest kept). */
  failedKeep?: number;
  /** Most jobs to remove in one call (bounded transactions). */
  limit: number;
}

export interface WorkerInfo {
  id: string;
  host: string;
  pid: number;
  queues: string[];
  concurrency: number;
  running: string[];
  startedAt: EpochMs;
  lastSeenAt: EpochMs;
}

export interface WorkerHeartbeatParams {
  worker: Omit<WorkerInfo, "lastSeenAt">;
  /** After this long without a heartbeat the worker is listed as gone. */
  ttlMs: number;
}

// ── the change feed ────────────────────────────────────────────────────────────────────

export type BackendEventType =
  | "job:enqueued"
  | "job:started"
  | "job:progress"
  | "job:log"
  | "job:completed"
  | "job:retried"
  | "job:failed"
  | "job:cancelled"
  | "job:released"
  | "job:rescued"
  | "job:removed"
  | "job:updated"
  | "queue:paused"
  | "queue:resumed"
  | ScheduleEventType;

export interface BackendEvent {
  type: BackendEventType;
  /** Empty for queue events. */
  jobId: string;
  queue: string;
  at: EpochMs;
  /** The job's state after the event (for job events). */
  state?: JobState;
  /** Event-specific facts: attempt, progress, error, runAt, workflow ids. */
  data?: Record<string, unknown>;
}

export type BackendEventListener = (events: readonly BackendEvent[]) => void;

export interface SubscribeOptions {
  /** The event types this listener uses (a hint, see `Backend.subscribe`). Absent: all. */
  types?: readonly BackendEventType[];
}

export interface BackendCapabilities {
  /** State is shared with other processes (false for memory). */
  crossProcess: boolean;
  /** How the change feed reaches other processes: "none" (in-process only), "watch" (file watch), "push". */
  notify: "none" | "watch" | "push";
  /** Push delivery to parked workers: `JobClaimParams.park`, `jobAwaitPushed`, `jobInterruptPushed`. */
  push: boolean;
}

// ── the interface ──────────────────────────────────────────────────────────────────────

export interface Backend extends WorkflowBackend, AuditBackend, JobActionsBackend {
  /** "memory", "sqlite", "redis", "postgres". */
  readonly kind: string;
  readonly capabilities: BackendCapabilities;
  readonly clock: Clock;

  /** Creates or upgrades the schema. Idempotent; safe to race from several processes. */
  migrate(): Promise<void>;
  /** Releases connections, watchers and timers. Idempotent. */
  close(): Promise<void>;

  jobEnqueue(params: JobEnqueueParams): Promise<JobEnqueueResult>;
  jobClaim(params: JobClaimParams): Promise<JobClaimResult>;
  /**
   * Push delivery (`capabilities.push`): waits up to `timeoutMs` for jobs pushed to the
   * parked worker `workerId` and returns them (leased, running), or [] on timeout or
   * interrupt. At most one wait per worker at a time.
   */
  jobAwaitPushed?(params: { workerId: string; timeoutMs: number }): Promise<LeasedJob[]>;
  /** Ends the worker's pending `jobAwaitPushed` at once (shutdown). */
  jobInterruptPushed?(params: { workerId: string }): Promise<void>;
  jobComplete(params: JobCompleteParams): Promise<TransitionResult>;
  jobFail(params: JobFailParams): Promise<JobFailResult>;
  jobRelease(params: JobReleaseParams): Promise<TransitionResult>;
  jobCancel(params: JobCancelParams): Promise<JobCancelResult>;
  jobRetry(params: JobRetryParams): Promise<TransitionResult>;
  jobRemove(params: JobRemoveParams): Promise<JobRemoveResult>;
  /** Refused (false) when the lease is stale. */
  jobProgress(params: JobProgressParams): Promise<boolean>;
  /** Refused (false) when the lease is stale. */
  jobLog(params: JobLogParams): Promise<boolean>;

  jobGet(params: { id: string }): Promise<JobRecord | null>;
  jobGetMany(params: { ids: readonly string[] }): Promise<JobRecord[]>;
  jobList(params: JobListParams): Promise<JobPage>;
  /** The newest `limit` lines (default all kept, at most 1000 per job), oldest first. */
  jobLogs(params: { id: string; limit?: number }): Promise<JobLogLine[]>;

  leaseRenew(params: LeaseRenewParams): Promise<LeaseRenewResult>;
  leaseRescue(params: LeaseRescueParams): Promise<LeaseRescueResult>;

  queuePause(params: { queue: string }): Promise<void>;
  queueResume(params: { queue: string }): Promise<void>;
  /** Every queue that has jobs or a paused flag, with counts per state. */
  queueList(): Promise<QueueInfo[]>;

  retentionPrune(params: RetentionPruneParams): Promise<{ removed: number }>;

  workerHeartbeat(params: WorkerHeartbeatParams): Promise<void>;
  workerRemove(params: { id: string }): Promise<void>;
  /** Workers seen within their ttl. */
  workerList(): Promise<WorkerInfo[]>;

  /**
   * Subscribes to the change feed (all processes sharing the store). Returns the unsubscribe.
   * `options.types` is a hint: a backend may skip decoding event types no listener asked for
   * (a worker needs none of the per-job started/completed events of its peers), but a listener
   * still ignores types it did not ask for, since it may get them anyway.
   */
  subscribe(listener: BackendEventListener, options?: SubscribeOptions): () => void;

  // ── schedules (see the "schedules" section below) ──────────────────────────────────────

  scheduleUpsert(params: ScheduleUpsertParams): Promise<ScheduleUpsertResult>;
  scheduleGet(params: { name: string }): Promise<ScheduleRecord | null>;
  /** Every schedule, by name. */
  scheduleList(): Promise<ScheduleRecord[]>;
  /** False when there was no such schedule. Jobs it already fired stay. */
  scheduleRemove(params: { name: string }): Promise<boolean>;
  /** False when there is no such schedule. Idempotent. */
  schedulePause(params: { name: string }): Promise<boolean>;
  /** Unpauses and stores the next fire time the scheduler computed from now. False when there is no such schedule. */
  scheduleResume(params: ScheduleResumeParams): Promise<boolean>;
  /** Records one fire and inserts its job in ONE atomic write (see `ScheduleFireParams`). */
  scheduleFire(params: ScheduleFireParams): Promise<ScheduleFireResult>;
}

export function emptyCounts(): StateCounts {
  return { waiting: 0, scheduled: 0, queued: 0, running: 0, completed: 0, failed: 0, cancelled: 0 };
}

/** Largest page a `jobList` returns. */
export const LIST_LIMIT_MAX = 1000;
export const LIST_LIMIT_DEFAULT = 50;

// ── schedules ──────────────────────────────────────────────────────────────────────────
//
// Backends store schedules and compare-and-set their next fire time; they never parse a
// trigger. The scheduler (src/scheduler) computes fire times in TypeScript (croner, time
// zones, DST rules) and hands the backend instants. Exactly-once firing across any number of
// scheduler processes rests on one rule: `scheduleFire` checks that the stored `nextFireAt`
// still equals the fire time the caller saw, and in the same transaction (one Lua script on
// Redis) moves it on AND inserts the fire's job. A scheduler that dies before the write
// leaves the fire to the next scheduler; one that dies after it has already fired.

/** `schedule:changed` (upsert, remove, pause, resume) and `schedule:fired` (also for skipped fires). */
export type ScheduleEventType = "schedule:changed" | "schedule:fired";

/** A schedule as stored. `spec` is the scheduler's JSON and opaque to backends. */
export interface ScheduleRecord {
  name: string;
  /** The scheduler's definition (trigger, job template, policies) as JSON. */
  spec: string;
  /** Identifies the trigger (and its start/end): when an upsert changes it, `anchorAt` and `nextFireAt` reset. */
  triggerKey: string;
  /** Start of an `every` trigger's grid, kept across upserts of the same trigger (restarts do not drift). */
  anchorAt: EpochMs;
  /** The next fire time, the compare-and-set target of `scheduleFire`; null when the schedule is done. */
  nextFireAt: EpochMs | null;
  /** Fire time of the last fire that enqueued a job (manual runs excluded). */
  lastFireAt: EpochMs | null;
  /** The job of the last fire or manual run (the overlap policy looks at it). */
  lastJobId: string | null;
  /** Jobs fired so far by the trigger (manual runs excluded); the `limit` option counts these. */
  runs: number;
  paused: boolean;
  createdAt: EpochMs;
  updatedAt: EpochMs;
}

export interface ScheduleUpsertParams {
  name: string;
  spec: string;
  triggerKey: string;
  /** Used when the schedule is created or its triggerKey changed; otherwise the stored values stay. */
  anchorAt: EpochMs;
  nextFireAt: EpochMs | null;
  /** Initial paused flag, used only when the schedule is created (pause state is operational). */
  paused: boolean;
}

export interface ScheduleUpsertResult {
  schedule: ScheduleRecord;
  /** Created, or its definition changed. False for a no-op upsert (same spec): nothing was written. */
  changed: boolean;
  created: boolean;
}

export interface ScheduleResumeParams {
  name: string;
  /** The next fire time from now: time spent paused is not a misfire. */
  nextFireAt: EpochMs | null;
}

export interface ScheduleFireParams {
  name: string;
  /**
   * The compare-and-set: the fire happens only if the stored `nextFireAt` equals this and the
   * schedule is not paused. `null` makes a manual run ("run now"): no compare, `nextFireAt`,
   * `lastFireAt` and `runs` stay, only the job is inserted and `lastJobId` set.
   */
  expectedFireAt: EpochMs | null;
  /** The fire time to store next (null: no more fires). Ignored by manual runs. */
  nextFireAt: EpochMs | null;
  /**
   * The job to insert in the same write (no `dependsOn`), or null to move on without one (a
   * skipped fire: misfire `skip`, overlap `skip`, limit reached). With a job, `runs` grows by
   * one and `lastFireAt` becomes `expectedFireAt`.
   */
  job: NewJob | null;
  /** Carried in the `schedule:fired` event (why a fire was skipped, how many were missed …). */
  data?: Record<string, unknown>;
}

export interface ScheduleFireResult {
  /** True when this call made the fire; false when another caller did first (or the schedule is gone or paused). */
  won: boolean;
  /** The inserted job (or, with an idempotency key that matched, the existing one). */
  jobId: string | null;
  /** The schedule after the call (null if it does not exist). */
  schedule: ScheduleRecord | null;
}

// ── workflows ──────────────────────────────────────────────────────────────────────────
//
// A workflow is a set of jobs written in ONE atomic call, linked by `dependsOn` (the same
// dependency counting as plain jobs: a child is released in the transaction that completes
// its last parent, so a chord callback fires exactly once). The backend stores a small record
// per workflow and applies two rules; everything else (the graph, how a child's input is built
// from its parents' results) lives in the core (src/workflow/) and is opaque here:
//
// - **failFast**: when a job of a `failFast` workflow ends `failed` (jobFail without retry, or
//   leaseRescue with no attempts left), the same transition cancels every job of the workflow
//   that has not started (`waiting`, `scheduled`, `queued`). Running jobs finish.
// - **Retention** never removes a job of a workflow whose record is still `running`, so
//   parents' results survive until every job of the workflow is final. `retentionPrune` first
//   settles the records of workflows whose jobs are all final (stores their final state and
//   counts), then prunes as usual.

export type WorkflowState = "running" | "completed" | "failed" | "cancelled";
export type WorkflowPolicy = "failFast" | "continue";

export interface NewWorkflow {
  id: string;
  name: string;
  policy: WorkflowPolicy;
  /** The compiled graph (node names, job ids, output shape) as JSON; opaque to the backend. */
  spec: string;
}

export interface WorkflowRecord {
  id: string;
  name: string;
  policy: WorkflowPolicy;
  /**
   * `running` while any job is not final, except that a `failFast` workflow is `failed` from
   * its first permanent failure on. At the end: `failed` if any job failed, else `cancelled` if
   * any was cancelled, else `completed`.
   */
  state: WorkflowState;
  spec: string;
  /** Jobs in the workflow. */
  total: number;
  /** Jobs per state (read live while running; frozen once settled). */
  counts: StateCounts;
  createdAt: EpochMs;
  /** When the record was settled (all jobs final and retention ran), else null. */
  finishedAt: EpochMs | null;
}

export interface WorkflowEnqueueParams {
  workflow: NewWorkflow;
  /**
   * Every job of the workflow, parents before children. All of them or none are written. They
   * must have no idempotency key and depend only on jobs of this batch.
   */
  jobs: NewJob[];
}

export interface WorkflowEnqueueResult {
  jobs: EnqueuedRef[];
}

export interface WorkflowListParams {
  cursor?: string;
  /** 1..1000, default 50. */
  limit?: number;
  /** By id, i.e. creation time. Default `desc`. */
  order?: "asc" | "desc";
}

export interface WorkflowPage {
  workflows: WorkflowRecord[];
  nextCursor: string | null;
}

/** Most jobs one workflow may hold (one atomic write). */
export const WORKFLOW_JOBS_MAX = 100_000;

/** Workflow operations every backend implements (see the section comment above). */
export interface WorkflowBackend {
  workflowEnqueue(params: WorkflowEnqueueParams): Promise<WorkflowEnqueueResult>;
  workflowGet(params: { id: string }): Promise<WorkflowRecord | null>;
  workflowList(params: WorkflowListParams): Promise<WorkflowPage>;
}

// ── audit log and session revocations ─────────────────────────────────────────────────
//
// The HTTP server records every admin action (who, what, when, with what outcome) and keeps
// the ids of dashboard sessions ended by a logout until they would have expired anyway. Both
// are small, append-mostly stores that every server process sharing the backend must see:
// an action taken through one replica is in the log read through another, and a session
// logged out on one replica is refused by all. Entries are opaque to the backend apart from
// `id` (its order) and `at` (its age, for pruning).

/** One audited action. The caller fills every field; the backend stores it as given. */
export interface AuditEntry {
  /** Sortable and unique (a UUIDv7 made from `at`): the list's order and its cursor. */
  id: string;
  at: EpochMs;
  /** Who: the token's name (or its fingerprint), or "anonymous" on a server without auth. */
  actor: string;
  /** The role the caller had: "admin", "read" or "none" (refused before a role was known). */
  role: string;
  /** How the caller authenticated: "bearer", "session" or "insecure". */
  via: string;
  /** What, as `noun.verb`: "job.retry", "queue.pause", "session.login" … */
  action: string;
  /** What it acted on (a job id, a queue or schedule name), or null. */
  target: string | null;
  /** "ok", or the error code the action was refused with ("FORBIDDEN", "INVALID_STATE" …). */
  outcome: string;
  /** The client's network address, when known. */
  address: string | null;
  /** Anything else worth keeping (the HTTP method and path, a cancel reason …), JSON-safe. */
  details: Record<string, unknown>;
}

export interface AuditListParams {
  /** `nextCursor` of the previous page. */
  cursor?: string;
  /** 1..1000, default 50. */
  limit?: number;
}

export interface AuditPage {
  /** Newest first (by id). */
  entries: AuditEntry[];
  nextCursor: string | null;
}

export interface AuditBackend {
  /** Appends entries in one write. Idempotent: an entry whose id is already stored is left as it is. */
  auditAppend(params: { entries: readonly AuditEntry[] }): Promise<void>;
  auditList(params: AuditListParams): Promise<AuditPage>;
  /** Removes at most `limit` entries older than `before` (oldest first). */
  auditPrune(params: { before: EpochMs; limit: number }): Promise<{ removed: number }>;
  /**
   * Marks a session id as ended until `expiresAt` (when the session would have expired on its
   * own, after which the mark is dropped). Idempotent.
   */
  sessionRevoke(params: { id: string; expiresAt: EpochMs }): Promise<void>;
  /** True while `id` is revoked (until its `expiresAt`). */
  sessionRevoked(params: { id: string }): Promise<boolean>;
}
