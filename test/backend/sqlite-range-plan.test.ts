/**
 * SQLite: a created-time range and a task filter walk indexes (migration 0053), not every job in
 * id order. A range is read index-only from (created_at, id), capped at RANGE_PROBE_MAX, and its
 * smallest and largest id bound the primary-key walk (job-list-span.sql); a wider range walks as
 * before; a task walks (task, id) (job-list-task.sql). Checked by the query plan, before and after
 * ANALYZE, and by comparing every page the backend returns with a direct scan of the file, with
 * created times that do not follow the ids (moved or clock-skewed jobs) so that a bound taken
 * from the wrong end of the range would lose rows.
 */
import Database from "better-sqlite3";
import { afterAll, afterEach, expect, test } from "vitest";
import type { JobListParams } from "../../src/backend/backend.js";
import * as SQL from "../../src/backend/sqlite/generated/sql.js";
import { createSqliteBackend, type SqliteBackend } from "../../src/backend/sqlite/index.js";
import { RANGE_PROBE_MAX } from "../../src/backend/sqlite/reads.js";
import { FakeClock } from "../../src/core/clock.js";
import { newJob, tempDir } from "./sqlite-helpers.js";

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const open: SqliteBackend[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((b) => b.close()));
});

const ARGS = {
  queue: null,
  states: null,
  task: null,
  key: null,
  created_after: 5000,
  created_before: 6000,
  after: null,
  search: null,
  limit: 51,
};
const TOTAL = RANGE_PROBE_MAX + 2_000;

function plan(db: Database.Database, sql: string, params: object): string {
  const rows = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as { detail: string }[];
  return rows.map((r) => r.detail).join(" | ");
}

/** Every page of `params` through the backend, in order. */
async function walk(b: SqliteBackend, params: JobListParams): Promise<string[]> {
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const page = await b.jobList({ ...params, ...(cursor ? { cursor } : {}) });
    seen.push(...page.jobs.map((j) => j.id));
    cursor = page.nextCursor;
  } while (cursor);
  return seen;
}

test("created-time ranges and task filters walk indexes and page like a direct scan", async () => {
  const file = tmp.file("range-plan.db");
  const backend = await createSqliteBackend(`sqlite://${file}`, { clock: new FakeClock() });
  open.push(backend);
  for (let i = 0; i < TOTAL; i += 2_000) {
    await backend.jobEnqueue({
      jobs: Array.from({ length: 2_000 }, (_, j) => newJob(`q${(i + j) % 3}`, `task-${(i + j) % 5}`)),
    });
  }
  await backend.close();
  open.splice(0);

  const db = new Database(file);
  db.function("spool_contains_ci", { deterministic: true }, (_hay, _needle) => 0);
  // created_at = rowid * 10 (ids follow creation), except every 97th job, whose created time is
  // far from its id's neighbours (as a moved job's, or one from a skewed clock).
  db.exec(`UPDATE spool_jobs SET created_at = CASE WHEN rowid % 97 = 0 THEN (rowid * 7919) % ${TOTAL * 10}
    ELSE rowid * 10 END, state = CASE rowid % 10 WHEN 3 THEN 'failed' ELSE 'completed' END, finished_at = 1`);
  for (const analyzed of [false, true]) {
    if (analyzed) db.exec("ANALYZE");
    const probe = plan(db, SQL.JOB_LIST_RANGE_PROBE, { created_after: 5000, created_before: 6000, cap: 10 });
    expect(probe, `analyzed=${analyzed}`).toContain(
      "USING COVERING INDEX spool_jobs_created (created_at>? AND created_at<?)",
    );
    for (const sql of [SQL.JOB_LIST_SPAN_DESC, SQL.JOB_LIST_SPAN_ASC]) {
      for (const extra of [{}, { states: '["failed"]', queue: "q1", task: "task-1", after: "x" }]) {
        const p = plan(db, sql, { ...ARGS, ...extra, lo: "a", hi: "b" });
        expect(p, `analyzed=${analyzed}`).toMatch(
          /SEARCH spool_jobs USING INDEX sqlite_autoindex_spool_jobs_1 \(id>\? AND id<\?\)/,
        );
        expect(p, `analyzed=${analyzed}`).not.toContain("TEMP B-TREE");
      }
    }
    for (const sql of [SQL.JOB_LIST_TASK_DESC, SQL.JOB_LIST_TASK_ASC]) {
      const { states: _s, ...rest } = ARGS;
      for (const extra of [{}, { queue: "q1", after: "x" }]) {
        const p = plan(db, sql, {
          ...rest,
          created_after: null,
          created_before: null,
          ...extra,
          task: "task-2",
        });
        expect(p, `analyzed=${analyzed}`).toContain("USING INDEX spool_jobs_task_id (task=?");
        expect(p, `analyzed=${analyzed}`).not.toContain("TEMP B-TREE");
      }
    }
  }
  // For contrast, the statement a range or a task used before walks every job.
  const before = plan(db, SQL.JOB_LIST_DESC, { ...ARGS, task: "task-2" });
  expect(before).not.toContain("spool_jobs_created");
  expect(before).not.toContain("spool_jobs_task_id");

  const scan = (where: string, order: "desc" | "asc") =>
    (
      db.prepare(`SELECT id FROM spool_jobs WHERE ${where} ORDER BY id ${order}`).all() as { id: string }[]
    ).map((r) => r.id);
  const again = await createSqliteBackend(`sqlite://${file}`, { clock: new FakeClock() });
  open.push(again);
  const cases: [JobListParams, string][] = [
    [{ createdAfter: 50_000, createdBefore: 52_000 }, "created_at >= 50000 AND created_at < 52000"],
    [
      { createdAfter: 50_000, createdBefore: 52_000, state: "failed" },
      "created_at >= 50000 AND created_at < 52000 AND state = 'failed'",
    ],
    [{ createdAfter: 50_000, createdBefore: 50_000.5 }, "created_at >= 50000 AND created_at < 50000.5"],
    [{ createdAfter: 10 ** 9 }, "created_at >= 1000000000"],
    [{ createdBefore: 3_000 }, "created_at < 3000"],
    [
      { createdAfter: (TOTAL - 500) * 10, queue: "q2" },
      `created_at >= ${(TOTAL - 500) * 10} AND queue = 'q2'`,
    ],
    // More jobs than the probe reads: the plain walk.
    [{ createdAfter: 0, task: "task-3" }, "created_at >= 0 AND task = 'task-3'"],
    [{ task: "task-4" }, "task = 'task-4'"],
    [
      { task: "task-4", state: ["failed", "cancelled"] },
      "task = 'task-4' AND state IN ('failed', 'cancelled')",
    ],
    [{ task: "none" }, "task = 'none'"],
  ];
  for (const [params, where] of cases) {
    for (const order of ["desc", "asc"] as const) {
      const want = scan(where, order);
      expect(await walk(again, { ...params, order, limit: 37 }), `${where} ${order}`).toEqual(want);
    }
  }
  expect(scan("created_at >= 50000 AND created_at < 52000", "asc").length).toBeGreaterThan(100);
  expect(scan("created_at >= 0", "asc").length).toBeGreaterThan(RANGE_PROBE_MAX);
  db.close();
}, 180_000);
