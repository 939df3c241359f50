/** The Backend seam, jobs section: enqueue, claim/complete/fail/release, and control (see backend.ts). */

import type { NewJobDedupe } from "../../core/dedupe.js";
import type { NewJobFollowUps } from "../../core/follow-ups.js";
import type { AppTransaction } from "../../core/task.js";
import type {
  EpochMs,
  JobErrorRecord,
  JobLogLine,
  JobProgress,
  JobState,
  LeasedJob,
  LeaseRef,
} from "../../core/types.js";
import type { JobFlow } from "./flow.js";

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
  /** Per-task / per-key limits of the job (see seam/flow.ts); omitted or null: none. */
  flow?: JobFlow | null;
  /**
   * A dedupe window (docs/flow-control.md): matched against the job last recorded for
   * (task, dedupe.key), inside the enqueue's own atomic write. Absent or null: none. Only
   * `jobEnqueue` applies it (workflow and schedule inserts ignore it).
   */
  dedupe?: NewJobDedupe | null;
  /**
   * Durable follow-ups (core/follow-ups.ts): stored with the job when it is created (not when
   * an idempotency key or a dedupe window matched), and inserted by the store in the same write
   * that records the outcome: `then` when the job completes, `catch` when it ends `failed`
   * (through `jobFail` or a lease rescue). Only `jobEnqueue` stores them.
   */
  followUps?: NewJobFollowUps | null;
}

export interface JobEnqueueParams {
  /** At most ENQUEUE_JOBS_MAX. The batch is one atomic write: all its jobs or none. */
  jobs: NewJob[];
  /**
   * Write inside the application's own open transaction instead of one of spool's (see
   * `AppTransaction`): the backend neither begins nor commits; the jobs and their wake-up exist
   * only if the application commits. Backends that cannot refuse it with InvalidArgumentError.
   */
  tx?: AppTransaction;
}

/**
 * Most jobs one `jobEnqueue` may hold. Every batch is one atomic write on every backend (one
 * transaction, one Lua script, one statement), so a batch is bounded: on Redis a script holds
 * the whole server while it runs (about 0.3 s for 10,000 jobs on a busy 2-core machine). A
 * larger batch is refused with `InvalidArgumentError` before anything is written: split it
 * into several calls (each atomic on its own).
 */
export const ENQUEUE_JOBS_MAX = 10_000;

export interface EnqueuedRef {
  id: string;
  state: JobState;
  /** False when an idempotency key or a dedupe window matched an existing job: `id` is that job's. */
  created: boolean;
  /** True when a dedupe window matched (the existing job was returned, or updated by debounce/replace). */
  deduplicated?: boolean;
  /**
   * True when the `drop-newest` strategy refused the job because its cap group was full
   * (docs/flow-control.md): nothing was written, `id` names no job, `state` is "cancelled".
   */
  dropped?: boolean;
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
  /**
   * Claim only jobs of these tasks (a worker passes the tasks it registered, so two apps
   * sharing a queue never take each other's jobs). Jobs of other tasks stay `queued`, untouched,
   * and do not block the ones behind them. Omitted: any task.
   */
  tasks?: readonly string[];
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
  /**
   * True when a queue's concurrency cap or rate limit held this claim below `limit` (see
   * seam/flow.ts): jobs may be waiting on it, so a worker should claim again as soon as one of
   * its own slots frees (the cap may have room then), not only at its next poll.
   */
  limited?: boolean;
}

export interface JobCompleteParams {
  jobs: { id: string; token: string; result: string }[];
  /**
   * Write inside the application's own open transaction (`ctx.complete({ tx })`, see
   * `AppTransaction`): the completions (and their dependents' release and notification) exist
   * only if the application commits. Backends that cannot refuse it with InvalidArgumentError.
   */
  tx?: AppTransaction;
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

// ── spawn: a running job waits for children it creates ──────────────────────────────────

/**
 * What a parent does when one of its spawned children ends `failed` or `cancelled`:
 * `fail` releases the parent at once (its resume sees the failure, fails the parent and cancels
 * the children still unfinished); `continue` counts that child as settled, like a completion, and
 * releases the parent once every child is final.
 */
export type SpawnPolicy = "fail" | "continue";

export interface JobSpawnParams {
  /** The running parent and the lease token of its claim: a stale token writes nothing. */
  id: string;
  token: string;
  /**
   * 1..ENQUEUE_JOBS_MAX new jobs, written with the same rules as `jobEnqueue` (they may depend on
   * existing jobs or on earlier ones of the batch, but carry no idempotency key). They join the
   * parent's workflow when it has one.
   */
  children: NewJob[];
  policy: SpawnPolicy;
  /** The parent's new metadata (the core records the spawn round in it); replaces the old. */
  meta: Record<string, unknown>;
}

/**
 * In ONE atomic, fenced write: the children are inserted, their ids are appended to the parent's
 * `dependsOn`, and the parent goes from `running` to `waiting` on them (lease released, the
 * attempt given back as by `jobRelease`). Each child's completion counts the parent down like an
 * ordinary dependency; a failed or cancelled child follows `policy` instead of cancelling the
 * parent. Cancelling a waiting parent cancels its unfinished children (and theirs).
 */
export interface JobSpawnResult {
  /** False: the parent was not running under this token (nothing was written). */
  ok: boolean;
  /** The parent's state after the call (`waiting`, or `queued` when every child was already final). */
  state: JobState | null;
}
