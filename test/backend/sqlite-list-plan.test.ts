/**
 * SQLite: listing jobs in one state walks the (state, id) index (migration 0023) instead of every
 * job in id order. Checked by the query plan, not by speed, on a store with many jobs, before and
 * after ANALYZE (statistics can change the planner's choice); and the backend's answer for one
 * state (or several, merged) must equal a direct scan, so the statements it picks filter right.
 */
import Database from "better-sqlite3";
import { afterAll, afterEach, expect, test } from "vitest";
import * as SQL from "../../src/backend/sqlite/generated/sql.js";
import { createSqliteBackend, type SqliteBackend } from "../../src/backend/sqlite/index.js";
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
  task: null,
  key: null,
  created_after: null,
  created_before: null,
  after: "~", // never NULL (reads.ts): with no cursor, a bound past every id
  search: null,
  limit: 51,
};

function plan(db: Database.Database, sql: string, params: object): string {
  const rows = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as { detail: string }[];
  return rows.map((r) => r.detail).join(" | ");
}

test("a one-state list uses the (state, id) index, no full walk and no sort", async () => {
  const file = tmp.file("plan.db");
  const backend = await createSqliteBackend(`sqlite://${file}`, { clock: new FakeClock() });
  open.push(backend);
  for (let i = 0; i < 10; i++) {
    await backend.jobEnqueue({ jobs: Array.from({ length: 500 }, () => newJob(`q${i % 2}`)) });
  }
  await backend.close();
  open.splice(0);

  // Most jobs completed, one in 100 failed: the rare state a full walk used to hunt for.
  const db = new Database(file);
  // The store registers this function on its own connections; the plan only needs it to exist.
  db.function("spool_contains_ci", { deterministic: true }, (_hay, _needle) => 0);
  db.exec(
    "UPDATE spool_jobs SET state = CASE rowid % 100 WHEN 0 THEN 'failed' WHEN 50 THEN 'cancelled' ELSE 'completed' END, finished_at = 1",
  );
  const failed = db.prepare("SELECT id FROM spool_jobs WHERE state = 'failed' ORDER BY id DESC").all() as {
    id: string;
  }[];
  expect(failed.length).toBe(50);
  for (const analyzed of [false, true]) {
    if (analyzed) db.exec("ANALYZE");
    for (const sql of [SQL.JOB_LIST_STATE_DESC, SQL.JOB_LIST_STATE_ASC]) {
      const p = plan(db, sql, { ...ARGS, state: "failed" });
      expect(p, `analyzed=${analyzed}`).toContain("USING INDEX spool_jobs_state_id (state=?");
      expect(p, `analyzed=${analyzed}`).not.toContain("TEMP B-TREE");
      // The cursor is a seek on the index, not a filter: a deep page reads one page, not k.
      const withCursor = plan(db, sql, { ...ARGS, state: "failed", queue: "q1", after: "x" });
      expect(withCursor, `analyzed=${analyzed}`).toMatch(
        /USING INDEX spool_jobs_state_id \(state=\? AND id[<>]\?\)/,
      );
    }
    for (const sql of [SQL.JOB_LIST_TASK_DESC, SQL.JOB_LIST_TASK_ASC])
      expect(plan(db, sql, { ...ARGS, task: "t", after: "x" }), `analyzed=${analyzed}`).toMatch(
        /USING INDEX spool_jobs_task_id \(task=\? AND id[<>]\?\)/,
      );
    for (const sql of [SQL.JOB_LIST_QUEUE_DESC, SQL.JOB_LIST_QUEUE_ASC]) {
      const { task: _t, queue: _q, ...byQueue } = ARGS;
      expect(plan(db, sql, { ...byQueue, queue: "q1", after: "x" }), `analyzed=${analyzed}`).toMatch(
        /USING INDEX spool_jobs_queue_id \(queue=\? AND id[<>]\?\)/,
      );
    }
    for (const sql of [SQL.JOB_LIST_DESC, SQL.JOB_LIST_ASC])
      expect(plan(db, sql, { ...ARGS, states: null, after: "x" }), `analyzed=${analyzed}`).toMatch(
        /SEARCH spool_jobs USING INDEX sqlite_autoindex_spool_jobs_1 \(id[<>]\?\)/,
      );
  }
  // The statement the change replaced, for contrast: its plan walks every job.
  expect(plan(db, SQL.JOB_LIST_DESC, { ...ARGS, states: '["failed"]' })).not.toContain("spool_jobs_state_id");
  db.close();

  const again = await createSqliteBackend(`sqlite://${file}`, { clock: new FakeClock() });
  open.push(again);
  const got: string[] = [];
  let cursor: string | null = null;
  do {
    const page = await again.jobList({ state: "failed", limit: 20, ...(cursor ? { cursor } : {}) });
    got.push(...page.jobs.map((j) => j.id));
    cursor = page.nextCursor;
  } while (cursor);
  expect(got).toEqual(failed.map((r) => r.id));
  // Several states: one index walk per state, merged by id, paged with cursors both ways.
  const rare = db2Ids(file);
  for (const order of ["desc", "asc"] as const) {
    const seen: string[] = [];
    let c: string | null = null;
    do {
      const page = await again.jobList({
        state: ["cancelled", "failed", "failed"],
        order,
        limit: 7,
        ...(c ? { cursor: c } : {}),
      });
      seen.push(...page.jobs.map((j) => j.id));
      c = page.nextCursor;
    } while (c);
    expect(seen).toEqual(order === "desc" ? rare : [...rare].reverse());
  }
  const asc = await again.jobList({ state: ["failed"], order: "asc", limit: 5 });
  expect(asc.jobs.map((j) => j.id)).toEqual(
    failed
      .map((r) => r.id)
      .reverse()
      .slice(0, 5),
  );
}, 120_000);

/** Ids of the failed and cancelled jobs, newest first, by a direct scan. */
function db2Ids(file: string): string[] {
  const db = new Database(file, { readonly: true });
  try {
    const rows = db
      .prepare("SELECT id FROM spool_jobs WHERE state IN ('failed', 'cancelled') ORDER BY id DESC")
      .all() as { id: string }[];
    return rows.map((r) => r.id);
  } finally {
    db.close();
  }
}

test("a quiet queue listed beside a busy one pages like a direct scan, newest and oldest first", async () => {
  // The busy queue's jobs are all newer: the walk of every job in id order read them all first.
  const file = tmp.file("queues.db");
  const backend = await createSqliteBackend(`sqlite://${file}`, { clock: new FakeClock() });
  open.push(backend);
  await backend.jobEnqueue({ jobs: Array.from({ length: 23 }, () => newJob("quiet")) });
  for (let i = 0; i < 4; i++)
    await backend.jobEnqueue({ jobs: Array.from({ length: 500 }, () => newJob("busy")) });
  await backend.jobEnqueue({ jobs: Array.from({ length: 2 }, () => newJob("quiet")) });
  const db = new Database(file, { readonly: true });
  const direct = (
    db.prepare("SELECT id FROM spool_jobs WHERE queue = 'quiet' ORDER BY id DESC").all() as { id: string }[]
  ).map((r) => r.id);
  db.close();
  expect(direct).toHaveLength(25);
  for (const order of ["desc", "asc"] as const) {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await backend.jobList({ queue: "quiet", order, limit: 7, ...(cursor ? { cursor } : {}) });
      seen.push(...page.jobs.map((j) => j.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(order === "desc" ? direct : [...direct].reverse());
  }
  // Other filters still apply on the queue walk.
  const keyed = await backend.jobList({ queue: "busy", task: "nope" });
  expect(keyed.jobs).toEqual([]);
}, 120_000);
