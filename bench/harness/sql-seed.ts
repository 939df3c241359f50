/**
 * `--seed sql` of bench/growth.ts: the same store as `seed` (harness/growth.ts: finished jobs
 * over 4 tasks and 4 queues, 95% completed, 5% failed with an error record), written by one
 * INSERT … SELECT per 100,000 jobs into the migrated schema instead of through enqueue, claim,
 * complete and fail. Every index and trigger of the schema is maintained as for any insert (on
 * SQLite the search index's pending list too, indexed by the caller). A million jobs take
 * minutes instead of the hour the public path takes on a loaded 2-core machine; the reads and
 * the processing runs measure the store, not how it was filled.
 *
 * Ids are UUIDv7-shaped and sort by `created_at` as real ids do: one job per millisecond, the
 * last created now.
 */
import Database from "better-sqlite3";
import pg from "pg";
import { createBackend } from "../../src/index.js";
import { SEED_QUEUES, SEED_TASKS } from "./growth.js";

const BATCH = 100_000;

function pick(list: readonly string[], expr: string): string {
  return `CASE ${expr} % ${list.length} ${list.map((v, i) => `WHEN ${i} THEN '${v}'`).join(" ")} END`;
}

/** Seeds `size` finished jobs by SQL; returns [first createdAt, last createdAt] (ms). */
export async function sqlSeed(
  url: string,
  size: number,
  log: (s: string) => void,
): Promise<[number, number]> {
  const backend = await createBackend(url);
  await backend.migrate();
  await backend.close();
  const end = Date.now();
  const start = end - size + 1;
  const task = (i: string) => pick(SEED_TASKS, i);
  const queue = (i: string) => pick(SEED_QUEUES, i);
  const failed = (i: string) => `${i} % 20 = 7`;
  if (url.startsWith("sqlite://")) {
    const db = new Database(url.slice("sqlite://".length).split("?")[0]!);
    db.pragma("busy_timeout = 60000");
    try {
      for (let from = 0; from < size; from += BATCH) {
        const to = Math.min(size, from + BATCH);
        db.exec(`
WITH RECURSIVE n(i) AS (SELECT ${from} UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ${to}),
t(i, at) AS (SELECT i, ${start} + i FROM n)
INSERT INTO spool_jobs (id, task, queue, state, priority, run_at, attempt, max_attempts, input, result, errors,
  meta, created_at, started_at, finished_at, updated_at, worker_id)
SELECT printf('%08x-%04x-7%03x-8%03x-%012x', at / 65536, at % 65536, (i / 4096) % 4096, i % 4096, i),
  ${task("i")}, ${queue("i")}, CASE WHEN ${failed("i")} THEN 'failed' ELSE 'completed' END,
  0, at, 1, 3, json_object('i', i),
  CASE WHEN ${failed("i")} THEN NULL ELSE 'null' END,
  CASE WHEN ${failed("i")} THEN json_array(json_object('attempt', 1, 'name', 'Error',
    'message', 'seeded failure ' || i, 'at', at)) ELSE '[]' END,
  '{}', at, at, at, at, 'growth-seed'
FROM t`);
        log(`   seeded ${to}/${size} (sql)`);
      }
    } finally {
      db.close();
    }
    return [start, end];
  }
  const u = new URL(url);
  const schema = u.searchParams.get("schema") ?? "spool";
  u.searchParams.delete("schema");
  const client = new pg.Client({ connectionString: u.toString() });
  await client.connect();
  try {
    for (let from = 0; from < size; from += BATCH) {
      const to = Math.min(size, from + BATCH) - 1;
      await client.query(`
INSERT INTO "${schema}".jobs (id, task, queue, state, priority, run_at, attempt, max_attempts, input, result, errors,
  meta, created_at, started_at, finished_at, updated_at, worker_id)
SELECT lpad(to_hex(at / 65536), 8, '0') || '-' || lpad(to_hex(at % 65536), 4, '0') || '-7' ||
    lpad(to_hex((i / 4096) % 4096), 3, '0') || '-8' || lpad(to_hex(i % 4096), 3, '0') || '-' || lpad(to_hex(i), 12, '0'),
  ${task("i")}, ${queue("i")}, CASE WHEN ${failed("i")} THEN 'failed' ELSE 'completed' END,
  0, at, 1, 3, json_build_object('i', i)::text,
  CASE WHEN ${failed("i")} THEN NULL ELSE 'null' END,
  CASE WHEN ${failed("i")} THEN jsonb_build_array(jsonb_build_object('attempt', 1, 'name', 'Error',
    'message', 'seeded failure ' || i, 'at', at)) ELSE '[]'::jsonb END,
  '{}', at, at, at, at, 'growth-seed'
FROM (SELECT i, ${start}::bigint + i AS at FROM generate_series(${from}::bigint, ${to}::bigint) AS i) AS t`);
      log(`   seeded ${to + 1}/${size} (sql)`);
    }
    await client.query(`ANALYZE "${schema}".jobs`);
  } finally {
    await client.end();
  }
  return [start, end];
}

