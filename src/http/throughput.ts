/**
 * Per-queue throughput over the last minutes, counted in-process from the change feed:
 * one-minute buckets of `job:completed` and `job:failed` events (retries are not
 * completions). Cheap (a counter increment per event) and exact for what this server saw,
 * but it starts empty when the server starts and each server process counts on its own.
 */
import type { BackendEvent } from "../backend/backend.js";
import type { Clock } from "../core/clock.js";

export const THROUGHPUT_WINDOW_MINUTES = 15;
const MINUTE = 60_000;

interface Buckets {
  /** Minute index (epoch minutes) of slot 0 … rolled as time passes. */
  completed: number[];
  failed: number[];
  minutes: number[];
}

export interface QueueThroughput {
  windowMinutes: number;
  /** Oldest first; the last entry is the current (partial) minute. */
  completedPerMinute: number[];
  failedPerMinute: number[];
}

export class Throughput {
  private readonly queues = new Map<string, Buckets>();
  readonly since: number;

  constructor(private readonly clock: Clock) {
    this.since = clock.now();
  }

  record(events: readonly BackendEvent[]): void {
    for (const e of events) {
      if (e.type !== "job:completed" && e.type !== "job:failed") continue;
      let b = this.queues.get(e.queue);
      if (!b) {
        const n = THROUGHPUT_WINDOW_MINUTES;
        b = { completed: new Array(n).fill(0), failed: new Array(n).fill(0), minutes: new Array(n).fill(-1) };
        this.queues.set(e.queue, b);
      }
      const minute = Math.floor(this.clock.now() / MINUTE);
      const slot = minute % THROUGHPUT_WINDOW_MINUTES;
      if (b.minutes[slot] !== minute) {
        b.minutes[slot] = minute;
        b.completed[slot] = 0;
        b.failed[slot] = 0;
      }
      if (e.type === "job:completed") b.completed[slot]!++;
      else b.failed[slot]!++;
    }
  }

  of(queue: string): QueueThroughput {
    const n = THROUGHPUT_WINDOW_MINUTES;
    const out: QueueThroughput = {
      windowMinutes: n,
      completedPerMinute: new Array(n).fill(0),
      failedPerMinute: new Array(n).fill(0),
    };
    const b = this.queues.get(queue);
    if (!b) return out;
    const now = Math.floor(this.clock.now() / MINUTE);
    for (let i = 0; i < n; i++) {
      const minute = now - (n - 1) + i;
      const slot = minute % n;
      if (b.minutes[slot] === minute) {
        out.completedPerMinute[i] = b.completed[slot]!;
        out.failedPerMinute[i] = b.failed[slot]!;
      }
    }
    return out;
  }
}
