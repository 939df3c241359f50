/**
 * SQLite text search (src/backend/sqlite/search.ts, migration 0005): the trigram index is
 * filled for stores that predate it, forgets every text a job no longer has, and common words
 * take the walk-the-jobs plan. The shared search semantics are in test/conformance (search).
 */
import Database from "better-sqlite3";
import { afterAll, afterEach, describe, expect, test } from "vitest";
import { createSqliteBackend, type SqliteBackend } from "../../src/backend/sqlite/index.js";
import { FakeClock } from "../../src/core/clock.js";
import { newJob, tempDir } from "./sqlite-helpers.js";

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const open: SqliteBackend[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((b) => b.close()));
});

async function backendAt(file: string, query = "", clock = new FakeClock()): Promise<SqliteBackend> {
  const backend = await createSqliteBackend(`sqlite://${file}${query}`, { clock });
  open.push(backend);
  return backend;
}

/** A second, plain connection to inspect the file the way an operator would. */
function inspect<T>(file: string, fn: (db: Database.Database) => T): T {
  const db = new Database(file, { readonly: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

describe("sqlite text search", () => {
  test("the search migration indexes the jobs a store already holds", async () => {
    const file = tmp.file();
    const first = await backendAt(file);
    const job = { ...newJob("q"), input: '{"city":"Reykjavik"}' };
    await first.jobEnqueue({ jobs: [job] });
    await first.close();
    // Back to the schema before 0005, as a store written by an older spool would be.
    const db = new Database(file);
    db.exec(`DROP TRIGGER spool_jobs_search_insert; DROP TRIGGER spool_jobs_search_input;
      DROP TRIGGER spool_jobs_search_result; DROP TRIGGER spool_jobs_search_errors;
      DROP TRIGGER spool_jobs_search_delete; DROP TABLE spool_jobs_search; DROP TABLE spool_jobs_search_pending;
      DELETE FROM spool_migrations WHERE version = 5;`);
    db.close();
    const second = await backendAt(file);
    expect((await second.jobList({ search: "reykjavik" })).jobs.map((j) => j.id)).toEqual([job.id]);
    const hits = inspect(file, (db) =>
      db.prepare("SELECT rowid FROM spool_jobs_search WHERE spool_jobs_search MATCH '\"reykjavik\"'").all(),
    );
    expect(hits).toHaveLength(1);
    await second.close();
  });

  test("the search index forgets every text a job no longer has", async () => {
    const file = tmp.file();
    const clock = new FakeClock(Date.now());
    const backend = await backendAt(file, "", clock);
    // A search indexes the documents written since the last one (and the timer does, later).
    const settle = () => backend.jobList({ search: "nothing-matches-this" });
    const hits = (text: string) =>
      inspect(file, (db) =>
        db.prepare("SELECT rowid FROM spool_jobs_search WHERE spool_jobs_search MATCH ?").all(`"${text}"`),
      ).length;
    const pending = () =>
      inspect(file, (db) => db.prepare("SELECT count(*) AS n FROM spool_jobs_search_pending").get()) as {
        n: number;
      };
    const job = { ...newJob("q"), input: '{"word":"marmalade"}', key: "key-armadillo" };
    await backend.jobEnqueue({ jobs: [job] });
    expect(pending().n).toBe(1);
    expect(hits("marmalade")).toBe(0);
    await settle();
    expect(pending().n).toBe(0);
    expect(hits("marmalade")).toBe(1);
    await backend.jobUpdate({ ids: [job.id], input: '{"word":"porcupine"}' });
    await settle();
    const first = (await backend.jobClaim({ queues: ["q"], limit: 1, workerId: "w", leaseMs: 30_000 }))
      .jobs[0]!;
    const error = { attempt: 1, name: "Error", message: "quagmire ahead", stack: "", at: clock.now() };
    await backend.jobFail({ jobs: [{ id: job.id, token: first.leaseToken, error, retryAt: clock.now() }] });
    await settle();
    const second = (await backend.jobClaim({ queues: ["q"], limit: 1, workerId: "w", leaseMs: 30_000 }))
      .jobs[0]!;
    const error2 = { ...error, attempt: 2, message: "quicksand below" };
    await backend.jobFail({
      jobs: [{ id: job.id, token: second.leaseToken, error: error2, retryAt: clock.now() }],
    });
    await settle();
    const third = (await backend.jobClaim({ queues: ["q"], limit: 1, workerId: "w", leaseMs: 30_000 }))
      .jobs[0]!;
    await backend.jobComplete({ jobs: [{ id: job.id, token: third.leaseToken, result: '"pangolin"' }] });
    await settle();
    const words = ["marmalade", "porcupine", "armadillo", "quagmire", "quicksand", "pangolin"];
    expect(words.map(hits)).toEqual([0, 1, 1, 1, 1, 1]);
    expect((await backend.jobList({ search: "QUAGMIRE" })).jobs.map((j) => j.id)).toEqual([job.id]);
    await backend.jobRemove({ ids: [job.id] });
    expect([...words, job.id].map(hits)).toEqual([0, 0, 0, 0, 0, 0, 0]);
    // Removed before it was ever indexed: nothing to forget, and nothing left pending.
    const quick = { ...newJob("q"), input: '{"word":"ephemeral"}' };
    await backend.jobEnqueue({ jobs: [quick] });
    await backend.jobRemove({ ids: [quick.id] });
    expect(pending().n).toBe(0);
    await settle();
    expect(hits("ephemeral")).toBe(0);
    await backend.close();
  });

  test("a common word (more candidates than the index plan takes) is found by walking the jobs", async () => {
    const file = tmp.file();
    const backend = await backendAt(file);
    const jobs = Array.from({ length: 2_500 }, (_, i) => ({
      ...newJob("q"),
      input: JSON.stringify({ word: i % 2 === 0 ? "common-word" : "other", i }),
    }));
    await backend.jobEnqueue({ jobs });
    await backend.searchCatchUp();
    const even = jobs.filter((_, i) => i % 2 === 0).map((j) => j.id);
    const walk: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await backend.jobList({
        search: "COMMON-word",
        limit: 500,
        ...(cursor ? { cursor } : {}),
      });
      walk.push(...page.jobs.map((j) => j.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(walk).toEqual([...even].reverse());
    // And a rare one among them goes through the index.
    expect((await backend.jobList({ search: '"i":1777}' })).jobs.map((j) => j.id)).toEqual([jobs[1777]!.id]);
    await backend.close();
  });
});
