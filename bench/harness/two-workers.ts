/**
 * B with two (or four: `workers`) worker processes sharing one queue (anchors.md measured BullMQ so: "With 2 BullMQ
 * worker processes …").
 *
 * Wipe; enqueue N jobs exactly as the one-worker run does; fork two worker processes
 * (concurrency 50 each); once both are loaded, tell both to start. Each timestamps its own
 * start-API call; the clock starts at the earlier of the two. The end is when the two workers'
 * handler counts sum to N **and** the backend reports 0 unfinished jobs: the orchestrator asks
 * both workers for their counts (IPC) about every 2 ms, and once they sum to N polls the backend's
 * unfinished count about every 2 ms until it is 0 — through the system's worker side built in
 * this process and never started (its `unfinished()` only: BullMQ getJobCounts, bee-queue
 * checkHealth, spool queues.list, count(*) for graphile-worker). process jobs/s = N / (end −
 * earlier start). Peak RSS is the larger of the two workers' VmHWM.
 *
 * anchors.md's orchestrator polled getJobCounts every 2 ms for the whole run. That costs BullMQ
 * about 10 µs of Redis time per poll, but spool's queues.list about 0.8 ms (a Lua script that also
 * read up to 1000 job hashes for oldestQueuedAt then; 100 now): about a quarter of Redis's one thread, for the
 * two-worker run only. So the backend is polled only once the handler counts reach N, as in the
 * one-worker run (whose worker starts its tail polling at handler N).
 */
import type { BenchContext, BenchSystem, SystemInfo } from "../systems/types.js";
import { WorkerProcess } from "./child.js";
import type { FromWorker } from "./protocol.js";
import { readMemory } from "./rss.js";
import { enqueueAll, type RunOptions, type ThroughputRun } from "./runs.js";
import { sleep, wallMs } from "./timing.js";

export const WORKERS = 2;
/** Poll period of the handler counts, then of the backend (anchors.md: every 2 ms). */
export const POLL_MS = 2;
/** Handler counts stuck this long: check whether the backend has lost the missing jobs. */
const STALL_MS = 10_000;

type Count = Extract<FromWorker, { ev: "count" }>;

