/**
 * SQLite: the two dashboard calls that were over 100 ms p95 at 1M jobs.
 *
 * - The newest page (`GET /api/jobs?limit=50`, no filter) is a walk of `limit` entries of the id
 *   index and nothing else: no state subquery, no sort. Checked by the query plan (not by
 *   speed), before and after ANALYZE.
 * - A common word (more index matches than INDEX_PLAN_MAX: "paper jam" in 50,000 error messages)
 *   walks the jobs in id order (a windowed read of the trigram index by rowid range was tried
 *   and measured 10× slower at 1M: docs/dashboard.md); it must page exactly as a direct scan
 *   does, in both orders, with ids inserted out of rowid order.
 */
import Database from "better-sqlite3";
import { afterAll, expect, test } from "vitest";
import type { JobListParams } from "../../src/backend/backend.js";
import * as SQL from "../../src/backend/sqlite/generated/sql.js";
import { createSqliteBackend } from "../../src/backend/sqlite/index.js";
import { INDEX_PLAN_MAX } from "../../src/backend/sqlite/search.js";
import { FakeClock } from "../../src/core/clock.js";
import { newJob, tempDir } from "./sqlite-helpers.js";

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const ARGS = { queue: null, task: null, key: null, created_after: null, created_before: null, after: null };

function plan(db: Database.Database, sql: string, params: object): string {
  const rows = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as { detail: string }[];
  return rows.map((r) => r.detail).join(" | ");
}

test("the newest page walks the id index only", async () => {
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
    // The cursor (or, on the first page, a bound past every id: reads.ts) is a seek on the id index.
    for (const sql of [SQL.JOB_LIST_DESC, SQL.JOB_LIST_ASC])
      expect(plan(db, sql, { ...ARGS, after: "x", search: null, limit: 51 }), at).toMatch(
        /^SEARCH spool_jobs USING INDEX sqlite_autoindex_spool_jobs_1 \(id[<>]\?\)$/,
      );
  }
  db.close();
});

test("a common word pages exactly as a direct scan, both orders, ids out of rowid order", async () => {
  const file = tmp.file("search.db");
  const backend = await createSqliteBackend(`sqlite://${file}`, { clock: new FakeClock() });
  const total = 5_000;
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
  // The word is common: the walk in id order is the plan taken (search.ts).
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
