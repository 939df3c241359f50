/**
 * `npm run bench:flow` — the cost of queue limits when they do not bind (issue 15): jobs/s of
 * one in-process worker (concurrency 32, no-op handler) draining N pre-enqueued jobs from a
 * plain queue, a queue with a concurrency cap far above what runs (10,000), and a queue with a
 * rate limit far above the rate reached (1,000,000 / 1s, without and with a burst of 1,000),
 * on SQLite and Redis; per-key limits (issue 15) far above what binds: a keyed concurrency cap
 * (10,000 per key) and a keyed rate limit (1,000,000 / 1s + burst 1,000 per key), the jobs
 * spread over 5 keys, which also takes the fair claim (round-robin between keys); plus BullMQ with
 * and without its limiter ({ max: 1,000,000, duration: 1000 }) through the same loop.
 *
 *   npm run bench:flow                 # N = 5,000, 3 repetitions, median reported
 *   npm run bench:flow -- --n 20000 --reps 5
 *   npm run bench:flow -- --keyed-only     # plain and the keyed variants only, no BullMQ
 *   npm run bench:flow -- --json out.json  # also the figures as JSON
 *
 * `npm run bench` runs it as section F (`--no-flow` skips it).
 * Redis: SPOOL_BENCH_REDIS_URL (default redis://127.0.0.1:6379/0; each run a fresh key prefix).
 * Figures on a shared machine move by ±15 %: compare columns of one run, not runs.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Worker as BullWorker, Queue } from "bullmq";
import { Redis } from "ioredis";
import { createSpool } from "../src/client/spool.js";
import type { QueueLimitOptions, TaskFlowOptions } from "../src/core/flow.js";

const args = process.argv.slice(2);
const opt = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const N = opt("n", 5_000);
const REPS = opt("reps", 3);
const CONCURRENCY = 32;
const REDIS = process.env.SPOOL_BENCH_REDIS_URL ?? "redis://127.0.0.1:6379/0";

type Input = { i: number };
const byKey = (input: Input) => `k${input.i % 5}`;
const only = args.includes("--keyed-only");
const jsonAt = args.indexOf("--json");
const JSON_PATH = jsonAt >= 0 ? args[jsonAt + 1] : undefined;
/** Each system's and variant's median jobs/s and its share of the same system's plain queue. */
const figures: { system: string; variant: string; jobsPerS: number; vsPlain: number }[] = [];

const VARIANTS: Record<string, { queue?: QueueLimitOptions; task?: TaskFlowOptions<Input> } | null> = {
  plain: null,
  ...(only
    ? {}
    : {
        "concurrency 10000": { queue: { concurrency: 10_000 } },
        // Without burst, GCRA spreads starts one per per/limit: a claim at one millisecond gets at
        // most 1 job however high the rate, so this one binds at the millisecond scale (see the docs).
        "rate 1e6/1s": { queue: { rateLimit: { limit: 1_000_000, per: "1s" } } },
        "rate 1e6/1s + burst 1000": { queue: { rateLimit: { limit: 1_000_000, per: "1s", burst: 1000 } } },
      }),
  "keyed cap 10000, 5 keys": { task: { concurrency: { limit: 10_000, key: byKey } } },
  "keyed rate 1e6/1s + burst 1000, 5 keys": {
    task: { rateLimit: { limit: 1_000_000, per: "1s", burst: 1000, key: byKey } },
  },
};

async function dropPrefix(prefix: string): Promise<void> {
  const redis = new Redis(REDIS);
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `*${prefix}*`, "COUNT", 1000);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== "0");
  redis.disconnect();
}

