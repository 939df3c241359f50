/**
 * SQLite: the statements every job goes through keep a plan that costs one index probe per job,
 * whatever the store holds. Checked by the query plan, not by speed, before and after ANALYZE
 * (statistics can change the planner's choice), on a store with many running jobs.
 *
 * The batch completion once walked every running job through the (state, id) index of migration
 * 0023 and scanned the whole batch for each one (batch x running work per call): processing fell
 * from ~40k to ~6k jobs/s and no test noticed, because the answers stayed right.
 */
import Database from "better-sqlite3";
import { afterAll, expect, test } from "vitest";
import * as SQL from "../../src/backend/sqlite/generated/sql.js";
import { createSqliteBackend } from "../../src/backend/sqlite/index.js";
import { FakeClock } from "../../src/core/clock.js";
import { newJob, tempDir } from "./sqlite-helpers.js";

const tmp = tempDir();
afterAll(() => tmp.cleanup());

function plan(db: Database.Database, sql: string, params: object): string {
  const rows = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as { detail: string }[];
  return rows.map((r) => r.detail).join(" | ");
}

test("a batch completion drives from the batch and probes the id index once per job", async () => {
  const file = tmp.file("hot.db");
  const backend = await createSqliteBackend(`sqlite://${file}`, { clock: new FakeClock() });
  await backend.jobEnqueue({ jobs: Array.from({ length: 3000 }, () => newJob("q")) });
  const claimed = await backend.jobClaim({ queues: ["q"], limit: 1000, workerId: "w", leaseMs: 60_000 });
  expect(claimed.jobs).toHaveLength(1000);
  // Half of them complete through the statement under test: the answer must be right too.
  const batch = claimed.jobs.slice(0, 500).map((j) => ({ id: j.id, token: j.leaseToken, result: "null" }));
  const out = await backend.jobComplete({ jobs: batch });
  expect(out.ok.length).toBe(500);
  expect(out.refused).toEqual([]);
  await backend.close();

  const db = new Database(file);
  for (const analyzed of [false, true]) {
    if (analyzed) db.exec("ANALYZE");
    const p = plan(db, SQL.JOB_COMPLETE_MANY, { now: 1, jobs: "[]" });
    expect(p, `analyzed=${analyzed}`).toMatch(
      /^SCAN b VIRTUAL TABLE.*\| SEARCH spool_jobs USING INDEX sqlite_autoindex_spool_jobs_1 \(id=\?\)$/,
    );
    expect(p, `analyzed=${analyzed}`).not.toContain("spool_jobs_state_id");
  }
  db.close();
});
