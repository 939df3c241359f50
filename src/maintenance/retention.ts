/**
 * The retention pruner: removes finished jobs once they are old enough, or beyond the newest
 * N of their state (`keep`), and cancels jobs that never started long after they were due
 * (`expireUnstarted`). Bounded batches keep each write transaction short; a pass stops after
 * `RETENTION_ROUNDS_MAX` full batches and the next pass goes on.
 *
 * One pass in a store at a time is enough: workers run it only while elected (see
 * election.ts); `runOnce()` runs a pass regardless (tests, `spool` maintenance).
 */
import type { Backend, RetentionPruneParams } from "../backend/backend.js";
import type { Clock } from "../core/clock.js";
import { type Duration, toMs } from "../core/duration.js";
import { InvalidArgumentError } from "../core/errors/index.js";
import { checkOptionKeys } from "../core/option-keys.js";

export const RETENTION_INTERVAL_MS = 60_000;
export const RETENTION_BATCH = 1000;
export const RETENTION_ROUNDS_MAX = 10;
export const RETENTION_DEFAULTS = { completed: "1d", failed: "7d", cancelled: "7d" } as const;
/** Unstarted jobs looked at per pass for `expireUnstarted` (oldest first). */
export const EXPIRY_SCAN_MAX = 5000;
export const EXPIRED_REASON = "expired: not started in time (retention.expireUnstarted)";

export interface RetentionOptions {
  /** Remove completed jobs this long after they finished. Default "1d". `false` keeps them. */
  completed?: Duration | false;
  /** Default "7d". */
  failed?: Duration | false;
  /** Default "7d". */
  cancelled?: Duration | false;
  /**
   * Keep at most this many jobs of a state, newest first, whatever their age ("keep the last
   * 1,000 failed"). Applies on top of the durations: a job goes when either rule says so.
   */
  keep?: { completed?: number; failed?: number };
  /**
   * Cancel (reason "expired") a `queued` or `scheduled` job that has not started this long
   * after it was due (its `runAt`, or its enqueue if later): for work that is worthless late.
   * Dependents are cancelled with it, as with any cancel. Default `false`: jobs wait forever.
   */
  expireUnstarted?: Duration | false;
}

const OPTION_KEYS = new Set(["completed", "failed", "cancelled", "keep", "expireUnstarted"]);
const KEEP_KEYS = new Set(["completed", "failed"]);

export interface RetentionCounts {
  /** Finished jobs removed. */
  removed: number;
  /** Unstarted jobs cancelled as expired. */
  expired: number;
}

/**
 * Validates retention options (unknown keys, durations, counts) so a typo fails when the
 * worker is created, not in its first pass. Returns the expiry in ms (null: off).
 */
export function checkRetention(options: RetentionOptions): number | null {
  checkOptionKeys(options, OPTION_KEYS, "retention");
  checkOptionKeys(options.keep, KEEP_KEYS, "retention.keep");
  for (const [state, n] of Object.entries(options.keep ?? {})) {
    if (n !== undefined && (!Number.isInteger(n) || n < 0))
      throw new InvalidArgumentError(`retention.keep.${state} must be an integer >= 0, got ${n}`, "keep");
  }
  for (const state of ["completed", "failed", "cancelled"] as const) {
    const d = options[state];
    if (d !== undefined && d !== false) toMs(d, `retention.${state}`);
  }
  const expire = options.expireUnstarted;
  return expire === undefined || expire === false ? null : toMs(expire, "expireUnstarted");
}

export class RetentionPruner {
  private readonly expireMs: number | null;

  constructor(
    private readonly backend: Backend,
    private readonly clock: Clock,
    private readonly options: RetentionOptions,
  ) {
    this.expireMs = checkRetention(options);
  }

  /** The prune parameters as of `now`. */
  params(now = this.clock.now()): RetentionPruneParams {
    const r = this.options;
    const before = (d: Duration | false | undefined, fallback: Duration) =>
      d === false ? undefined : now - toMs(d ?? fallback, "retention");
    return {
      completedBefore: before(r.completed, RETENTION_DEFAULTS.completed),
      failedBefore: before(r.failed, RETENTION_DEFAULTS.failed),
      cancelledBefore: before(r.cancelled, RETENTION_DEFAULTS.cancelled),
      ...(r.keep?.completed !== undefined ? { completedKeep: r.keep.completed } : {}),
      ...(r.keep?.failed !== undefined ? { failedKeep: r.keep.failed } : {}),
      limit: RETENTION_BATCH,
    };
  }

  /** One pass; returns how many jobs it removed and expired. */
  async runOnce(): Promise<RetentionCounts> {
    const expired = this.expireMs === null ? 0 : await this.expire(this.expireMs);
    const params = this.params();
    let removed = 0;
    for (let i = 0; i < RETENTION_ROUNDS_MAX; i++) {
      const out = await this.backend.retentionPrune(params);
      removed += out.removed;
      if (out.removed < params.limit) break;
    }
    return { removed, expired };
  }

  /** Cancels unstarted jobs due before `now - expireMs`, oldest enqueued first. */
  private async expire(expireMs: number): Promise<number> {
    const cutoff = this.clock.now() - expireMs;
    let expired = 0;
    let scanned = 0;
    let cursor: string | undefined;
    while (scanned < EXPIRY_SCAN_MAX) {
      const page = await this.backend.jobList({
        state: ["queued", "scheduled"],
        createdBefore: cutoff,
        order: "asc",
        limit: RETENTION_BATCH,
        ...(cursor ? { cursor } : {}),
      });
      scanned += page.jobs.length;
      const ids = page.jobs.filter((j) => Math.max(j.runAt, j.createdAt) < cutoff).map((j) => j.id);
      if (ids.length > 0)
        expired += (await this.backend.jobCancel({ ids, reason: EXPIRED_REASON })).cancelled.length;
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    return expired;
  }
}
