/** Flow-control options as users write them (see docs/flow-control.md). */
import type { Duration } from "./duration.js";

/**
 * At most `limit` starts per `per` on average, counted at job start across all workers (GCRA):
 * without `burst` the starts are spread evenly, one every `per / limit`; `burst` lets that
 * many more start at once after an idle period. In any window of length `per`, at most
 * `limit + burst` jobs start.
 */
export interface RateLimit {
  limit: number;
  per: Duration;
  burst?: number;
}

/** `spool.queues.limit(queue, …)`: each field set, removed with null, or left as it is when omitted. */
export interface QueueLimitOptions {
  /** Most jobs of the queue running at once across the cluster (prefetched jobs count). */
  concurrency?: number | null;
  rateLimit?: RateLimit | null;
}

/**
 * What a new job of a key does when its key's concurrency cap is already reached: it waits in
 * the store (`"queue"`, the only strategy built so far; `cancel-in-progress` and `drop-newest`
 * from issue 15 are not, see docs/flow-control.md).
 */
export type CapStrategy = "queue";

/**
 * `task({ concurrency })`: at most `limit` jobs of the task running at once across the
 * cluster, or, with `key`, at most `limit` per key (computed from the input at enqueue).
 */
export interface TaskConcurrency<I = unknown> {
  limit: number;
  key?: (input: I) => string;
  /** At the cap, a new job of the same key waits (`"queue"`, the default and only strategy so far). */
  strategy?: CapStrategy;
}

/** `task({ rateLimit })`: starts per window for the task, or with `key` per key. */
export interface TaskRateLimit<I = unknown> extends RateLimit {
  key?: (input: I) => string;
}

/** The flow-control options of a task definition. */
export interface TaskFlowOptions<I = unknown> {
  concurrency?: TaskConcurrency<I>;
  rateLimit?: TaskRateLimit<I>;
}