export interface TwoWorkerRun extends ThroughputRun {
  /** Worker processes in this run (2, or 4 for the four-process runs). */
  workers: number;
  /** The least busy process's jobs ÷ its fair share (N ÷ workers): 1 = evenly shared. */
  minFairShare: number;
  /** Later start-API call minus the earlier one, ms (both were told to start at once). */
  startSkewMs: number;
  /** Backend polls (unfinished count) from handler N to the end. */
  polls: number;
  /** Per worker process: handler runs in total (after stop), start-call ms, peak RSS MiB. */
  perWorker: { handled: number; startCallMs: number; peakRssMiB: number }[];
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** Asks every worker process for its handler count. */
function counts(wps: WorkerProcess[]): Promise<Count[]> {
  return Promise.all(
    wps.map((w) => {
      const reply = w.waitFor("count", 10_000);
      w.send({ cmd: "count" });
      return reply;
    }),
  );
}

export async function twoWorkerThroughputRun(
  sys: BenchSystem,
  info: SystemInfo,
  ctx: BenchContext,
  n: number,
  opts: RunOptions,
  workers: number = WORKERS,
): Promise<TwoWorkerRun> {
  if (info.inProcess) throw new Error(`${info.id} runs in-process: no two-worker mode`);
  await sys.wipe(ctx);
  const enqueueS = await enqueueAll(sys, ctx, n);
  const monitor = await sys.worker(ctx, () => {
    throw new Error("the orchestrator's monitor is never started");
  });
  const wps: WorkerProcess[] = [];
  try {
    for (let k = 0; k < workers; k++)
      wps.push(
        new WorkerProcess(
          opts.runtime,
          { system: info.id, ctx, mode: "pair-throughput", n },
          opts.workerExecArgv,
        ),
      );
    await Promise.all(wps.map((w) => w.waitFor("loaded", 60_000)));
    const started = Promise.all(wps.map((w) => w.waitFor("started", 60_000)));
    started.catch(() => {}); // awaited below; a failure also shows through `failed`
    for (const w of wps) w.send({ cmd: "go" });

    const deadline = wallMs() + Math.max(180_000, n * 10);
    const alive = () => {
      for (const w of wps) if (w.failed) throw w.failed;
    };
    let polls = 0;
    let atEnd: Count[] = [];
    // 1. The workers' handler counts (IPC, no backend load) until they sum to N.
    let last = { handled: -1, t: wallMs() };
    for (;;) {
      alive();
      atEnd = await counts(wps);
      const handled = sum(atEnd.map((c) => c.handled));
      if (handled >= n) break;
      const t = wallMs();
      if (handled !== last.handled) last = { handled, t };
      else if (t - last.t > STALL_MS) {
        // No progress: if the backend has nothing left either, jobs were lost; say so now.
        const unfinished = await monitor.unfinished();
        if (unfinished === 0)
          throw new Error(`backend reports 0 unfinished jobs but only ${handled}/${n} handlers ran`);
        last.t = t;
      }
      if (t > deadline) throw new Error(`only ${handled}/${n} handlers ran within the deadline`);
      await sleep(POLL_MS);
    }
    // 2. The backend's unfinished count until it is 0 (the outcome write-back).
    const tHandlers = wallMs();
    let tEnd = 0;
    for (;;) {
      alive();
      const unfinished = await monitor.unfinished();
      const t = wallMs();
      polls++;
      if (unfinished === 0) {
        tEnd = t;
        break;
      }
      if (t - tHandlers > 60_000) throw new Error("backend still reports unfinished jobs after 60 s");
      await sleep(POLL_MS);
    }
    atEnd = await counts(wps);
    const starts = await started;
    const t0 = Math.min(...starts.map((s) => s.t0));
    const firsts = atEnd.map((c) => c.tFirst).filter((t) => t > 0);
    const mem = wps.map((w) => readMemory(w.pid).hwmMiB);
    const stopped = await Promise.all(wps.map((w) => w.stop()));

    const problems: string[] = [];
    const handledAtEnd = sum(atEnd.map((c) => c.handled));
    if (handledAtEnd !== n)
      problems.push(
        `${handledAtEnd}/${n} handlers ran at the end mark (${atEnd.map((c) => c.handled).join(" + ")})`,
      );
    let handled = handledAtEnd;
    let unfinishedAfter: number | null = null;
    if (stopped.some((s) => s === null))
      problems.push("a worker process had exited before the stop command: final counts unknown");
    else {
      handled = sum(stopped.map((s) => s!.handled));
      if (handled !== n) problems.push(`${handled} handler runs in total for ${n} jobs`);
      // Both report the whole backend's count.
      unfinishedAfter = Math.max(...stopped.map((s) => s!.unfinished ?? 0));
      if (unfinishedAfter) problems.push(`${unfinishedAfter} jobs left unfinished`);
    }
    const processS = (tEnd - t0) / 1000;
    const perHandled = wps.map((_, k) => stopped[k]?.handled ?? atEnd[k]!.handled);
    return {
      n,
      workers,
      minFairShare: Math.min(...perHandled) / (n / workers),
      enqueuePerS: n / enqueueS,
      processPerS: n / processS,
      processS,
      spawnToDoneS: (tEnd - Math.min(...wps.map((w) => w.tSpawn))) / 1000,
      startToFirstMs: Math.min(...firsts) - t0,
      startCallMs: Math.max(...starts.map((s) => s.tStarted)) - t0,
      tailMs: tEnd - Math.max(...atEnd.map((c) => c.tLast)),
      handled,
      unfinishedAfter,
      peakRssMiB: Math.max(...mem),
      startSkewMs: Math.max(...starts.map((s) => s.t0)) - t0,
      polls,
      perWorker: wps.map((_, k) => ({
        handled: perHandled[k]!,
        startCallMs: starts[k]!.tStarted - starts[k]!.t0,
        peakRssMiB: mem[k]!,
      })),
      ok: problems.length === 0,
      problems,
    };
  } finally {
    for (const w of wps) w.kill();
    await monitor.stop().catch(() => {});
    await sys.wipe(ctx).catch(() => {});
  }
}