async function spoolRun(
  kind: "sqlite" | "redis",
  limits: { queue?: QueueLimitOptions; task?: TaskFlowOptions<Input> } | null,
): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), "spool-bench-flow-"));
  const prefix = `bench-flow-${randomUUID()}`;
  const url = kind === "sqlite" ? `sqlite://${join(dir, "b.db")}` : `${REDIS}?prefix=${prefix}`;
  const spool = createSpool({ backend: url, logger: { level: "silent" }, retention: false });
  let done = 0;
  let finished!: () => void;
  const all = new Promise<void>((r) => (finished = r));
  const task = spool.task({
    name: "noop",
    queue: "bench",
    ...limits?.task,
    run: (_input: Input) => {
      if (++done === N) finished();
    },
  });
  try {
    if (limits?.queue) await spool.queues.limit("bench", limits.queue);
    for (let i = 0; i < N; i += 1000)
      await task.enqueueMany(
        Array.from({ length: Math.min(1000, N - i) }, (_, j) => ({ input: { i: i + j } })),
      );
    const worker = spool.worker({ concurrency: CONCURRENCY, queues: ["bench"] });
    const t0 = performance.now();
    await worker.start();
    await all;
    const secs = (performance.now() - t0) / 1000;
    await worker.stop();
    return N / secs;
  } finally {
    await spool.close();
    rmSync(dir, { recursive: true, force: true });
    if (kind === "redis") await dropPrefix(prefix);
  }
}

async function bullRun(limited: boolean): Promise<number> {
  const name = `bench-flow-bull-${randomUUID()}`;
  const connection = { url: REDIS, maxRetriesPerRequest: null } as const;
  const q = new Queue(name, {
    connection,
    defaultJobOptions: { removeOnComplete: true, removeOnFail: true },
  });
  let done = 0;
  let finished!: () => void;
  const all = new Promise<void>((r) => (finished = r));
  try {
    for (let i = 0; i < N; i += 1000)
      await q.addBulk(
        Array.from({ length: Math.min(1000, N - i) }, (_, j) => ({ name: "noop", data: { i: i + j } })),
      );
    const t0 = performance.now();
    const worker = new BullWorker(
      name,
      async () => {
        if (++done === N) finished();
      },
      {
        connection,
        concurrency: CONCURRENCY,
        ...(limited ? { limiter: { max: 1_000_000, duration: 1000 } } : {}),
      },
    );
    worker.on("error", () => {});
    await all;
    const secs = (performance.now() - t0) / 1000;
    await worker.close();
    return N / secs;
  } finally {
    await q.obliterate({ force: true }).catch(() => {});
    await q.close();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  process.stderr.write(`bench:flow N=${N}, ${REPS} reps, worker concurrency ${CONCURRENCY}\n`);
  const rows: string[] = ["| system | variant | jobs/s (median) | vs plain |", "|---|---|---:|---:|"];
  for (const kind of ["sqlite", "redis"] as const) {
    // One discarded run first: the first run of a process pays JIT warm-up, which would be
    // charged to whichever variant ran first.
    await spoolRun(kind, null);
    let plain = 0;
    for (const [variant, limits] of Object.entries(VARIANTS)) {
      const runs: number[] = [];
      for (let r = 0; r < REPS; r++) runs.push(await spoolRun(kind, limits));
      const m = median(runs);
      if (limits === null) plain = m;
      rows.push(`| spool-${kind} | ${variant} | ${Math.round(m)} | ${((m / plain) * 100).toFixed(0)} % |`);
      figures.push({ system: `spool-${kind}`, variant, jobsPerS: m, vsPlain: m / plain });
      process.stderr.write(`spool-${kind} ${variant}: ${runs.map(Math.round).join(", ")}\n`);
    }
  }
  if (only) return report(rows);
  await bullRun(false);
  let bullPlain = 0;
  for (const limited of [false, true]) {
    const runs: number[] = [];
    for (let r = 0; r < REPS; r++) runs.push(await bullRun(limited));
    const m = median(runs);
    if (!limited) bullPlain = m;
    rows.push(
      `| bullmq | ${limited ? "limiter 1e6/1s" : "plain"} | ${Math.round(m)} | ${((m / bullPlain) * 100).toFixed(0)} % |`,
    );
    process.stderr.write(`bullmq ${limited ? "limited" : "plain"}: ${runs.map(Math.round).join(", ")}\n`);
    figures.push({
      system: "bullmq",
      variant: limited ? "limiter 1e6/1s" : "plain",
      jobsPerS: m,
      vsPlain: m / bullPlain,
    });
  }
  report(rows);
}

function report(rows: string[]): void {
  process.stdout.write(`${rows.join("\n")}\n`);
  if (JSON_PATH) writeFileSync(JSON_PATH, `${JSON.stringify({ n: N, reps: REPS, figures }, null, 2)}\n`);
}

await main();
process.exit(0);
