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
 * What `enqueue` does with a new job whose cap group (the task, or the task's jobs with its
 * limit key) is already at its concurrency cap (docs/flow-control.md, "Strategy at the cap"):
 * - `"queue"` (default): the job waits in the store for a free slot.
 * - `"cancel-in-progress"`: the newest jobs win. The group's oldest `queued` / `running` jobs
 *   are cancelled, in the same write as the insert, until the new job fits under the cap.
 * - `"drop-newest"`: the oldest jobs win. When the group already has `limit` jobs `queued` or
 *   `running`, the new job is not written; its handle says `dropped`.
 */
export type CapStrategy = "queue" | "cancel-in-progress" | "drop-newest";

/**
 * `task({ concurrency })`: at most `limit` jobs of the task running at once across the
 * cluster, or, with `key`, at most `limit` per key (computed from the input at enqueue).
 */
export interface TaskConcurrency<I = unknown> {
  limit: number;
  key?: (input: I) => string;
  /** What a new job does when its group is at the cap (default `"queue"`: it waits). See `CapStrategy`. */
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
