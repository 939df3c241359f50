/**
 * SQLite: the two dashboard calls that were over 100 ms p95 at 1M jobs stay index-bound.
 *
 * - The newest page (`GET /api/jobs?limit=50`, no filter) is a walk of `limit` entries of the id
 *   index and nothing else: no state subquery, no sort.
 * - A common word (more index matches than INDEX_PLAN_MAX: "paper jam" in 50,000 error messages)
 *   reads the jobs in windows of the id order, index-only, and takes each window's matches from
 *   the trigram index by rowid range; it used to test every job's text in id order.
 *
 * Checked by the query plan (not by speed), before and after ANALYZE; and the windowed search
 * must page exactly as a direct scan does, in both orders, with ids inserted out of rowid order
 * (a job's id is chosen before its insert; a follow-up's long before) and pages that cross
 * windows.
 */
import Database from "better-sqlite3";
import { afterAll, expect, test } from "vitest";
import type { JobListParams } from "../../src/backend/backend.js";
import * as SQL from "../../src/backend/sqlite/generated/sql.js";
import { createSqliteBackend } from "../../src/backend/sqlite/index.js";
import { INDEX_PLAN_MAX, SEARCH_WINDOW } from "../../src/backend/sqlite/search.js";
import { FakeClock } from "../../src/core/clock.js";
import { newJob, tempDir } from "./sqlite-helpers.js";

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const ARGS = { queue: null, task: null, key: null, created_after: null, created_before: null, after: null };

function plan(db: Database.Database, sql: string, params: object): string {
  const rows = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as { detail: string }[];
  return rows.map((r) => r.detail).join(" | ");
}

test("the newest page walks the id index only; a common word's windows are index-only and range-bound", async () => {
  const file = tmp.file("plan.db");
  const backend = await createSqliteBackend(`sqlite://${file}`, { clock: new FakeClock() });
  for (let i = 0; i < 4; i++)
    await backend.jobEnqueue({ jobs: Array.from({ length: 500 }, () => newJob(`q${i % 2}`)) });
  await backend.close();
  const db = new Database(file);
  db.function("spool_contains_ci", { deterministic: true }, (_hay, _needle) => 0);
  for (const analyzed of [false, true]) {
    if (analyzed) db.exec("ANALYZE");
    const at = `analyzed=${analyzed}`;
    for (const sql of [SQL.JOB_LIST_DESC, SQL.JOB_LIST_ASC])
      expect(plan(db, sql, { ...ARGS, search: null, limit: 51 }), at).toBe(
        "SCAN spool_jobs USING INDEX sqlite_autoindex_spool_jobs_1",
      );
    for (const sql of [SQL.SEARCH_WINDOW_DESC, SQL.SEARCH_WINDOW_ASC])
      for (const after of [null, "x"]) {
        const p = plan(db, sql, { after, window: SEARCH_WINDOW });
        expect(p, at).toContain("SCAN spool_jobs USING COVERING INDEX sqlite_autoindex_spool_jobs_1");
        expect(p, at).not.toContain("TEMP B-TREE");
      }
    for (const sql of [SQL.JOB_SEARCH_WINDOW_DESC, SQL.JOB_SEARCH_WINDOW_ASC]) {
      const p = plan(db, sql, {
        ...ARGS,
        phrase: '"x"',
        search: "x",
        lo: 1,
        hi: 2,
        low_id: "a",
        high_id: "b",
        limit: 51,
      });
      // The index's matches in the rowid range only (FTS5 idxStr: M = MATCH, > < = rowid bounds).
      expect(p, at).toContain("SCAN spool_jobs_search VIRTUAL TABLE INDEX 0:M1><");
      // The jobs: by the id range of the window or by rowid, never a walk of the table.
      expect(p, at).toMatch(
        /SEARCH j USING (INDEX sqlite_autoindex_spool_jobs_1 \(id>\? AND id<\?\)|INTEGER PRIMARY KEY \(rowid=\?\))/,
      );
      expect(p, at).not.toMatch(/SCAN j(?! )|SCAN j USING|SCAN spool_jobs(?!_search)/);
    }
  }
  db.close();
});

test("a common word pages exactly as a direct scan, both orders, ids out of rowid order", async () => {
  const file = tmp.file("search.db");
  const backend = await createSqliteBackend(`sqlite://${file}`, { clock: new FakeClock() });
  const total = Math.ceil(2.5 * SEARCH_WINDOW);
  // Ids in creation order, inserted shuffled: rowid order is not id order.
  const jobs = Array.from({ length: total }, (_, i) =>
    newJob("q", i % 3 === 0 ? "t.other" : "t.main", {
      input: JSON.stringify({ note: i % 4 === 3 ? "nothing here" : `printer on fire: Paper Jam #${i}` }),
    }),
  );
  const shuffled = [...jobs].sort(
    (a, b) => ((a.id.charCodeAt(35) * 7919) % 97) - ((b.id.charCodeAt(35) * 7919) % 97),
  );
  for (let i = 0; i < shuffled.length; i += 1000)
    await backend.jobEnqueue({ jobs: shuffled.slice(i, i + 1000) });
  await backend.searchCatchUp();
  const matching = (task?: string) =>
    jobs
      .filter((j) => j.input.includes("Paper Jam") && (task === undefined || j.task === task))
      .map((j) => j.id)
      .sort();
  // The word is common: the windowed plan is the one taken (search.ts).
  const db = new Database(file, { readonly: true });
  const candidates = (
    db
      .prepare("SELECT count(*) AS n FROM spool_jobs_search WHERE spool_jobs_search MATCH ?")
      .get('"paper jam"') as { n: number }
  ).n;
  db.close();
  expect(candidates).toBeGreaterThanOrEqual(INDEX_PLAN_MAX);
  const walk = async (params: JobListParams) => {
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await backend.jobList({ ...params, ...(cursor ? { cursor } : {}) });
      expect(page.jobs.length).toBeLessThanOrEqual(params.limit ?? 50);
      ids.push(...page.jobs.map((j) => j.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return ids;
  };
  expect(await walk({ search: "paper jam", limit: 333 })).toEqual(matching().reverse());
  expect(await walk({ search: "PAPER JAM", limit: 500, order: "asc" })).toEqual(matching());
  expect(await walk({ search: "paper jam", limit: 50, task: "t.other" })).toEqual(
    matching("t.other").reverse(),
  );
  await backend.close();
});
