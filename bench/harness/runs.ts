/**
 * One throughput run (B, plus D's peak RSS) and one latency run (C, plus D's idle RSS), the
 * same for every system (anchors.md "Method").
 */
import type { BenchContext, BenchSystem, Payload, SystemInfo } from "../systems/types.js";
import type { WorkerRuntime } from "./build.js";
import { WorkerProcess } from "./child.js";
import { latencyLoop, ReportWaiter } from "./latency.js";
import { readMemory } from "./rss.js";
import { percentile } from "./stats.js";
import { sleep } from "./timing.js";

export const CHUNK = 1000;

export interface ThroughputRun {
  n: number;
  enqueuePerS: number;
  processPerS: number;
  processS: number;
  /** Fork → done, so it includes process start-up (in-process: excludes the enqueue phase). */
  spawnToDoneS: number;
  /** Start-API call → first handler entry. */
  startToFirstMs: number;
  /** Start-API call → it resolved. */
  startCallMs: number;
  /** Handler count reached N → backend reported 0 unfinished. */
  tailMs: number;
  handled: number;
  unfinishedAfter: number | null;
  peakRssMiB: number;
  ok: boolean;
  problems: string[];
}

export interface LatencyRun {
  samples: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
  idleRssMiB: number;
  ok: boolean;
  problems: string[];
}

export interface RunOptions {
  runtime: WorkerRuntime;
  /** Extra node flags for the worker process (e.g. --cpu-prof). */
  workerExecArgv?: string[];
}

/**
 * B's enqueue phase: `n` no-op jobs with the system's bulk API in awaited chunks of 1000 from
 * this (the producer's) process. Returns the seconds it took, producer set-up excluded.
 */
export async function enqueueAll(sys: BenchSystem, ctx: BenchContext, n: number): Promise<number> {
  const producer = await sys.producer(ctx);
  try {
    const t = performance.now();
    for (let i = 0; i < n; i += CHUNK) {
      const chunk: Payload[] = [];
      for (let j = i; j < Math.min(n, i + CHUNK); j++) chunk.push({ i: j });
      await producer.enqueueBulk(chunk);
    }
    return (performance.now() - t) / 1000;
  } finally {
    await producer.close();
  }
}

export async function throughputRun(
  sys: BenchSystem,
  info: SystemInfo,
  ctx: BenchContext,
  n: number,
  opts: RunOptions,
): Promise<ThroughputRun> {
  await sys.wipe(ctx);
  let enqueueS: number;
  let wp: WorkerProcess;
  if (info.inProcess) {
    wp = new WorkerProcess(
      opts.runtime,
      { system: info.id, ctx, mode: "inproc-throughput", n },
      opts.workerExecArgv,
    );
    enqueueS = Number.NaN; // reported by the process
  } else {
    enqueueS = await enqueueAll(sys, ctx, n);
    wp = new WorkerProcess(
      opts.runtime,
      { system: info.id, ctx, mode: "throughput", n },
      opts.workerExecArgv,
    );
  }
  try {
    const rep = await wp.waitFor("throughput", Math.max(180_000, n * 10));
    if (rep.enqueueS !== undefined) enqueueS = rep.enqueueS;
    const mem = readMemory(wp.pid);
    const stopped = await wp.stop();
    const problems: string[] = [];
    if (rep.handled !== n) problems.push(`${rep.handled}/${n} handlers ran at the end mark`);
    if (stopped && stopped.handled !== n)
      problems.push(`${stopped.handled} handler runs in total for ${n} jobs`);
    if (stopped?.unfinished) problems.push(`${stopped.unfinished} jobs left unfinished`);
    const processS = (rep.tEnd - rep.t0) / 1000;
    return {
      n,
      enqueuePerS: n / enqueueS,
      processPerS: n / processS,
      processS,
      spawnToDoneS: (rep.tEnd - wp.tSpawn) / 1000 - (info.inProcess ? enqueueS : 0),
      startToFirstMs: rep.tFirst - rep.t0,
      startCallMs: rep.tStarted - rep.t0,
      tailMs: rep.tEnd - rep.tHandlers,
      handled: stopped?.handled ?? rep.handled,
      unfinishedAfter: stopped?.unfinished ?? null,
      peakRssMiB: mem.hwmMiB,
      ok: problems.length === 0,
      problems,
    };
  } finally {
    wp.kill();
    await sys.wipe(ctx).catch(() => {});
  }
}

export async function latencyRun(
  sys: BenchSystem,
  info: SystemInfo,
  ctx: BenchContext,
  warmup: number,
  samples: number,
  opts: RunOptions,
): Promise<LatencyRun> {
  await sys.wipe(ctx);
  let wp: WorkerProcess | null = null;
  try {
    let latencies: number[];
    let idleRssMiB: number;
    if (info.inProcess) {
      wp = new WorkerProcess(
        opts.runtime,
        { system: info.id, ctx, mode: "inproc-latency", n: 0, warmup, samples },
        opts.workerExecArgv,
      );
      await wp.waitFor("ready", 60_000);
      await sleep(1000);
      idleRssMiB = readMemory(wp.pid).rssMiB;
      wp.send({ cmd: "go" });
      latencies = (await wp.waitFor("latency", (warmup + samples) * 10_000)).latenciesMs;
    } else {
      const producer = await sys.producer(ctx);
      try {
        wp = new WorkerProcess(
          opts.runtime,
          { system: info.id, ctx, mode: "idle", n: 0 },
          opts.workerExecArgv,
        );
        await wp.waitFor("ready", 60_000);
        await sleep(1000);
        idleRssMiB = readMemory(wp.pid).rssMiB;
        const waiter = new ReportWaiter();
        wp.onJob = (i, ms) => waiter.report(i, ms);
        latencies = await latencyLoop(
          (p) => producer.enqueueOne(p),
          (i, timeoutMs) => waiter.next(i, timeoutMs),
          { warmup, samples },
        );
      } finally {
        await producer.close();
      }
    }
    const stopped = await wp.stop();
    const problems: string[] = [];
    if (stopped && stopped.handled !== warmup + samples)
      problems.push(`${stopped.handled} handler runs for ${warmup + samples} jobs`);
    if (latencies.length !== samples) problems.push(`${latencies.length}/${samples} samples`);
    return {
      samples: latencies.length,
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      p99: percentile(latencies, 99),
      max: Math.max(...latencies),
      mean: latencies.reduce((a, b) => a + b, 0) / latencies.length,
      idleRssMiB,
      ok: problems.length === 0,
      problems,
    };
  } finally {
    wp?.kill();
    await sys.wipe(ctx).catch(() => {});
  }
}
