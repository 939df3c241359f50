/**
 * The worker process of every bench run (forked by the orchestrator; speaks Node IPC).
 * argv[2] is a JSON `WorkerArgs`. See harness/protocol.ts for the messages.
 *
 * - throughput: timestamp, call the system's start API, count handler entries until `n`, then
 *   poll the backend's unfinished count about every 1 ms until it is 0, report, wait for "stop".
 * - idle: start, report "ready", report each handler entry's latency (wall now − payload.t).
 * - pair-throughput: one of two workers sharing the jobs (harness/two-workers.ts): wait for "go",
 *   timestamp, start, report "started"; count handler entries and answer "count" with the count;
 *   the orchestrator decides when the run is over.
 * - inproc-*: this process is also the producer (spool/memory: the store lives in-process).
 * - any mode: "mem" is answered with the V8 heap's figures (bench/rss-idle.ts).
 */
import { latencyLoop, ReportWaiter } from "./harness/latency.js";
import { memReport } from "./harness/mem-report.js";
import type { FromWorker, ThroughputReport, ToWorker, WorkerArgs } from "./harness/protocol.js";
import { sleep, wallMs } from "./harness/timing.js";
import { isSystemId, loadSystem } from "./systems/index.js";
import type { Payload, WorkerSide } from "./systems/types.js";

const CHUNK = 1000;

function send(m: FromWorker): void {
  process.send?.(m);
}

let commandWaiters: { cmd: ToWorker["cmd"]; resolve: () => void }[] = [];
process.on("message", (m: ToWorker) => {
  if (m.cmd === "mem") {
    void memReport().then(send);
    return;
  }
  const hit = commandWaiters.filter((w) => w.cmd === m.cmd);
  commandWaiters = commandWaiters.filter((w) => w.cmd !== m.cmd);
  for (const w of hit) w.resolve();
});
// Orchestrator gone: do not linger.
process.on("disconnect", () => process.exit(0));

function command(cmd: ToWorker["cmd"]): Promise<void> {
  return new Promise((resolve) => commandWaiters.push({ cmd, resolve }));
}

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2] ?? "{}") as WorkerArgs;
  if (!isSystemId(args.system)) throw new Error(`unknown system ${args.system}`);
  const system = await loadSystem(args.system);
  const { ctx, n } = args;

  let handled = 0;
  let tFirst = 0;
  let tHandlers = 0;
  let tLast = 0;
  let reached: () => void = () => {};
  const target = new Promise<void>((r) => (reached = r));
  const waiter = new ReportWaiter();
  const counting = (_p: Payload) => {
    if (++handled === 1) tFirst = wallMs();
    if (handled === n) {
      tHandlers = wallMs();
      reached();
    }
  };
  const latency =
    args.mode === "idle"
      ? (p: Payload) => {
          const latencyMs = wallMs() - p.t!;
          handled++;
          send({ ev: "job", i: p.i, latencyMs });
        }
      : (p: Payload) => {
          const latencyMs = wallMs() - p.t!;
          handled++;
          waiter.report(p.i, latencyMs);
        };
  const pairCounting = (_p: Payload) => {
    tLast = wallMs();
    if (++handled === 1) tFirst = tLast;
  };
  const onJob =
    args.mode === "throughput" || args.mode === "inproc-throughput"
      ? counting
      : args.mode === "pair-throughput"
        ? pairCounting
        : latency;

  let enqueueS: number | undefined;
  const inproc = args.mode.startsWith("inproc");
  const producer = inproc ? await system.producer(ctx) : null;
  if (producer && args.mode === "inproc-throughput") {
    const t = performance.now();
    for (let i = 0; i < n; i += CHUNK) {
      const chunk: Payload[] = [];
      for (let j = i; j < Math.min(n, i + CHUNK); j++) chunk.push({ i: j });
      await producer.enqueueBulk(chunk);
    }
    enqueueS = (performance.now() - t) / 1000;
  }

  const ws: WorkerSide = await system.worker(ctx, onJob);
  send({ ev: "loaded", t: wallMs() });

  if (args.mode === "pair-throughput") {
    process.on("message", (m: ToWorker) => {
      if (m.cmd === "count") send({ ev: "count", handled, tFirst, tLast });
    });
    await command("go");
    const t0 = wallMs();
    await ws.start();
    send({ ev: "started", t0, tStarted: wallMs() });
  } else if (args.mode === "throughput" || args.mode === "inproc-throughput") {
    const t0 = wallMs();
    await ws.start();
    const tStarted = wallMs();
    const timeoutMs = Math.max(120_000, n * 5);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      target,
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`only ${handled}/${n} handlers ran within ${timeoutMs} ms`)),
          timeoutMs,
        );
      }),
    ]);
    clearTimeout(timer);
    let tailPolls = 0;
    while ((await ws.unfinished()) > 0) {
      tailPolls++;
      if (wallMs() - tHandlers > 60_000) throw new Error("backend still reports unfinished jobs after 60 s");
      await sleep(1);
    }
    const tEnd = wallMs();
    const report: ThroughputReport = {
      ev: "throughput",
      t0,
      tStarted,
      tFirst,
      tHandlers,
      tEnd,
      handled,
      tailPolls,
    };
    if (enqueueS !== undefined) report.enqueueS = enqueueS;
    send(report);
  } else {
    await ws.start();
    send({ ev: "ready", t: wallMs() });
    if (args.mode === "inproc-latency" && producer) {
      await command("go");
      const latenciesMs = await latencyLoop(
        (p) => producer.enqueueOne(p),
        (i, timeoutMs) => waiter.next(i, timeoutMs),
        { warmup: args.warmup ?? 20, samples: args.samples ?? 500 },
      );
      send({ ev: "latency", latenciesMs });
    }
  }

  await command("stop");
  let unfinished: number | null = null;
  try {
    unfinished = await ws.unfinished();
  } catch {
    unfinished = null;
  }
  await ws.stop();
  await producer?.close();
  send({ ev: "stopped", handled, unfinished });
  // Let the IPC message flush, then leave even if a library keeps a handle open.
  setTimeout(() => process.exit(0), 50);
}

main().catch((err: unknown) => {
  send({ ev: "error", message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  setTimeout(() => process.exit(1), 50);
});
