/**
 * Growth section of `npm run bench` (also runnable alone): do reads and processing stay flat as
 * retained jobs pile up? For spool on SQLite and on Redis, at each retained-job count: the
 * dashboard's calls (list by state, task, queue, time range, the next page by cursor, per-queue
 * counts) p50/p95, the processing rate of `--n` fresh jobs in one worker process, and the same
 * with a reader polling the list and counts every second (ratio ≥ 0.9× is the goal). The reader
 * polls once before the worker starts (its cold first call is a dashboard's one-off, not a
 * per-second cost), and `--n` defaults to 100,000 so a run holds several polls.
 *
 *   npx tsx bench/growth.ts --sizes 10000,1000000 [--systems spool-sqlite,spool-redis,spool-postgres] [--n 100000] [--calls 40] [--seed api|sql] [--json PATH]
 *
 * `--seed sql` (SQLite and PostgreSQL; Redis always seeds through the API) writes the same store
 * by INSERT … SELECT (harness/sql-seed.ts): minutes instead of an hour for 1M on a loaded machine.
 *
 * Prints a Markdown section on stdout (progress on stderr); writes JSON with --json.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import pg from "pg";
import { prepareWorkerRuntime } from "./harness/build.js";
import { int, ms, ratio, table } from "./harness/format.js";
import {
  type CallStats,
  type GrowthProcessRun,
  measureReads,
  processRun,
  READS,
  type ReadName,
  seed,
} from "./harness/growth.js";
import { sqlSeed } from "./harness/sql-seed.js";
import { dropRedisPrefix, probeRedis } from "./systems/redis-util.js";
import { type SpoolKind, urlFor } from "./systems/spool.js";
import type { BenchContext } from "./systems/types.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const log = (s: string) => process.stderr.write(`${s}\n`);

/** Goals from the performance issue (17). */
export const GROWTH_GOALS = { p95AtLargestMs: 20, growthMax: 3, readerRatioMin: 0.9 } as const;

export interface GrowthPoint {
  system: string;
  size: number;
  seedS: number;
  reads: Record<ReadName, CallStats>;
  process: GrowthProcessRun | { error: string };
  withReader: GrowthProcessRun | { error: string };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sizes: { type: "string", default: "10000,1000000" },
      systems: { type: "string", default: "spool-sqlite,spool-redis" },
      n: { type: "string", default: "100000" },
      calls: { type: "string", default: "40" },
      seed: { type: "string", default: "api" },
      json: { type: "string" },
    },
  });
  const sizes = values.sizes.split(",").map(Number);
  const n = Number(values.n);
  const calls = Number(values.calls);
  const systems = values.systems
    .split(",")
    .filter((s) => s === "spool-sqlite" || s === "spool-redis" || s === "spool-postgres");
  const tmpDir = mkdtempSync(join(tmpdir(), "spool-bench-growth-"));
  const redisUrl = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379/14";
  const pgUrl = process.env.BENCH_PG_URL ?? "postgres://spool:spool@127.0.0.1:5432/spool";
  const runtime = await prepareWorkerRuntime(ROOT);
  const points: GrowthPoint[] = [];
  const skipped: string[] = [];
  try {
    for (const system of systems) {
      const kind = system.slice("spool-".length) as SpoolKind;
      if (kind === "redis") {
        const why = await probeRedis(redisUrl);
        if (why) {
          skipped.push(`${system}: ${why}`);
          continue;
        }
      }
      for (const size of sizes) {
        const runId = `growth-${kind}-${size}-${process.pid}`;
        // A store prefix of its own, deleted afterwards: the Redis may be shared (no FLUSHDB).
        const ctx: BenchContext = {
          runId,
          tmpDir,
          redisUrl: `${redisUrl}${redisUrl.includes("?") ? "&" : "?"}prefix=${runId}`,
          pgUrl,
          concurrency: 50,
        };
        // PostgreSQL: a schema of its own, dropped afterwards (the database may be shared).
        const pgSchema = `growth_${size}_${process.pid}`;
        const url = kind === "postgres" ? withSchema(pgUrl, pgSchema) : urlFor(kind, ctx);
        if (kind === "postgres") ctx.pgUrl = url;
        if (kind === "redis") await dropRedisPrefix(redisUrl, runId);
        log(`G. ${system}: seeding ${int(size)} retained jobs`);
        const t = performance.now();
        const range =
          values.seed === "sql" && kind !== "redis"
            ? await sqlSeed(url, size, log)
            : await seed(url, size, log);
        const seedS = (performance.now() - t) / 1000;
        log(`   ${seedS.toFixed(1)} s; reads (${calls} calls each)`);
        const reads = await measureReads(url, range, calls);
        log(`   ${READS.map((r) => `${r} p95 ${ms(reads[r].p95)}`).join(", ")}`);
        const attempt = async (reader: boolean) => {
          try {
            return await processRun(system, url, ctx, runtime, n, reader);
          } catch (err) {
            return { error: (err as Error).message };
          }
        };
        const process1 = await attempt(false);
        const withReader = await attempt(true);
        const show = (r: GrowthProcessRun | { error: string }) =>
          "error" in r
            ? `FAILED ${r.error}`
            : `${int(r.processPerS)}/s${r.ok ? "" : ` PROBLEMS ${r.problems}`}`;
        log(`   process ${show(process1)}; with a polling reader ${show(withReader)}`);
        points.push({ system, size, seedS, reads, process: process1, withReader });
        if (kind === "redis") await dropRedisPrefix(redisUrl, runId);
        else if (kind === "postgres") await dropPgSchema(pgUrl, pgSchema);
        else for (const x of ["", "-wal", "-shm"]) rmSync(url.slice("sqlite://".length) + x, { force: true });
      }
    }
  } finally {
    runtime.cleanup();
    rmSync(tmpDir, { recursive: true, force: true });
  }
  process.stdout.write(`${report(points, skipped, sizes, n).join("\n")}\n`);
  const problems = points.flatMap((p) =>
    [p.process, p.withReader].flatMap((r) =>
      "error" in r
        ? [`${p.system} @${p.size}: ${r.error}`]
        : r.problems.map((x) => `${p.system} @${p.size}: ${x}`),
    ),
  );
  if (values.json)
    writeFileSync(
      values.json,
      `${JSON.stringify({ sizes, n, calls, points, skipped, problems }, null, 2)}\n`,
    );
  process.exit(0);
}

