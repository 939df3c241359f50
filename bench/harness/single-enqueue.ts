/**
 * B1. Concurrent single enqueue: the web-app case, one enqueue per request. `n` single-job
 * enqueue calls (BullMQ `queue.add`, bee-queue `createJob().save()`, spool `task.enqueue`) from
 * this (the producer's) process, `inflight` of them outstanding at any time (as concurrent
 * requests issue them): a new call starts as soon as one resolves. jobs/s = n / (first call →
 * last call resolved). The run then checks, through the system's worker side (never started),
 * that the backend holds exactly `n` unfinished jobs.
 */
import type { BenchContext, BenchSystem } from "../systems/types.js";

export interface SingleEnqueueRun {
  n: number;
  inflight: number;
  perS: number;
  seconds: number;
  ok: boolean;
  problems: string[];
}

export async function singleEnqueueRun(
  sys: BenchSystem,
  ctx: BenchContext,
  n: number,
  inflight: number,
): Promise<SingleEnqueueRun> {
  await sys.wipe(ctx);
  const producer = await sys.producer(ctx);
  const problems: string[] = [];
  let seconds = 0;
  try {
    let next = 0;
    let failed = 0;
    let firstError = "";
    const lane = async (): Promise<void> => {
      while (next < n) {
        const i = next++;
        try {
          await producer.enqueueOne({ i });
        } catch (err) {
          if (failed++ === 0) firstError = (err as Error).message;
        }
      }
    };
    const t = performance.now();
    await Promise.all(Array.from({ length: Math.min(inflight, n) }, lane));
    seconds = (performance.now() - t) / 1000;
    if (failed) problems.push(`${failed}/${n} enqueue calls failed (first: ${firstError})`);
  } finally {
    await producer.close();
  }
  const monitor = await sys.worker(ctx, () => {
    throw new Error("the single-enqueue monitor is never started");
  });
  try {
    const unfinished = await monitor.unfinished();
    if (unfinished !== n) problems.push(`backend holds ${unfinished} unfinished jobs after ${n} enqueues`);
  } finally {
    await monitor.stop().catch(() => {});
    await sys.wipe(ctx).catch(() => {});
  }
  return { n, inflight, perS: n / seconds, seconds, ok: problems.length === 0, problems };
}
