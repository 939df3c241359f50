/**
 * SQLite: a search too short for the trigram index (1 or 2 characters) with a state filter walks
 * the (state, id) index of migration 0023 (job-search-scan-state.sql, once per state), not every
 * job in id order. Checked by the query plan (not by speed), before and after ANALYZE; and the
 * backend's pages for one state and for several (merged by id, both directions) must equal a
 * direct scan of the file.
 */
import Database from "better-sqlite3";
import { afterAll, afterEach, expect, test } from "vitest";
import * as SQL from "../../src/backend/sqlite/generated/sql.js";
import { createSqliteBackend, type SqliteBackend } from "../../src/backend/sqlite/index.js";
import { FakeClock } from "../../src/core/clock.js";
import type { JobState } from "../../src/core/types.js";
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
  after: null,
  search: "zq",
  limit: 51,
};

function plan(db: Database.Database, sql: string, params: object): string {
  const rows = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as { detail: string }[];
  return rows.map((r) => r.detail).join(" | ");
}

/** Ids in `states` whose input holds "zq", newest first, by a direct scan. */
function expected(file: string, states: string[]): string[] {
  const db = new Database(file, { readonly: true });
  try {
    const rows = db
      .prepare(
        `SELECT id FROM spool_jobs WHERE state IN (SELECT value FROM json_each(?)) AND instr(lower(input), 'zq') > 0 ORDER BY id DESC`,
      )
      .all(JSON.stringify(states)) as { id: string }[];
    return rows.map((r) => r.id);
  } finally {
    db.close();
  }
}

test("a 1-2 character search with a state filter walks the (state, id) index, per state", async () => {
  const file = tmp.file("search-plan.db");
  const backend = await createSqliteBackend(`sqlite://${file}`, { clock: new FakeClock() });
  open.push(backend);
  let n = 0;
  for (let i = 0; i < 8; i++) {
    await backend.jobEnqueue({
      jobs: Array.from({ length: 500 }, () => {
        n++;
        // One job in 3 carries the 2-character needle, in upper case (the search ignores case).
        return newJob(`q${i % 2}`, "t", { input: JSON.stringify({ n, tag: n % 3 === 0 ? "ZQ" : "ab" }) });
      }),
    });
  }
  await backend.close();
  open.splice(0);

  const db = new Database(file);
  db.function("spool_contains_ci", { deterministic: true }, (_hay, _needle) => 0);
  db.exec(
    "UPDATE spool_jobs SET state = CASE rowid % 50 WHEN 0 THEN 'failed' WHEN 25 THEN 'cancelled' ELSE 'completed' END, finished_at = 1",
  );
  for (const analyzed of [false, true]) {
    if (analyzed) db.exec("ANALYZE");
    for (const sql of [SQL.JOB_SEARCH_SCAN_STATE_DESC, SQL.JOB_SEARCH_SCAN_STATE_ASC]) {
      for (const extra of [{}, { queue: "q1", after: "x" }]) {
        const p = plan(db, sql, { ...ARGS, ...extra, state: "failed" });
        expect(p, `analyzed=${analyzed}`).toMatch(/SEARCH j USING INDEX spool_jobs_state_id \(state=\?/);
        expect(p, `analyzed=${analyzed}`).not.toContain("TEMP B-TREE");
      }
    }
  }
  // The statement a state filter used before, for contrast: it walks every job.
  expect(plan(db, SQL.JOB_SEARCH_SCAN_DESC, { ...ARGS, states: '["failed"]' })).not.toContain(
    "spool_jobs_state_id",
  );
  db.close();

  const again = await createSqliteBackend(`sqlite://${file}`, { clock: new FakeClock() });
  open.push(again);
  const cases: JobState[][] = [["failed"], ["cancelled", "failed", "failed"]];
  for (const states of cases) {
    const want = expected(file, states);
    expect(want.length).toBeGreaterThan(10);
    for (const order of ["desc", "asc"] as const) {
      const seen: string[] = [];
      let c: string | null = null;
      do {
        const page = await again.jobList({
          state: states.length === 1 ? states[0]! : states,
          search: "zq",
          order,
          limit: 7,
          ...(c ? { cursor: c } : {}),
        });
        seen.push(...page.jobs.map((j) => j.id));
        c = page.nextCursor;
      } while (c);
      expect(seen, `${states} ${order}`).toEqual(order === "desc" ? want : [...want].reverse());
    }
  }
  // An empty state list matches nothing, as before.
  expect((await again.jobList({ state: [], search: "zq" })).jobs).toEqual([]);
}, 120_000);