function withSchema(base: string, schema: string): string {
  const u = new URL(base);
  u.searchParams.set("schema", schema);
  return u.toString();
}

async function dropPgSchema(base: string, schema: string): Promise<void> {
  const c = new pg.Client(base);
  await c.connect();
  try {
    await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await c.end();
  }
}

const perS = (r: GrowthProcessRun | { error: string }) => ("error" in r ? undefined : r.processPerS);

function report(points: GrowthPoint[], skipped: string[], sizes: number[], n: number): string[] {
  const out = [`## G. Growth: reads and processing with retained jobs (${sizes.map(int).join(" and ")})`, ""];
  for (const s of skipped) out.push(`- ‼ skipped: ${s}`);
  const rows = points.map((p) => [
    p.system,
    int(p.size),
    ...READS.map((r) => `${ms(p.reads[r].p50, 1)} / ${ms(p.reads[r].p95, 1)}`),
    int(perS(p.process)),
    int(perS(p.withReader)),
    ratio((perS(p.withReader) ?? Number.NaN) / (perS(p.process) ?? Number.NaN)),
    "error" in p.withReader ? "–" : ms(p.withReader.readerP95Ms, 1),
  ]);
  out.push(
    table(
      [
        "system",
        "retained",
        ...READS.map((r) => `${r} p50 / p95 ms`),
        `process jobs/s (N=${int(n)})`,
        "with reader",
        "reader ÷ none",
        "reader poll p95 ms",
      ],
      rows,
      [false, true, ...READS.map(() => true), true, true, true, true],
    ),
  );
  // Growth factor: p95 at the largest size ÷ at the smallest, per system.
  const lo = Math.min(...sizes);
  const hi = Math.max(...sizes);
  const checks: string[][] = [];
  for (const system of new Set(points.map((p) => p.system))) {
    const a = points.find((p) => p.system === system && p.size === lo);
    const b = points.find((p) => p.system === system && p.size === hi);
    if (!a || !b || a === b) continue;
    for (const r of READS) {
      const f = b.reads[r].p95 / a.reads[r].p95;
      const met = b.reads[r].p95 < GROWTH_GOALS.p95AtLargestMs && f <= GROWTH_GOALS.growthMax;
      checks.push([
        system,
        r,
        ms(a.reads[r].p95, 1),
        ms(b.reads[r].p95, 1),
        ratio(f),
        met ? "MET" : "MISSED",
      ]);
    }
    const rr = (perS(b.withReader) ?? Number.NaN) / (perS(b.process) ?? Number.NaN);
    checks.push([
      system,
      "process with reader ÷ without",
      "",
      ratio(rr),
      "",
      rr >= GROWTH_GOALS.readerRatioMin ? "MET" : "MISSED",
    ]);
  }
  if (checks.length) {
    out.push(
      "",
      `Goals (issue 17): p95 < ${GROWTH_GOALS.p95AtLargestMs} ms at ${int(hi)} and ≤ ${GROWTH_GOALS.growthMax}× the ${int(lo)} figure; ` +
        `with a reader polling every second, processing ≥ ${GROWTH_GOALS.readerRatioMin}× of the run without it.`,
      "",
      table(["system", "call", `p95 ms @${int(lo)}`, `p95 ms @${int(hi)}`, "growth", "status"], checks, [
        false,
        false,
        true,
        true,
        true,
        false,
      ]),
    );
  }
  out.push(
    "",
    "Seeded jobs: 4 tasks on 4 queues, 95% completed and 5% failed. Reads go through the public client " +
      "(`spool.jobs.list`, `spool.queues.list`), each call repeated in a row after one warm-up; page2 = first page + the next by cursor. " +
      "The reader polls list(failed) + list(queue) + queues.list once a second from the orchestrator while one worker process runs.",
    "",
  );
  return out;
}

main().catch((err: unknown) => {
  process.stderr.write(
    `growth bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(2);
});
