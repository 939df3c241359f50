/**
 * The growth section's runs (bench/growth.ts): a spool store holding many retained jobs, the
 * calls a dashboard makes against it, and the processing rate beside it.
 *
 * - seed: `size` finished jobs over 4 tasks and 4 queues (95% completed, 5% failed), written
 *   through the public API for enqueue and the backend's claim/complete/fail for the rest (no
 *   handlers to run: this only builds the store).
 * - reads: each call `calls` times in a row, latency per call (p50/p95/max).
 * - process: `n` fresh no-op jobs enqueued in bulk, then one worker process (as B does), with or
 *   without a reader polling the list and counts every second from this process.
 */
import { createBackend, createSpool, type Spool } from "../../src/index.js";
import type { BenchContext, Payload } from "../systems/types.js";
import type { WorkerRuntime } from "./build.js";
import { WorkerProcess } from "./child.js";
import { CHUNK } from "./runs.js";
import { percentile } from "./stats.js";
import { sleep, wallMs } from "./timing.js";

export const SEED_TASKS = ["growth.a", "growth.b", "growth.c", "growth.d"];
export const SEED_QUEUES = ["g0", "g1", "g2", "g3"];
const SEED_CHUNK = 1000;

/** Seeds `size` finished jobs; returns [first createdAt, last createdAt] (ms). */
export async function seed(url: string, size: number, log: (s: string) => void): Promise<[number, number]> {
  const spool = createSpool({ backend: url, logger: { level: "warn" } });
  const tasks = SEED_TASKS.map((name, i) =>
    spool.task({ name, queue: SEED_QUEUES[i]!, run(_input: { i: number }): void {} }),
  );
  const backend = await createBackend(url);
  const t0 = Date.now();
  try {
    let lastLog = wallMs();
    for (let i = 0; i < size; i += SEED_CHUNK) {
      const k = Math.min(SEED_CHUNK, size - i);
      // Round-robin over tasks so every task/queue gets a share of every time range.
      const byTask = tasks.map(() => [] as { input: { i: number } }[]);
      for (let j = i; j < i + k; j++) byTask[j % tasks.length]!.push({ input: { i: j } });
      await Promise.all(tasks.map((task, t) => task.enqueueMany(byTask[t]!)));
      const claimed = await backend.jobClaim({
        queues: SEED_QUEUES,
        limit: k,
        workerId: "growth-seed",
        leaseMs: 600_000,
      });
      const fail = claimed.jobs.filter((_, j) => (i + j) % 20 === 7);
      const done = claimed.jobs.filter((_, j) => (i + j) % 20 !== 7);
      if (done.length)
        await backend.jobComplete({
          jobs: done.map((j) => ({ id: j.id, token: j.leaseToken, result: "null" })),
        });
      if (fail.length)
        await backend.jobFail({
          jobs: fail.map((j) => ({
            id: j.id,
            token: j.leaseToken,
            retryAt: null,
            error: { attempt: 1, name: "Error", message: `seeded failure ${j.id}`, at: Date.now() },
          })),
        });
      if (wallMs() - lastLog > 10_000) {
        log(`   seeded ${i + k}/${size}`);
        lastLog = wallMs();
      }
    }
  } finally {
    await backend.close();
    await spool.close();
  }
  return [t0, Date.now()];
}

export interface CallStats {
  p50: number;
  p95: number;
  max: number;
  /** Rows (jobs or queues) the last call returned: shows the call did real work. */
  rows: number;
}

export type ReadName = "listFailed" | "listTask" | "listQueue" | "listTimeRange" | "page2" | "queueCounts";
export const READS: ReadName[] = [
  "listFailed",
  "listTask",
  "listQueue",
  "listTimeRange",
  "page2",
  "queueCounts",
];