/**
 * `--seed sql` of bench/dashboard-scale.ts on SQLite: its store (4 tasks on 4 queues, inputs
 * naming a customer, an invoice number and an amount, one in 100,000 the customer "zanzibar";
 * 90% completed, 5% failed with "printer on fire: paper jam", 5% queued) by INSERT … SELECT.
 */
export async function sqlSeedDashboard(
  file: string,
  size: number,
  shape: {
    tasks: readonly string[];
    queues: readonly string[];
    customers: readonly string[];
    rareEvery: number;
  },
  log: (s: string) => void,
): Promise<void> {
  const backend = await createBackend(`sqlite://${file}`);
  await backend.migrate();
  await backend.close();
  const end = Date.now();
  const start = end - size + 1;
  const db = new Database(file);
  db.pragma("busy_timeout = 60000");
  const queued = "i % 20 = 19";
  const failed = `NOT (${queued}) AND i % 19 = 7`;
  try {
    for (let from = 0; from < size; from += BATCH) {
      const to = Math.min(size, from + BATCH);
      db.exec(`
WITH RECURSIVE n(i) AS (SELECT ${from} UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ${to}),
t(i, at) AS (SELECT i, ${start} + i FROM n)
INSERT INTO spool_jobs (id, task, queue, state, priority, run_at, attempt, max_attempts, input, result, errors,
  meta, created_at, started_at, finished_at, updated_at)
SELECT printf('%08x-%04x-7%03x-8%03x-%012x', at / 65536, at % 65536, (i / 4096) % 4096, i % 4096, i),
  ${pick(shape.tasks, "i")}, ${pick(shape.queues, "i")},
  CASE WHEN ${queued} THEN 'queued' WHEN ${failed} THEN 'failed' ELSE 'completed' END,
  0, at, CASE WHEN ${queued} THEN 0 ELSE 1 END, 1,
  json_object('customer', CASE WHEN i % ${shape.rareEvery} = 4242 THEN 'zanzibar' ELSE ${pick(shape.customers, "i")} END,
    'invoice', 'INV-' || i, 'amount', (i * 37) % 10000),
  CASE WHEN ${queued} OR ${failed} THEN NULL ELSE '{"ok":true,"pages":3}' END,
  CASE WHEN ${failed} THEN json_array(json_object('attempt', 1, 'name', 'Error',
    'message', 'printer on fire: paper jam', 'stack', '', 'at', at)) ELSE '[]' END,
  '{}', at, CASE WHEN ${queued} THEN NULL ELSE at END, CASE WHEN ${queued} THEN NULL ELSE at END, at
FROM t`);
      log(`  seeded ${to} / ${size} (sql)`);
    }
  } finally {
    db.close();
  }
}
