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
 *
 * The types of each section live in seam/ (jobs, reads, maintenance, events, schedules,
 * workflows, audit, move) and are re-exported here: import them from this file.
 */
import type { Clock } from "../core/clock.js";
import type { JobLogLine, JobRecord, LeasedJob } from "../core/types.js";
import type { JobActionsBackend } from "./job-actions.js";
import type { AuditBackend } from "./seam/audit.js";
import type { BackendCapabilities, BackendEventListener, SubscribeOptions } from "./seam/events.js";
import type { JobBackoffParams, QueueHoldParams, QueueLimitParams } from "./seam/flow.js";
import type {
  JobCancelParams,
  JobCancelResult,
  JobClaimParams,
  JobClaimResult,
  JobCompleteParams,
  JobEnqueueParams,
  JobEnqueueResult,
  JobFailParams,
  JobFailResult,
  JobLogParams,
  JobProgressParams,
  JobReleaseParams,
  JobRemoveParams,
  JobRemoveResult,
  JobRetryParams,
  JobSpawnParams,
  JobSpawnResult,
  TransitionResult,
} from "./seam/jobs.js";
import type {
  LeaseRenewParams,
  LeaseRenewResult,
  LeaseRescueParams,
  LeaseRescueResult,
  RetentionPruneParams,
  WorkerHeartbeatParams,
  WorkerInfo,
} from "./seam/maintenance.js";
import type { MoveBackend } from "./seam/move.js";
import type { FollowUpRef, JobListParams, JobPage, QueueInfo } from "./seam/reads.js";
import type {
  ScheduleFireParams,
  ScheduleFireResult,
  ScheduleRecord,
  ScheduleResumeParams,
  ScheduleRun,
  ScheduleRunsParams,
  ScheduleUpsertParams,
  ScheduleUpsertResult,
} from "./seam/schedules.js";
import type { WorkflowBackend } from "./seam/workflows.js";

export type { JobActionsBackend, JobPromoteParams, JobUpdateParams } from "./job-actions.js";
export type * from "./seam/audit.js";
export type * from "./seam/events.js";
export * from "./seam/flow.js";
export * from "./seam/jobs.js";
export type * from "./seam/maintenance.js";
export * from "./seam/move.js";
export * from "./seam/reads.js";
export type * from "./seam/schedules.js";
export * from "./seam/workflows.js";

export interface Backend extends WorkflowBackend, AuditBackend, JobActionsBackend, MoveBackend {
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
  /** A running job creates children and waits for them (see `JobSpawnParams`). */
  jobSpawn(params: JobSpawnParams): Promise<JobSpawnResult>;
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
  /**
   * The job's then / catch follow-ups (`FollowUpRef`): the templates still waiting for its
   * outcome, and the one its outcome made (that link outlives the templates, which the outcome
   * takes). `then` before `catch`; [] for a job without any; null when there is no such job.
   */
  jobFollowUps(params: { id: string }): Promise<FollowUpRef[] | null>;
  /** The newest `limit` lines (default all kept, at most 1000 per job), oldest first. */
  jobLogs(params: { id: string; limit?: number }): Promise<JobLogLine[]>;

  leaseRenew(params: LeaseRenewParams): Promise<LeaseRenewResult>;
  leaseRescue(params: LeaseRescueParams): Promise<LeaseRescueResult>;

  queuePause(params: { queue: string }): Promise<void>;
  queueResume(params: { queue: string }): Promise<void>;
  /**
   * Sets (or with null removes) a queue's concurrency cap and rate limit; omitted fields stay.
   * Every later claim, in every process, obeys them atomically (see seam/flow.ts).
   */
  queueLimit(params: QueueLimitParams): Promise<void>;
  /** Holds a queue until an instant for every claimer (see seam/flow.ts). */
  queueHold(params: QueueHoldParams): Promise<void>;
  /**
   * Fenced like `jobRelease`: running jobs go back to `scheduled` (or `queued` if `runAt` is
   * not ahead) at `runAt` without counting the attempt, publishing `job:retried`.
   */
  jobBackoff(params: JobBackoffParams): Promise<TransitionResult>;
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

  // ── schedules (see seam/schedules.ts) ──────────────────────────────────────────────────────

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
  /** The schedule's recent fires, newest first (see `ScheduleRun`); [] for an unknown schedule. */
  scheduleRuns(params: ScheduleRunsParams): Promise<ScheduleRun[]>;
}
