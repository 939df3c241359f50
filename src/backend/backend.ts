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
}

export interface JobClaimResult {
  /**
   * In claim order. Each is `running`; one claim call issues one fresh lease token shared by
   * the jobs it returns (fencing checks the pair id + token, so that is enough).
   */
  jobs: LeasedJob[];
  /**
   * When fewer than `limit` jobs were ready: the earliest `runAt` among `scheduled` jobs of
   * these (unpaused) queues, so an idle worker can sleep exactly until then. Null if none.
   */
  nextRunAt: EpochMs | null;
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
  /** Case-insensitive substring over id, key and the last error message. */
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
  | "queue:paused"
  | "queue:resumed";

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

export interface BackendCapabilities {
  /** State is shared with other processes (false for memory). */
  crossProcess: boolean;
  /** How the change feed reaches other processes: "none" (in-process only), "watch" (file watch), "push". */
  notify: "none" | "watch" | "push";
}

// ── the interface ──────────────────────────────────────────────────────────────────────

export interface Backend {
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

  /** Subscribes to the change feed (all processes sharing the store). Returns the unsubscribe. */
  subscribe(listener: BackendEventListener): () => void;
}

export function emptyCounts(): StateCounts {
  return { waiting: 0, scheduled: 0, queued: 0, running: 0, completed: 0, failed: 0, cancelled: 0 };
}

/** Largest page a `jobList` returns. */
export const LIST_LIMIT_MAX = 1000;
export const LIST_LIMIT_DEFAULT = 50;
