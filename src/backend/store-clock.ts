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

/**
 * Clocks this close to the store's are used as they are (NTP keeps hosts within a few ms; the
 * faults this guards against are seconds to minutes).
 */
export const SKEW_TOLERANCE_MS = 50;

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
    const { wall, mono } = this.readPair();
    return wall - mono;
  }

  /**
   * The caller's clock and the monotonic clock read at one instant. A process descheduled
   * between two plain reads (a busy host) would see them tens of ms apart, and an offset kept
   * in the store from such a pair would put every process's store time that far off; so the
   * caller's clock is read between two monotonic reads, taken again if those are far apart.
   */
  private readPair(): { wall: number; mono: number } {
    let best = { wall: 0, mono: 0, gap: Number.POSITIVE_INFINITY };
    for (let i = 0; i < 5 && best.gap > 1; i++) {
      const m1 = monotonicMs();
      const wall = this.caller.now();
      const m2 = monotonicMs();
      if (m2 - m1 < best.gap) best = { wall, mono: (m1 + m2) / 2, gap: m2 - m1 };
    }
    return best;
  }

  setOffset(offset: number): void {
    this.offset = offset;
  }

  /**
   * The store's time now, and the caller's skew against it. A caller within SKEW_TOLERANCE_MS
   * of the store keeps its own clock (skew 0): its times are exact in its own frame, and the
   * clocks of processes that agree this well judge leases and due times alike anyway.
   */
  time(): StoreTime {
    if (this.offset === null || !this.active) return { now: this.caller.now(), skew: 0 };
    const { wall: callerNow, mono } = this.readPair();
    const now = Math.round(mono + this.offset);
    const skew = now - callerNow;
    return Math.abs(skew) <= SKEW_TOLERANCE_MS ? { now: callerNow, skew: 0 } : { now, skew };
  }
}