/** One call of each dashboard read; returns rows seen. */
export function readCalls(spool: Spool, range: [number, number]): Record<ReadName, () => Promise<number>> {
  // Whole milliseconds: PostgreSQL refuses a fractional createdAfter (a BackendError, not a typed one).
  const mid = Math.floor((range[0] + range[1]) / 2);
  const span = Math.max(1, Math.ceil((range[1] - range[0]) / 100));
  return {
    listFailed: async () => (await spool.jobs.list({ state: "failed", limit: 50 })).jobs.length,
    listTask: async () => (await spool.jobs.list({ task: SEED_TASKS[1]!, limit: 50 })).jobs.length,
    listQueue: async () => (await spool.jobs.list({ queue: SEED_QUEUES[2]!, limit: 50 })).jobs.length,
    listTimeRange: async () =>
      (await spool.jobs.list({ createdAfter: mid, createdBefore: mid + span, limit: 50 })).jobs.length,
    page2: async () => {
      const first = await spool.jobs.list({ state: "failed", limit: 50 });
      if (!first.nextCursor) return 0;
      return (await spool.jobs.list({ state: "failed", limit: 50, cursor: first.nextCursor })).jobs.length;
    },
    queueCounts: async () => (await spool.queues.list()).length,
  };
}

export async function measureReads(
  url: string,
  range: [number, number],
  calls: number,
): Promise<Record<ReadName, CallStats>> {
  const spool = createSpool({ backend: url, logger: { level: "warn" } });
  try {
    const fns = readCalls(spool, range);
    const out = {} as Record<ReadName, CallStats>;
    for (const name of READS) {
      const times: number[] = [];
      let rows = 0;
      await fns[name](); // warm-up (statement cache, connection)
      for (let k = 0; k < calls; k++) {
        const t = performance.now();
        rows = await fns[name]();
        times.push(performance.now() - t);
      }
      out[name] = { p50: percentile(times, 50), p95: percentile(times, 95), max: Math.max(...times), rows };
    }
    return out;
  } finally {
    await spool.close();
  }
}

export interface GrowthProcessRun {
  n: number;
  processPerS: number;
  ok: boolean;
  problems: string[];
  /** With a reader: its polls (list failed + list by queue + queue counts), ms per poll. */
  readerPolls?: number;
  readerP95Ms?: number;
}

/** Enqueues `n` no-op jobs in bulk, then times one worker process over them (B's method). */
export async function processRun(
  system: string,
  url: string,
  ctx: BenchContext,
  runtime: WorkerRuntime,
  n: number,
  reader: boolean,
): Promise<GrowthProcessRun> {
  const spool = createSpool({ backend: url, logger: { level: "warn" } });
  const noop = spool.task({ name: "bench.noop", run(_input: Payload): void {} });
  for (let i = 0; i < n; i += CHUNK)
    await noop.enqueueMany(
      Array.from({ length: Math.min(CHUNK, n - i) }, (_, j) => ({ input: { i: i + j } })),
    );
  const fns = readCalls(spool, [0, 0]);
  // One untimed poll before the worker starts: the reader's first call opens its connection,
  // prepares its statements and reads the store's index pages cold, once per dashboard, not
  // once a second; inside a run of about a second it would be most of what is measured.
  if (reader) {
    await fns.listFailed();
    await fns.listQueue();
    await fns.queueCounts();
  }
  const wp = new WorkerProcess(runtime, { system, ctx, mode: "throughput", n });
  let polling = reader;
  const pollMs: number[] = [];
  const readerLoop = (async () => {
    while (polling) {
      const t = performance.now();
      await fns.listFailed();
      await fns.listQueue();
      await fns.queueCounts();
      pollMs.push(performance.now() - t);
      const wait = 1000 - (performance.now() - t);
      if (wait > 0) await sleep(wait);
    }
  })();
  try {
    const rep = await wp.waitFor("throughput", Math.max(300_000, n * 20));
    polling = false;
    await readerLoop;
    const stopped = await wp.stop();
    const problems: string[] = [];
    if (rep.handled !== n) problems.push(`${rep.handled}/${n} handlers ran at the end mark`);
    if (stopped && stopped.handled !== n) problems.push(`${stopped.handled} handler runs for ${n} jobs`);
    if (stopped?.unfinished) problems.push(`${stopped.unfinished} jobs left unfinished`);
    const run: GrowthProcessRun = {
      n,
      processPerS: n / ((rep.tEnd - rep.t0) / 1000),
      ok: problems.length === 0,
      problems,
    };
    if (reader) {
      run.readerPolls = pollMs.length;
      run.readerP95Ms = percentile(pollMs, 95);
    }
    return run;
  } finally {
    polling = false;
    wp.kill();
    await spool.close();
  }
}
