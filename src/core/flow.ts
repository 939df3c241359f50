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
