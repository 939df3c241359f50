/**
 * The Backend seam, flow-control section: limits stored per queue and enforced inside each
 * backend's claim (see docs/flow-control.md). Limits are store state, not process state, so
 * every worker of the cluster obeys the same numbers and a change applies at the next claim.
 */

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
}
