/**
 * PostgreSQL: queueList's per-queue counts of every state are the sums of the deltas the
 * statement triggers of migrations 0063 and 0091 append, not a scan. Checked against count(*)
 * after every kind of transition and after a fold, and on a store upgraded to 0091 with jobs
 * in every state already in it (the migration seeds the live counts). Beside a big backlog,
 * the rest of queues.list (the oldest queued job, held tasks) reads a bounded number of jobs.
 */
import type pg from "pg";
import { afterAll, expect, test } from "vitest";
import { MIGRATIONS } from "../../src/backend/postgres/generated/sql.js";
import { createPostgresBackend, type PostgresBackend } from "../../src/backend/postgres/index.js";
import { inSchema, prepareStatements } from "../../src/backend/postgres/statements.js";
import { OLDEST_SCAN } from "../../src/backend/shared.js";
import { JOB_STATES, type JobState } from "../../src/core/types.js";
import { migratedPostgres, postgresUrl, requirePostgres, sqlClient } from "../support/postgres.js";
import { newJob } from "./sqlite-helpers.js";

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
  const { backend, schema, client: c } = await migratedPostgres(cleanups);
  // Fixed ids, so a dependency and a cancellation can name their job.
  const mk = (queue: string, i: number) =>
    newJob(queue, "t", { id: `${String(i).padStart(6, "0")}-${queue}` });
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
  const c = await sqlClient(cleanups);
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

/** Rows the plan's nodes on `jobs` produced (actual rows × loops), from EXPLAIN ANALYZE. */
async function jobsRowsRead(c: pg.Client, text: string, values: unknown[]): Promise<number> {
  const r = await c.query({ text: `EXPLAIN (ANALYZE, FORMAT JSON) ${text}`, values });
  const plan = (r.rows[0] as { "QUERY PLAN": { Plan: PlanNode }[] })["QUERY PLAN"][0]!.Plan;
  let rows = 0;
  const walk = (n: PlanNode) => {
    if (n["Relation Name"] === "jobs") rows += (n["Actual Rows"] ?? 0) * (n["Actual Loops"] ?? 0);
    for (const child of n.Plans ?? []) walk(child);
  };
  walk(plan);
  return rows;
}
interface PlanNode {
  "Relation Name"?: string;
  "Actual Rows"?: number;
  "Actual Loops"?: number;
  Plans?: PlanNode[];
}

test("queues.list beside a big backlog reads a bounded number of jobs, and its answer is right", async () => {
  const { backend, schema, client: c } = await migratedPostgres(cleanups);
  // 20,000 queued jobs in two priorities. The oldest (created first) has priority 0, the lower
  // one, and is fifth in its line (due after four younger jobs): reading only the first job, or
  // only the highest priority's head, would miss it.
  await c.query(`INSERT INTO "${schema}".jobs (id, task, queue, state, priority, run_at, max_attempts, input, created_at, updated_at)
    SELECT lpad(to_hex(i), 12, '0') || '-0000', 't', 'hot', 'queued', CASE WHEN i % 2 = 0 THEN 5 ELSE 0 END,
      CASE WHEN i = 1 THEN 10 ELSE i END, 3, '{}', 1000 + i, 1
    FROM generate_series(1, 20000) AS i`);
  const sql = prepareStatements(schema);
  const values = (name: "QUEUE_OLDEST_QUEUED" | "FLOW_WAITING_HELD", p: Record<string, unknown>) =>
    sql[name].params.map((k) => p[k] ?? null);
  // Without statistics (a busy queue's change faster than autovacuum samples them) and with.
  for (const analyzed of [false, true]) {
    if (analyzed) await c.query(`ANALYZE "${schema}".jobs`);
    // No hold in force: the held-task count reads no job at all.
    const now = Date.now();
    expect(
      await jobsRowsRead(c, sql.FLOW_WAITING_HELD.text, values("FLOW_WAITING_HELD", { now })),
      `analyzed=${analyzed}`,
    ).toBe(0);
    // The oldest queued job: a loose scan of the priorities and OLDEST_SCAN jobs of each.
    const read = await jobsRowsRead(
      c,
      sql.QUEUE_OLDEST_QUEUED.text,
      values("QUEUE_OLDEST_QUEUED", { queues: ["hot"], depth: OLDEST_SCAN }),
    );
    expect(read, `analyzed=${analyzed}`).toBeLessThanOrEqual(2 * OLDEST_SCAN + 10);
  }
  const [hot] = await backend.queueList();
  expect(hot?.counts.queued).toBe(20000);
  expect(hot?.oldestQueuedAt).toBe(1001);
  // A hold on task `t` in force: its queued jobs are counted, per queue.
  await c.query(`INSERT INTO "${schema}".queue_holds (name, until) VALUES ('t' || chr(31) || 't', $1)`, [
    Date.now() + 60_000,
  ]);
  const held = await c.query({
    text: sql.FLOW_WAITING_HELD.text,
    values: values("FLOW_WAITING_HELD", { now: Date.now() }),
  });
  expect(held.rows).toEqual([{ queue: "hot", task: "t", n: 20000 }]);
}, 120_000);
