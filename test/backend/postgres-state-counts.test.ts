/**
 * PostgreSQL: queueList's per-queue counts of every state are the sums of the deltas the
 * statement triggers of migrations 0063 and 0091 append, not a scan. Checked against count(*)
 * after every kind of transition and after a fold, and on a store upgraded to 0091 with jobs
 * in every state already in it (the migration seeds the live counts).
 */
import pg from "pg";
import { afterAll, expect, test } from "vitest";
import { MIGRATIONS } from "../../src/backend/postgres/generated/sql.js";
import { createPostgresBackend, type PostgresBackend } from "../../src/backend/postgres/index.js";
import { inSchema } from "../../src/backend/postgres/statements.js";
import { JOB_STATES, type JobState } from "../../src/core/types.js";
import { POSTGRES_URL_BASE, postgresUrl, requirePostgres } from "../support/postgres.js";

requirePostgres("the PostgreSQL state-count tests");

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

type Counts = Record<string, Partial<Record<JobState, number>>>;

/** count(*) per queue and state, straight from the jobs table. */
async function truth(c: pg.Client, schema: string): Promise<Counts> {
  const rows = (
    await c.query(`SELECT queue, state, count(*)::int AS n FROM "${schema}".jobs GROUP BY queue, state`)
  ).rows as { queue: string; state: JobState; n: number }[];
  const out: Counts = {};
  for (const r of rows) (out[r.queue] ??= {})[r.state] = r.n;
  return out;
}

/** What queueList says, in the same shape. */
async function counted(backend: PostgresBackend): Promise<Counts> {
  const out: Counts = {};
  for (const q of await backend.queueList())
    for (const s of JOB_STATES) if (q.counts[s] > 0) (out[q.name] ??= {})[s] = q.counts[s];
  return out;
}

test("per-queue counts of every state follow every transition and survive a fold", async () => {
  const { url, schema, cleanup } = postgresUrl();
  cleanups.push(cleanup);
  const backend = await createPostgresBackend(url);
  cleanups.push(() => backend.close());
  await backend.migrate();
  const c = new pg.Client(POSTGRES_URL_BASE);
  await c.connect();
  cleanups.push(() => c.end());
  const mk = (queue: string, i: number) => ({
    id: `${String(i).padStart(6, "0")}-${queue}`,
    task: "t",
    queue,
    input: "{}",
    priority: 0,
    runAt: 0,
    maxAttempts: 3,
    key: null,
    meta: {},
    dependsOn: [],
    leaseMs: null,
    timeoutMs: null,
  });
  await backend.jobEnqueue({ jobs: Array.from({ length: 70 }, (_, i) => mk(`q${i % 2}`, i)) });
  // Live states too: scheduled, waiting on a dependency, queued, running.
  await backend.jobEnqueue({
    jobs: [
      { ...mk("q3", 200), runAt: Date.now() + 3_600_000 },
      { ...mk("q3", 201), dependsOn: ["000069-q1"] },
    ],
  });
  expect(await counted(backend)).toEqual(await truth(c, schema));
  const claimed = await backend.jobClaim({ queues: ["q0", "q1"], limit: 60, workerId: "w", leaseMs: 60_000 });
  expect(await counted(backend)).toEqual(await truth(c, schema));
  const [done, fail] = [claimed.jobs.slice(0, 40), claimed.jobs.slice(40)];
  await backend.jobComplete({ jobs: done.map((j) => ({ id: j.id, token: j.leaseToken, result: "null" })) });
  await backend.jobFail({
    jobs: fail.map((j) => ({
      id: j.id,
      token: j.leaseToken,
      retryAt: null,
      error: { attempt: 1, name: "E", message: "x", at: 1 },
    })),
  });
  expect(await counted(backend)).toEqual(await truth(c, schema));
  await backend.jobRetry({ ids: fail.slice(0, 5).map((j) => j.id) });
  await backend.jobRemove({ ids: done.slice(0, 7).map((j) => j.id) });
  await backend.jobEnqueue({ jobs: [mk("q2", 100)] });
  await backend.jobCancel({ ids: ["000100-q2"] });
  await backend.retentionPrune({ completedKeep: 20, limit: 1000 });
  expect(await counted(backend)).toEqual(await truth(c, schema));
  const deltas = async () =>
    Number((await c.query(`SELECT count(*) AS n FROM "${schema}".state_counts`)).rows[0].n);
  await backend.workerHeartbeat({
    worker: { id: "w", host: "h", pid: 1, queues: ["q0"], concurrency: 1, running: [], startedAt: 0 },
    ttlMs: 1000,
  });
  // One row per (queue, state) with jobs: q0 and q1 queued, running, completed, failed; q2
  // cancelled; q3 scheduled and waiting.
  expect(await deltas()).toBeLessThanOrEqual(11);
  expect(await counted(backend)).toEqual(await truth(c, schema));
  expect(Object.keys(await truth(c, schema)).length).toBe(4);
}, 120_000);

test("a store upgraded to 0091 counts the jobs it already had, in every state", async () => {
  const { url, schema, cleanup } = postgresUrl();
  cleanups.push(cleanup);
  const c = new pg.Client(POSTGRES_URL_BASE);
  await c.connect();
  cleanups.push(() => c.end());
  // The store as the release before 0091 left it: every earlier migration, and jobs.
  await c.query(`CREATE SCHEMA "${schema}"`);
  await c.query(
    `CREATE TABLE "${schema}".migrations (version bigint PRIMARY KEY, name text NOT NULL, applied_at bigint NOT NULL)`,
  );
  for (const m of MIGRATIONS.filter((m) => m.version < 91)) {
    await c.query(inSchema(m.sql, schema));
    await c.query(`INSERT INTO "${schema}".migrations VALUES ($1, $2, 0)`, [m.version, m.name]);
  }
  await c.query(`INSERT INTO "${schema}".jobs (id, task, queue, state, priority, run_at, max_attempts, input, created_at, finished_at, updated_at)
    SELECT lpad(to_hex(i), 12, '0') || '-0000', 't', 'q' || (i % 3),
      (ARRAY['waiting', 'scheduled', 'queued', 'queued', 'completed', 'failed', 'cancelled'])[1 + i % 7],
      0, 0, 3, '{}', i, CASE WHEN i % 7 >= 4 THEN 1 END, 1
    FROM generate_series(1, 2000) AS i`);
  const backend = await createPostgresBackend(url);
  cleanups.push(() => backend.close());
  await backend.migrate();
  const expected = await truth(c, schema);
  expect(Object.keys(expected)).toHaveLength(3);
  expect(expected.q1?.queued).toBeGreaterThan(0);
  expect(await counted(backend)).toEqual(expected);
}, 120_000);
