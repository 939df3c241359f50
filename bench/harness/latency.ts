/**
 * C. Latency loop: one job at a time; the payload carries the wall time taken just before the
 * enqueue call; the handler reports latency on entry; the next job goes after the report plus a
 * random 5–25 ms gap (anchors.md).
 */
import type { Payload } from "../systems/types.js";
import { randomInt, sleep, wallMs } from "./timing.js";

export interface LatencyOptions {
  warmup: number;
  samples: number;
  /** Per-job timeout. */
  timeoutMs?: number;
}

export async function latencyLoop(
  enqueueOne: (p: Payload) => Promise<void>,
  /** Resolves with the handler's reported latency for job `i`. */
  nextReport: (i: number, timeoutMs: number) => Promise<number>,
  opts: LatencyOptions,
): Promise<number[]> {
  const out: number[] = [];
  const timeoutMs = opts.timeoutMs ?? 10_000;
  for (let i = 0; i < opts.warmup + opts.samples; i++) {
    const report = nextReport(i, timeoutMs);
    // If the enqueue throws, nobody awaits `report`: its later timeout must not crash the run
    // (it once ended a whole `npm run bench` during the next system's section).
    report.catch(() => {});
    const t = wallMs();
    await enqueueOne({ i, t });
    const latency = await report;
    if (i >= opts.warmup) out.push(latency);
    await sleep(randomInt(5, 25));
  }
  return out;
}

/** Per-job waiters fed by handler reports (IPC messages or in-process calls). */
export class ReportWaiter {
  private waiting = new Map<number, { resolve: (ms: number) => void; timer: NodeJS.Timeout }>();
  private early = new Map<number, number>();

  next(i: number, timeoutMs: number): Promise<number> {
    const got = this.early.get(i);
    if (got !== undefined) {
      this.early.delete(i);
      return Promise.resolve(got);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(i);
        reject(new Error(`latency job ${i} was not handled within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(i, { resolve, timer });
    });
  }

  report(i: number, latencyMs: number): void {
    const w = this.waiting.get(i);
    if (!w) {
      this.early.set(i, latencyMs);
      return;
    }
    clearTimeout(w.timer);
    this.waiting.delete(i);
    w.resolve(latencyMs);
  }
}
