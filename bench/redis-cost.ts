/**
 * Where a Redis enqueue spends its time (issue 17: "Redis bulk enqueue >= 1x bee-queue", "single
 * enqueue >= 1x bee-queue"): for each Redis system, the CPU the Redis server spent per job
 * (INFO cpu, user + sys, before and after) and the CPU the producer process spent per job
 * (process.cpuUsage), for the bulk path (awaited chunks of 1000) and the concurrent single path
 * (1000 calls in flight), the same calls `npm run bench` sections B and B1 make. Redis runs one
 * command at a time on one thread, so its CPU per job is the floor of the wall time per job that
 * no client-side work can lower; the producer's CPU per job is the other floor.
 *
 *   npx tsx bench/redis-cost.ts [--systems spool-redis,bullmq,bee-queue] [--n 20000] [--reps 3]
 *
 * Uses BENCH_REDIS_URL (default redis://127.0.0.1:6379/13; the database is flushed). Prints a
 * Markdown table; medians of the repetitions.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Redis } from "ioredis";
import { summarize } from "./harness/stats.js";
import { isSystemId, loadSystem } from "./systems/index.js";
import { probeRedis } from "./systems/redis-util.js";
import type { BenchContext, Producer } from "./systems/types.js";

interface Cost {
  wallUsPerJob: number;
  redisUsPerJob: number;
  producerUsPerJob: number;
}

const median = (xs: number[]): number => summarize(xs)?.median ?? Number.NaN;

async function redisCpuUs(r: Redis): Promise<number> {
  const info = await r.info("cpu");
  const read = (k: string) => Number(new RegExp(`${k}:([0-9.]+)`).exec(info)?.[1] ?? Number.NaN);
  return (read("used_cpu_user") + read("used_cpu_sys")) * 1e6;
}

async function measure(r: Redis, n: number, run: () => Promise<void>): Promise<Cost> {
  const redis0 = await redisCpuUs(r);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await run();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const redis1 = await redisCpuUs(r);
  return {
    wallUsPerJob: (wallMs * 1000) / n,
    redisUsPerJob: (redis1 - redis0) / n,
    producerUsPerJob: (cpu.user + cpu.system) / n,
  };
}

const bulk = (p: Producer, n: number) => async () => {
  for (let i = 0; i < n; i += 1000)
    await p.enqueueBulk(Array.from({ length: Math.min(1000, n - i) }, (_, k) => ({ i: i + k })));
};

const single = (p: Producer, n: number) => async () => {
  let next = 0;
  const lane = async () => {
    while (next < n) await p.enqueueOne({ i: next++ });
  };
  await Promise.all(Array.from({ length: 1000 }, lane));
};

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      systems: { type: "string", default: "spool-redis,bullmq,bee-queue" },
      n: { type: "string", default: "20000" },
      reps: { type: "string", default: "3" },
    },
  });
  const n = Number(values.n);
  const reps = Number(values.reps);
  const redisUrl = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379/13";
  const why = await probeRedis(redisUrl);
  if (why) throw new Error(why);
  const tmpDir = mkdtempSync(join(tmpdir(), "spool-redis-cost-"));
  const r = new Redis(redisUrl);
  const rows: string[] = [];
  try {
    for (const id of values.systems.split(",")) {
      if (!isSystemId(id)) throw new Error(`unknown system ${id}`);
      const sys = await loadSystem(id);
      const results: Record<"bulk" | "single", Cost[]> = { bulk: [], single: [] };
      for (let rep = 0; rep < reps; rep++) {
        for (const path of ["bulk", "single"] as const) {
          const ctx: BenchContext = {
            runId: `cost${rep}${path}`,
            tmpDir,
            redisUrl,
            pgUrl: "",
            concurrency: 50,
          };
          await r.flushdb();
          await sys.wipe(ctx);
          const p = await sys.producer(ctx);
          try {
            results[path].push(await measure(r, n, (path === "bulk" ? bulk : single)(p, n)));
          } finally {
            await p.close();
          }
          process.stderr.write(`${id} ${path} rep ${rep + 1}/${reps} done\n`);
        }
      }
      for (const path of ["bulk", "single"] as const) {
        const m = (k: keyof Cost) => median(results[path].map((c) => c[k])).toFixed(1);
        const perS = Math.round(1e6 / median(results[path].map((c) => c.wallUsPerJob)));
        rows.push(
          `| ${id} | ${path} | ${perS.toLocaleString("en-US")} | ${m("wallUsPerJob")} | ${m("redisUsPerJob")} | ${m("producerUsPerJob")} |`,
        );
      }
    }
  } finally {
    await r.flushdb();
    r.disconnect();
    rmSync(tmpDir, { recursive: true, force: true });
  }
  console.log(`### Redis enqueue cost per job (N=${n}, median of ${reps})\n`);
  console.log("| system | path | jobs/s | wall µs/job | Redis CPU µs/job | producer CPU µs/job |");
  console.log("|---|---|---:|---:|---:|---:|");
  for (const row of rows) console.log(row);
}

await main();
