/**
 * One clock per store. Processes sharing a store each have their own wall clock, and a wall
 * clock can be minutes off or jump (an NTP step). Leases and due times judged on each
 * process's wall clock let a process that runs ahead take live workers' jobs and run delayed
 * jobs early, and one that runs behind stall due jobs and drop out of the worker list.
 *
 * So a backend shared by several processes judges time on a clock of the store: the local
 * monotonic clock (it never steps, and on Linux it is one clock for every process of the
 * host) plus an offset that every process takes from the store itself: kept in the SQLite
 * file, or measured against the Redis server's `TIME`. Times a caller passes in (a job's
 * `runAt`, a retry's `retryAt`, retention thresholds) are read in the caller's frame and
 * shifted by its skew (store time minus its wall clock); times handed back for the caller to
 * wait on (`leaseExpiresAt`, `nextRunAt`) are shifted back. Stored records (createdAt …) are
 * in store time.
 *
 * Only a caller's *wall* clock is translated (`Clock.wall`); a test's FakeClock is trusted as
 * the store's time, so the conformance suite still moves time by hand.
 */
import type { Clock } from "../core/clock.js";

/** Milliseconds of the monotonic clock (CLOCK_MONOTONIC on Linux: since boot, shared by every process). */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint() / 1_000n) / 1000;
}

/** A store instant and the caller's skew against it (store minus caller; 0 for a trusted clock). */
export interface StoreTime {
  now: number;
  skew: number;
}

/** Jobs with their runAt moved from the caller's frame to the store's (skew = store - caller). */
export function shiftRunAt<T extends { runAt: number }>(jobs: readonly T[], skew: number): readonly T[] {
  return skew === 0 ? jobs : jobs.map((job) => ({ ...job, runAt: job.runAt + skew }));
}

export class StoreClock {
  /** Store time minus monotonic time; null until known (then the caller's clock is used). */
  private offset: number | null = null;

  constructor(private readonly caller: Clock) {}

  /** Whether the caller's clock is translated (a wall clock) or trusted (a test clock). */
  get active(): boolean {
    return this.caller.wall === true;
  }

  /** The offset that makes store time equal the caller's clock now (for the first process to set it). */
  callerOffset(): number {
    return this.caller.now() - monotonicMs();
  }

  setOffset(offset: number): void {
    this.offset = offset;
  }

  /** The store's time now, and the caller's skew against it. */
  time(): StoreTime {
    const callerNow = this.caller.now();
    if (this.offset === null || !this.active) return { now: callerNow, skew: 0 };
    const now = Math.floor(monotonicMs() + this.offset);
    return { now, skew: now - callerNow };
  }
}
