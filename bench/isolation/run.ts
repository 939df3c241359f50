/**
 * Isolated no-op throughput: jobs/s of one worker (concurrency C, pool C) running N no-op jobs
 * in-process, in threads and in processes, against BullMQ's sandboxed processor (child
 * processes, and worker threads) on the same Redis. Plus a CPU-bound mix to show one worker
 * using both cores with `isolate: "thread"`.
 *
 *   npx tsx bench/isolation/run.ts [jobs=2000] [concurrency=4] [--json PATH]
 *
 * `npm run bench` runs it as section I (`--no-isolation` skips it).
 * Jobs are enqueued first; the clock runs from worker start (children warm, excluded) to the
 * last completion. Short runs on a shared machine: compare within one run only.
 */
import { randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { Worker as BullWorker, Queue, QueueEvents } from "bullmq";
import { Redis } from "ioredis";
import { createSpool } from "../../src/index.js";
import { defineBenchTasks } from "./app.js";

const jsonAt = process.argv.indexOf("--json");
const JSON_PATH = jsonAt > 0 ? process.argv[jsonAt + 1] : undefined;
const positional = process.argv.slice(2).filter((_, i, a) => a[i] !== "--json" && a[i - 1] !== "--json");
const N = Number(positional[0] ?? 2000);
const C = Number(positional[1] ?? 4);
const REDIS = process.env.SPOOL_BENCH_REDIS_URL ?? "redis://127.0.0.1:6379/9";
const APP = join(import.meta.dirname, "app.ts");

/** CPU seconds this process (all its threads) used per wall second of the last spool run. */
let coresUsed = 0;

async function spoolRun(
  mode: "inline" | "thread" | "process",
  task: "noop" | "cpu",
  n: number,
): Promise<number> {
  const prefix = `bench-iso-${randomUUID()}`;
  const spool = createSpool({ backend: `${REDIS}?prefix=${prefix}`, logger: { level: "warn" } });
  defineBenchTasks(spool);
  await spool.enqueueMany(Array.from({ length: n }, (_, i) => ({ task, input: i })));
  const worker = spool.worker({
    concurrency: C,
    ...(mode === "inline" ? {} : { isolate: mode, isolation: { app: APP, pool: C } }),
  });
  let done = 0;
  const finished = new Promise<void>((resolve) =>
    worker.on("job:completed", () => {
      if (++done === n) resolve();
    }),
  );
  // Children start inside start(): warm before the clock runs.
  await worker.start();
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await finished;
  const s = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  coresUsed = (cpu.user + cpu.system) / 1e6 / s;
  await worker.stop();
  await spool.close();
  await dropPrefix(prefix);
  return n / s;
}

/** Deletes the run's keys (SCAN, never KEYS or FLUSHDB: the database may be shared). */
async function dropPrefix(prefix: string): Promise<void> {
  const redis = new Redis(REDIS);
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `{${prefix}}:*`, "COUNT", 1000);
    cursor = next;
    if (keys.length > 0) await redis.unlink(...keys);
  } while (cursor !== "0");
  redis.disconnect();
}

async function bullRun(threads: boolean, n: number): Promise<number> {
  const u = new URL(REDIS);
  const connection = { host: u.hostname, port: Number(u.port || 6379), db: Number(u.pathname.slice(1) || 0) };
  const name = `bench-iso-bull-${randomUUID()}`;
  const q = new Queue(name, { connection, defaultJobOptions: { removeOnComplete: true } });
  await q.addBulk(Array.from({ length: n }, (_, i) => ({ name: "noop", data: i })));
  const events = new QueueEvents(name, { connection });
  await events.waitUntilReady();
  let done = 0;
  const worker = new BullWorker(name, join(import.meta.dirname, "bullmq-noop.cjs"), {
    connection,
    concurrency: C,
    useWorkerThreads: threads,
    autorun: false,
  });
  const finished = new Promise<void>((resolve) =>
    worker.on("completed", () => {
      if (++done === n) resolve();
    }),
  );
  const t0 = performance.now();
  void worker.run();
  await finished;
  const s = (performance.now() - t0) / 1000;
  await worker.close();
  await events.close();
  await q.obliterate({ force: true });
  await q.close();
  return n / s;
}

interface Row {
  label: string;
  jobsPerS: number;
  coresUsed?: number;
}
const load0 = loadavg()[0]!;
const rows: Row[] = [];
const rate = (label: string) => rows.find((r) => r.label === label)!.jobsPerS;
for (const mode of ["inline", "thread", "process"] as const)
  rows.push({ label: `spool ${mode} no-op`, jobsPerS: await spoolRun(mode, "noop", N) });
rows.push({ label: "bullmq sandboxed (processes) no-op", jobsPerS: await bullRun(false, N) });
rows.push({ label: "bullmq sandboxed (worker threads) no-op", jobsPerS: await bullRun(true, N) });
const cpuJobs = Math.max(40, Math.round(N / 20));
for (const mode of ["inline", "thread"] as const) {
  const jobsPerS = await spoolRun(mode, "cpu", cpuJobs);
  rows.push({ label: `spool ${mode} cpu-bound (${cpuJobs} jobs)`, jobsPerS, coresUsed });
}
const ratios = {
  threadVsBullThreads: rate("spool thread no-op") / rate("bullmq sandboxed (worker threads) no-op"),
  processVsBullProcesses: rate("spool process no-op") / rate("bullmq sandboxed (processes) no-op"),
  cpuThreadVsInline: rows.at(-1)!.jobsPerS / rows.at(-2)!.jobsPerS,
};
const load1 = loadavg()[0]!;
console.log("## I. Isolation (bench/isolation/run.ts, spool and BullMQ sandboxed processors on one Redis)");
console.log("");
console.log(
  `${N} no-op jobs, concurrency ${C}, pool ${C}; load average ${load0.toFixed(1)} → ${load1.toFixed(1)} (cores used is only meaningful on an idle machine)`,
);
console.log("");
console.log("| run | jobs/s | cores used |");
console.log("|---|---:|---:|");
for (const r of rows)
  console.log(
    `| ${r.label} | ${r.jobsPerS.toFixed(1)} | ${r.coresUsed === undefined ? "" : r.coresUsed.toFixed(2)} |`,
  );
console.log("");
console.log(
  `thread ÷ BullMQ sandboxed threads ${ratios.threadVsBullThreads.toFixed(2)}× (goal ≥ 2×); ` +
    `process ÷ BullMQ sandboxed processes ${ratios.processVsBullProcesses.toFixed(2)}×; ` +
    `CPU-bound mix thread ÷ in-process ${ratios.cpuThreadVsInline.toFixed(2)}×`,
);
if (JSON_PATH)
  writeFileSync(
    JSON_PATH,
    `${JSON.stringify({ jobs: N, concurrency: C, loadAvg: [load0, load1], rows, ratios }, null, 2)}\n`,
  );
