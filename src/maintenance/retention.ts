/**
 * The retention pruner: removes finished jobs once they are old enough (and, with `keep`,
 * beyond the newest N of a state). Bounded batches keep each write transaction short; a
 * pass stops after `RETENTION_ROUNDS_MAX` full batches and the next pass goes on.
 */
import type { Backend, RetentionPruneParams } from "../backend/backend.js";
import type { Clock } from "../core/clock.js";
import { type Duration, toMs } from "../core/duration.js";

export const RETENTION_INTERVAL_MS = 60_000;
export const RETENTION_BATCH = 1000;
export const RETENTION_ROUNDS_MAX = 10;
export const RETENTION_DEFAULTS = { completed: "1d", failed: "7d", cancelled: "7d" } as const;

export interface RetentionOptions {
  /** Remove completed jobs this long after they finished. Default "1d". `false` keeps them. */
  completed?: Duration | false;
  /** Default "7d". */
  failed?: Duration | false;
  /** Default "7d". */
  cancelled?: Duration | false;
}

export class RetentionPruner {
  constructor(
    private readonly backend: Backend,
    private readonly clock: Clock,
    private readonly options: RetentionOptions,
  ) {}

  /** The prune parameters as of `now` (exposed for tests and `spool` maintenance). */
  params(now = this.clock.now()): RetentionPruneParams {
    const r = this.options;
    const before = (d: Duration | false | undefined, fallback: Duration) =>
      d === false ? undefined : now - toMs(d ?? fallback, "retention");
    return {
      completedBefore: before(r.completed, RETENTION_DEFAULTS.completed),
      failedBefore: before(r.failed, RETENTION_DEFAULTS.failed),
      cancelledBefore: before(r.cancelled, RETENTION_DEFAULTS.cancelled),
      limit: RETENTION_BATCH,
    };
  }

  /** One pass; returns how many jobs it removed. */
  async runOnce(): Promise<{ removed: number }> {
    const params = this.params();
    let total = 0;
    for (let i = 0; i < RETENTION_ROUNDS_MAX; i++) {
      const { removed } = await this.backend.retentionPrune(params);
      total += removed;
      if (removed < params.limit) break;
    }
    return { removed: total };
  }
}
