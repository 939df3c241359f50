/**
 * The plans and server-side cost of spool's PostgreSQL hot statements on a realistic queue:
 * a backlog of queued jobs and many running ones (a worker's leases), then
 * `EXPLAIN (ANALYZE, BUFFERS)` of the one-statement claim, completion and bulk enqueue, each
 * both as planned for its parameters (custom plan) and as a prepared statement reused many
 * times may be planned (generic plan: `plan_cache_mode = force_generic_plan`), since spool's
 * statements are named and node-postgres reuses them.
 *
 *   npx tsx bench/pg-explain.ts [--queued 20000] [--running 1000] [--batch 250]
 */
import { createRequire } from "node:module";
import pg from "pg";
import { createBackend } from "../src/backend/create-backend.js";
import type { PostgresBackend } from "../src/backend/postgres/postgres-backend.js";
import { bind, type Stmt } from "../src/backend/postgres/statements.js";

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : def;
};
/** node-postgres' own encoding of a parameter (arrays as array literals), for EXECUTE's literals. */
const { prepareValue } = createRequire(import.meta.url)("pg/lib/utils.js") as {
  prepareValue: (v: unknown) => unknown;
};
const QUEUED = Number(arg("queued", "20000"));
const RUNNING = Number(arg("running", "1000"));
const BATCH = Number(arg("batch", "250"));
const BASE = process.env.BENCH_PG_URL ?? "postgres://spool:spool@127.0.0.1:5432/spool";
const SCHEMA = "spool_bench_explain";

const admin = new pg.Client({ connectionString: BASE });
await admin.connect();
await admin.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
const backend = (await createBackend(`${BASE}?schema=${SCHEMA}`)) as unknown as PostgresBackend;
await backend.migrate();
const sql = backend.store.sql;

let seq = 0;
const newJobs = (n: number) =>
  Array.from({ length: n }, () => ({
    id: `j${String(seq++).padStart(9, "0")}`,
    task: "explain.noop",
    queue: "default",
    input: JSON.stringify({ i: seq }),
    priority: 0,
    runAt: 0,
    maxAttempts: 3,
    key: null,
    meta: {},
    dependsOn: [],
    leaseMs: null,
    timeoutMs: null,
    dedupe: null,
  }));
for (let left = QUEUED + RUNNING + 4 * BATCH; left > 0; left -= 1000)
  await backend.jobEnqueue({ jobs: newJobs(Math.min(1000, left)) });
const running = [];
for (let left = RUNNING; left > 0; left -= 500) {
  const r = await backend.jobClaim({
    queues: ["default"],
    limit: Math.min(500, left),
    workerId: "w",
    leaseMs: 60_000,
  });
  running.push(...r.jobs);
}
await admin.query(`ANALYZE ${SCHEMA}.jobs`);
console.log(`schema ${SCHEMA}: ${QUEUED} queued, ${running.length} running, batches of ${BATCH}\n`);

async function explain(title: string, stmt: Stmt, params: Record<string, unknown>, generic: boolean) {
  const c = await backend.store.pool.connect();
  try {
    const values = bind(stmt, { now: null, ...params });
    let text: string;
    if (generic) {
      await c.query("SET plan_cache_mode = force_generic_plan");
      await c.query(`PREPARE explain_me AS ${stmt.text}`);
      // EXECUTE takes no bind parameters: the values go in as literals.
      const literal = (v: unknown) => (v === null ? "NULL" : c.escapeLiteral(String(prepareValue(v))));
      text = `EXPLAIN (ANALYZE, BUFFERS) EXECUTE explain_me(${values.map(literal).join(", ")})`;
    } else text = `EXPLAIN (ANALYZE, BUFFERS) ${stmt.text}`;
    const r = await c.query<{ "QUERY PLAN": string }>(text, generic ? [] : values);
    console.log(`── ${title} (${generic ? "generic" : "custom"} plan)`);
    for (const row of r.rows) console.log(row["QUERY PLAN"]);
    console.log();
  } finally {
    await c.query("DEALLOCATE ALL").catch(() => {});
    await c.query("RESET plan_cache_mode").catch(() => {});
    c.release();
  }
}

const claimParams = (token: string) => ({
  queue: "default",
  tasks: null,
  limit: BATCH,
  token,
  worker_id: "w",
  lease_ms: 60_000,
});
for (const generic of [false, true]) {
  const token = `t-explain-${generic}`;
  await explain("claim (job-claim-fast.sql)", sql.JOB_CLAIM_FAST, claimParams(token), generic);
  // Complete the batch just claimed, while `running` jobs hold leases too.
  const ids = (
    await admin.query<{ id: string }>(`SELECT id FROM ${SCHEMA}.jobs WHERE lease_token = $1`, [token])
  ).rows.map((r) => r.id);
  await explain(
    "complete (job-complete-fast.sql)",
    sql.JOB_COMPLETE_FAST,
    { ids, tokens: ids.map(() => token), results: ids.map(() => null) },
    generic,
  );
  const jobs = newJobs(1000);
  await explain(
    "enqueue 1000 (job-enqueue-fast.sql)",
    sql.JOB_ENQUEUE_FAST,
    {
      ids: jobs.map((j) => j.id),
      tasks: jobs.map((j) => j.task),
      queues: jobs.map((j) => j.queue),
      priorities: jobs.map(() => 0),
      run_ats: jobs.map(() => 0),
      max_attempts: jobs.map(() => 3),
      inputs: jobs.map((j) => j.input),
      metas: jobs.map(() => "{}"),
      lease_ms: jobs.map(() => null),
      timeout_ms: jobs.map(() => null),
      channel: null,
      origin: null,
    },
    generic,
  );
}

await backend.close();
await admin.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
await admin.end();
