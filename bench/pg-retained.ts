/**
 * Does a PostgreSQL store stay fast as finished jobs accumulate? Claims (+ completions) of the
 * same ready jobs on an empty schema and on one holding 1,000,000 retained completed jobs.
 *
 *   npx tsx bench/pg-retained.ts [--retained 1000000] [--jobs 5000] [--reps 2]
 *
 * Uses BENCH_PG_URL (default postgres://spool:spool@127.0.0.1:5432/spool) and the schemas
 * spool_bench_hot_empty / spool_bench_hot_full, dropped at the end. Prints one line per run and
 * the ratio. The retained rows are written with one INSERT … SELECT generate_series (not
 * through spool), then ANALYZEd, as a long-running store would be.
 */
import { parseArgs } from "node:util";
import pg from "pg";
import type { NewJob } from "../src/backend/backend.js";
import { createPostgresBackend, type PostgresBackend } from "../src/backend/postgres/index.js";
import { newJobId } from "../src/core/ids.js";

const { values } = parseArgs({
  options: { retained: { type: "string" }, jobs: { type: "string" }, reps: { type: "string" } },
});
const RETAINED = Number(values.retained ?? 1_000_000);
const JOBS = Number(values.jobs ?? 5_000);
const REPS = Number(values.reps ?? 2);
const BASE = process.env.BENCH_PG_URL ?? "postgres://spool:spool@127.0.0.1:5432/spool";
const SCHEMAS = { empty: "spool_bench_hot_empty", full: "spool_bench_hot_full" } as const;

const admin = new pg.Client({ connectionString: BASE });
await admin.connect();

async function open(schema: string): Promise<PostgresBackend> {
  const url = new URL(BASE);
  url.searchParams.set("schema", schema);
  const backend = await createPostgresBackend(url.toString());
  await backend.migrate();
  return backend;
}

function newJob(i: number): NewJob {
  return {
    id: newJobId(),
    task: "bench.noop",
    queue: "bench",
    input: JSON.stringify({ i }),
    priority: 0,
    runAt: 0,
    maxAttempts: 1,
    key: null,
    meta: {},
    dependsOn: [],
    leaseMs: null,
    timeoutMs: null,
  };
}

/** Enqueues JOBS, then claims 50 at a time and completes each batch; returns jobs/s of the claim loop. */
async function run(backend: PostgresBackend): Promise<number> {
  for (let i = 0; i < JOBS; i += 1000)
    await backend.jobEnqueue({
      jobs: Array.from({ length: Math.min(1000, JOBS - i) }, (_, k) => newJob(i + k)),
    });
  const started = performance.now();
  let done = 0;
  for (;;) {
    const { jobs } = await backend.jobClaim({
      queues: ["bench"],
      limit: 50,
      workerId: "bench",
      leaseMs: 60_000,
    });
    if (jobs.length === 0) break;
    await backend.jobComplete({ jobs: jobs.map((j) => ({ id: j.id, token: j.leaseToken, result: "null" })) });
    done += jobs.length;
  }
  if (done !== JOBS) throw new Error(`claimed ${done} of ${JOBS}`);
  return JOBS / ((performance.now() - started) / 1000);
}

try {
  for (const schema of Object.values(SCHEMAS)) await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  const empty = await open(SCHEMAS.empty);
  const full = await open(SCHEMAS.full);
  const t0 = performance.now();
  await admin.query(
    `INSERT INTO ${SCHEMAS.full}.jobs (id, task, queue, state, priority, run_at, attempt, max_attempts, input,
       result, created_at, started_at, finished_at, updated_at)
     SELECT 'old-' || lpad(g::text, 9, '0'), 'bench.noop', 'bench', 'completed', 0, g, 1, 1, '{}', 'null', g, g, g, g
     FROM generate_series(1, $1::bigint) AS g`,
    [RETAINED],
  );
  await admin.query(`ANALYZE ${SCHEMAS.full}.jobs`);
  console.log(
    `wrote ${RETAINED.toLocaleString()} completed jobs in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  const rates = { empty: [] as number[], full: [] as number[] };
  for (let rep = 0; rep < REPS; rep++) {
    for (const [name, backend] of [
      ["empty", empty],
      ["full", full],
    ] as const) {
      const rate = await run(backend);
      rates[name].push(rate);
      console.log(
        `rep ${rep + 1} ${name.padEnd(5)}: claim+complete ${Math.round(rate).toLocaleString()} jobs/s`,
      );
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const e = median(rates.empty);
  const f = median(rates.full);
  console.log(
    `median: empty ${Math.round(e)} jobs/s, with ${RETAINED.toLocaleString()} retained ${Math.round(f)} jobs/s (${((f / e) * 100).toFixed(0)}% of empty)`,
  );
  await empty.close();
  await full.close();
} finally {
  for (const schema of Object.values(SCHEMAS)) await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin.end();
}
