/**
 * The one source of time. Schedules, delays, leases and retention read `now()` from an
 * injected clock so tests can move time with `FakeClock` instead of sleeping.
 * `sleep` resolves early when its signal aborts.
 */
export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /**
   * True for a clock that reads this process's wall clock (`systemClock`). A wall clock can
   * be set wrong or stepped (NTP), differently in each process, so backends shared by several
   * processes do not judge leases and due times on it: they use one clock per store and
   * translate the caller's times (see docs/backends.md, "Clocks"). A clock without this flag
   * (a test's `FakeClock`) is trusted as the store's time.
   */
  readonly wall?: boolean;
}

export const systemClock: Clock = {
  wall: true,
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const timer = setTimeout(done, Math.max(0, ms));
      function done() {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        resolve();
      }
      signal?.addEventListener("abort", done, { once: true });
    }),
};

/** A clock that only moves when told to. Pending sleeps resolve as `advance` passes them. */
export class FakeClock implements Clock {
  private current: number;
  private sleepers: { until: number; resolve: () => void }[] = [];

  constructor(start: number | Date = Date.UTC(2026, 0, 1)) {
    this.current = typeof start === "number" ? start : start.getTime();
  }

  now(): number {
    return this.current;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const sleeper = { until: this.current + Math.max(0, ms), resolve };
      this.sleepers.push(sleeper);
      signal?.addEventListener(
        "abort",
        () => {
          this.sleepers = this.sleepers.filter((s) => s !== sleeper);
          resolve();
        },
        { once: true },
      );
    });
  }

  /** Moves time forward and wakes every sleeper that is due. */
  advance(ms: number): void {
    this.set(this.current + ms);
  }

  set(to: number | Date): void {
    this.current = typeof to === "number" ? to : to.getTime();
    const due = this.sleepers.filter((s) => s.until <= this.current);
    this.sleepers = this.sleepers.filter((s) => s.until > this.current);
    for (const s of due) s.resolve();
  }
}
