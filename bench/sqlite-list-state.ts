/**
 * SQLite list by one state on a big store: the statement before migration 0023 (a walk of every
 * job in id order behind `:states IS NULL OR state IN (json_each)`) against job-list-state.sql
 * (a walk of the (state, id) index), on the same file in the same run.
 *
 *   npx tsx bench/sqlite-list-state.ts [--jobs 1000000] [--reps 200]
 *
 * The store is made by spool (migrations), then filled with one INSERT … SELECT (not through
 * spool): one job in 1,000 failed, the rest completed. Times a first page of 50 for
 * state=failed (rare) and state=completed (common), p50/p95 in ms, and prints the load average.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import * as SQL from "../src/backend/sqlite/generated/sql.js";
import { createSqliteBackend } from "../src/backend/sqlite/index.js";

const { values } = parseArgs({ options: { jobs: { type: "string" }, reps: { type: "string" } } });
const JOBS = Number(values.jobs ?? 1_000_000);
const REPS = Number(values.reps ?? 200);

const dir = mkdtempSync(join(tmpdir(), "spool-bench-list-"));
const file = join(dir, "list.db");
await (await createSqliteBackend(`sqlite://${file}`)).close();
const db = new Database(file);
db.pragma("journal_mode = WAL");
db.function("spool_contains_ci", { deterministic: true }, (_h, _n) => 0);
const t0 = Date.now();
db.exec(`
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${JOBS})
  INSERT INTO spool_jobs (id, task, queue, input, state, priority, run_at, attempt, max_attempts,
    created_at, updated_at, finished_at)
  SELECT printf('%012d', i), 't', 'q' || (i % 4), '{}',
    CASE WHEN i % 1000 = 0 THEN 'failed' ELSE 'completed' END, 0, i, 1, 3, i, i, i
  FROM n`);
db.exec("ANALYZE");
console.log(`filled ${JOBS} jobs in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

const base = {
  queue: null,
  task: null,
  key: null,
  created_after: null,
  created_before: null,
  after: null,
  search: null,
  limit: 51,
};
function time(sql: string, params: object): { p50: number; p95: number } {
  const stmt = db.prepare(sql);
  const ms: number[] = [];
  for (let i = 0; i < REPS; i++) {
    const t = process.hrtime.bigint();
    stmt.all(params);
    ms.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  ms.sort((a, b) => a - b);
  return { p50: ms[Math.floor(REPS * 0.5)] ?? 0, p95: ms[Math.floor(REPS * 0.95)] ?? 0 };
}
for (const state of ["failed", "completed"]) {
  const before = time(SQL.JOB_LIST_DESC, { ...base, states: JSON.stringify([state]) });
  const after = time(SQL.JOB_LIST_STATE_DESC, { ...base, state });
  const f = (x: { p50: number; p95: number }) => `p50 ${x.p50.toFixed(2)} ms p95 ${x.p95.toFixed(2)} ms`;
  console.log(
    `state=${state}: before (json_each) ${f(before)} | after (state index) ${f(after)} | p95 ratio ${(before.p95 / after.p95).toFixed(0)}x`,
  );
}
console.log(
  `load average ${loadavg()
    .map((x) => x.toFixed(1))
    .join(" ")}`,
);
db.close();
rmSync(dir, { recursive: true, force: true });
