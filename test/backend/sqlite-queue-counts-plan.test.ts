/**
 * SQLite: `queues.list()` (GET /api/queues, the dashboard's overview) reads no backlog. Its counts
 * come from spool_state_counts (migration 0092; counting the live states' partial indexes took
 * 90 ms at 1,000,000 queued); the oldest queued job from the head of each priority's line
 * (min(created_at) over 1M queued jobs took 111 ms); the jobs waiting on limits through the
 * partial indexes, never through the (state, id) index of migration 0023, which SQLite picks
 * without planner statistics (~150 ms per statement at 50,000 queued of 1M). Checked by the query
 * plan (not by speed), with and without ANALYZE, and the answers against direct counts. */
import Database from "better-sqlite3";
import { afterAll, expect, test } from "vitest";
import * as SQL from "../../src/backend/sqlite/generated/sql.js";
import { createSqliteBackend } from "../../src/backend/sqlite/index.js";
import { FakeClock } from "../../src/core/clock.js";
import { newJob, tempDir } from "./sqlite-helpers.js";

const tmp = tempDir();
afterAll(() => tmp.cleanup());

function plan(db: Database.Database, sql: string, params: object = {}): string {
  const rows = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as { detail: string }[];
  return rows.map((r) => r.detail).join(" | ");
}

test("queue counts, oldest queued and jobs waiting on limits read no backlog", async () => {
  const file = tmp.file("counts.db");
  const backend = await createSqliteBackend(`sqlite://${file}`, { clock: new FakeClock() });
  for (let i = 0; i < 4; i++)
    await backend.jobEnqueue({ jobs: Array.from({ length: 500 }, () => newJob(`q${i % 2}`)) });
  await backend.close();

  const db = new Database(file);
  // Most jobs finished, a few in each live state.
  db.exec(
    `UPDATE spool_jobs SET state = CASE rowid % 20 WHEN 0 THEN 'queued' WHEN 1 THEN 'scheduled'
       WHEN 2 THEN 'running' WHEN 3 THEN 'waiting' ELSE 'completed' END,
       finished_at = CASE WHEN rowid % 20 > 3 THEN 1 END`,
  );
  const direct = db
    .prepare(
      "SELECT queue, state, count(*) AS n FROM spool_jobs NOT INDEXED WHERE state IN ('queued','scheduled','running','waiting') GROUP BY queue, state ORDER BY queue, state",
    )
    .all();
  for (const analyzed of [false, true]) {
    if (analyzed) db.exec("ANALYZE");
    // The counts are kept (migration 0092): no job is read at all.
    expect(plan(db, SQL.QUEUE_COUNTS), `analyzed=${analyzed}`).toBe("SCAN spool_state_counts");
    // The oldest queued job: a loose scan of each queue's priorities (a max() seek each), then
    // the head of each priority's line; never a scan of a queue's whole backlog.
    const oldest = plan(db, SQL.QUEUE_OLDEST_QUEUED, { queues: '["q0","q1"]', depth: 100 });
    for (const seek of ["(queue=?)", "(queue=? AND priority<?)", "(queue=? AND priority=?)"])
      expect(oldest, `analyzed=${analyzed}`).toContain(
        `SEARCH j USING COVERING INDEX spool_jobs_ready ${seek}`,
      );
    expect(oldest).not.toMatch(/SCAN j\b/);
    expect(
      db.prepare(SQL.QUEUE_OLDEST_QUEUED).all({ queues: '["q0","q1"]', depth: 100 }),
      `analyzed=${analyzed}`,
    ).toEqual(
      db
        .prepare(
          "SELECT queue, min(created_at) AS oldest FROM spool_jobs NOT INDEXED WHERE state = 'queued' GROUP BY queue",
        )
        .all(),
    );
    expect(plan(db, SQL.FLOW_WAITING)).toContain("INDEX spool_jobs_flow_groups");
    // Task holds are few and short-lived: the holds table drives, each held task's queued jobs follow.
    expect(plan(db, SQL.FLOW_WAITING_HELD, { now: 0 })).toMatch(/^SCAN h \| SEARCH j /);
    const live = (db.prepare(SQL.QUEUE_COUNTS).all() as { queue: string; state: string; n: number }[])
      .filter((r) => r.state !== "completed")
      .sort((a, b) => a.queue.localeCompare(b.queue) || a.state.localeCompare(b.state));
    expect(live).toEqual(direct);
  }
  db.close();
});
