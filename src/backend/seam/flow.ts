/**
 * The Backend seam, flow-control section: limits stored per queue and enforced inside each
 * backend's claim (see docs/flow-control.md). Limits are store state, not process state, so
 * every worker of the cluster obeys the same numbers and a change applies at the next claim.
 */

import type { CapStrategy } from "../../core/flow.js";

export type { CapStrategy };

/** A rate limit as stored: at most `limit + burst` starts in any window of `perMs` (GCRA). */
export interface StoredRateLimit {
  /** Starts per window, >= 1. */
  limit: number;
  /** The window in ms, >= 1. */
  perMs: number;
  /** Extra starts allowed at once after an idle period, >= 0. */
  burst: number;
}

export interface QueueLimits {
  /** Most jobs of the queue `running` at once across all workers (prefetched jobs count). Null: none. */
  concurrency: number | null;
  /** Starts of the queue's jobs, counted at claim across all workers. Null: none. */
  rateLimit: StoredRateLimit | null;
}

export interface QueueLimitParams {
  queue: string;
  /** A new concurrency cap; null removes it; omitted leaves it as it is. */
  concurrency?: number | null;
  /** A new rate limit; null removes it; omitted leaves it as it is. */
  rateLimit?: StoredRateLimit | null;
}

export function noLimits(): QueueLimits {
  return { concurrency: null, rateLimit: null };
}

/** `jobBackoff`: running jobs back to waiting for `runAt`, the attempt not counted (RateLimitedError). */
export interface JobBackoffParams {
  jobs: { id: string; token: string; runAt: number }[];
}

/**
 * `queueHold`: no claim, in any process, starts a job of `queue` before `until` (an upstream
 * rate limit reported by a handler). A hold only ever extends: an earlier `until` is ignored.
 */
export interface QueueHoldParams {
  queue: string;
  until: number;
  /**
   * Hold this task's jobs instead of the queue (RateLimitedError scope "task"), or with `key`
   * only the task's jobs with that limit key (scope "key"); jobs in any queue.
   */
  task?: string;
  key?: string;
}

/**
 * A job's own flow control, resolved at enqueue from its task's `concurrency` / `rateLimit`
 * (see docs/flow-control.md) and stored with the job, so every claim, in any process, applies
 * the numbers the job was enqueued with. Null (or omitted): the task has no limits.
 */
export interface JobFlow {
  /** The job's limit key ("" when none of the task's limits has a key). */
  key: string;
  /**
   * Running jobs at once: of the task, or (`keyed`) of the task's jobs with this key.
   * `strategy`: what `jobEnqueue` does when the group is already at the cap (absent: "queue").
   * Only `jobEnqueue` applies it, to jobs that enter `queued`; it is not stored with the job.
   */
  concurrency: { limit: number; keyed: boolean; strategy?: CapStrategy } | null;
  /** Starts per window: of the task, or (`keyed`) of the task's jobs with this key. */
  rateLimit: (StoredRateLimit & { keyed: boolean }) | null;
}

/** Which limit holds jobs back: a concurrency cap, a rate limit, or a hold (RateLimitedError). */
export type LimitReason = "concurrency" | "rate" | "hold";

/** Queued jobs one limit holds back now (`QueueInfo.limitWaits`). */
export interface LimitWait {
  /** The queue's own limits, a task's (every job of the task) or one limit key's. */
  scope: "queue" | "task" | "key";
  /** The task (null for scope "queue"). */
  task: string | null;
  /** The limit key (null unless the jobs have one). */
  key: string | null;
  reason: LimitReason;
  /** Queued jobs this limit holds back now. */
  waiting: number;
}

/** Jobs waiting on a limit, per queue (`queueList`): queued jobs a limit holds back now. */
export interface FlowWaiting {
  /**
   * Queued jobs of the queue that the next claims could not start now because a limit stops
   * them (a task or key cap, rate limit or hold, or the queue's own), counted as a claim would.
   */
  waitingOnLimit: number;
  /** The limits that hold jobs back, largest first (at most 20). */
  limitWaits: LimitWait[];
}
