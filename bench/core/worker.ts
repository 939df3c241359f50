/**
 * One run of the worker-core microbench (forked by bench/core/run.ts, compiled by esbuild; or
 * run directly under tsx). In this process: a `memory://` spool, N no-op jobs enqueued with
 * `enqueueMany` in chunks of 1000 (not timed), then one worker (concurrency 50 by default)
 * started; the timed region runs from the start call until every handler ran and the store
 * reports 0 unfinished jobs. The store is in-process and cheap, so the figure is the cost of
 * the worker's own claim -> execute -> settle path per job.
 *
 * argv: N CONCURRENCY [PROFILE]. With PROFILE, a V8 CPU profile of the timed region alone (not
 * the enqueue, not module loading) is written there. Prints one JSON line: { n, seconds, cpuUs, gcMs }.
 */
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { PerformanceObserver } from "node:perf_hooks";
import { createSpool } from "../../src/index.js";

const N = Number(process.argv[2] ?? 50_000);
const CONCURRENCY = Number(process.argv[3] ?? 50);
const PROFILE = process.argv[4];

let gcMs = 0;
let counting = false;
const gc = new PerformanceObserver((list) => {
  if (counting) for (const e of list.getEntries()) gcMs += e.duration;
});
gc.observe({ entryTypes: ["gc"] });

const spool = createSpool({ backend: "memory://", logger: { level: "warn" } });
let handled = 0;
let done: () => void = () => {};
const all = new Promise<void>((r) => (done = r));
const task = spool.task({
  name: "core.noop",
  run(): void {
    if (++handled === N) done();
  },
});
for (let i = 0; i < N; i += 1000)
  await task.enqueueMany(Array.from({ length: Math.min(1000, N - i) }, (_, k) => ({ input: { i: i + k } })));
const worker = spool.worker({ concurrency: CONCURRENCY });
const unfinished = async () => {
  let n = 0;
  for (const q of await spool.queues.list()) n += q.counts.queued + q.counts.running;
  return n;
};
const inspector = PROFILE ? new Session() : null;
if (inspector) {
  inspector.connect();
  await inspector.post("Profiler.enable");
  await inspector.post("Profiler.start");
}
counting = true;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
await worker.start();
await all;
while ((await unfinished()) > 0) await new Promise((r) => setTimeout(r, 1));
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
counting = false;
if (inspector) {
  const { profile } = await inspector.post("Profiler.stop");
  writeFileSync(PROFILE!, JSON.stringify(profile));
  inspector.disconnect();
}
await worker.stop({ grace: "5s" });
await spool.close();
gc.disconnect();
process.stdout.write(`${JSON.stringify({ n: N, seconds, cpuUs: cpu.user + cpu.system, gcMs })}\n`);
