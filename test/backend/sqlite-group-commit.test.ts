/**
 * SQLite group commit (src/backend/sqlite/group-commit.ts): concurrent enqueue calls share one
 * transaction, each caller still gets its own answer, and a call settles only after the commit.
 * Behaviour only; the speed is measured by `npm run bench` (B1).
 */
import Database from "better-sqlite3";
import { afterAll, afterEach, expect, test } from "vitest";
import type { JobEnqueueResult } from "../../src/backend/backend.js";
import { createSqliteBackend, type SqliteBackend } from "../../src/backend/sqlite/index.js";
import { FakeClock } from "../../src/core/clock.js";
import { InvalidArgumentError, NotFoundError } from "../../src/core/errors/index.js";
import { newJobId } from "../../src/core/ids.js";
import { newJob, tempDir } from "./sqlite-helpers.js";

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const open: SqliteBackend[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((b) => b.close()));
});

async function backendAt(file: string): Promise<SqliteBackend> {
  const backend = await createSqliteBackend(`sqlite://${file}`, { clock: new FakeClock() });
  open.push(backend);
  return backend;
}

/** Reads the file through a plain, separate connection (what another process would see). */
function inspect<T>(file: string, fn: (db: Database.Database) => T): T {
  const db = new Database(file, { readonly: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

const feedRows = (file: string) =>
  inspect(file, (db) => (db.prepare("SELECT count(*) AS n FROM spool_events").get() as { n: number }).n);
const stored = (file: string, ids: string[]) =>
  inspect(file, (db) => {
    const get = db.prepare("SELECT id FROM spool_jobs WHERE id = ?");
    return ids.filter((id) => get.get(id) !== undefined);
  });

test("concurrent single enqueues share one transaction and each caller gets its own id", async () => {
  const file = tmp.file();
  const backend = await backendAt(file);
  const before = feedRows(file);
  const jobs = Array.from({ length: 200 }, () => newJob("q"));
  const results = await Promise.all(jobs.map((job) => backend.jobEnqueue({ jobs: [job] })));
  expect(results.map((r) => r.jobs)).toEqual(jobs.map((j) => [{ id: j.id, state: "queued", created: true }]));
  expect(
    stored(
      file,
      jobs.map((j) => j.id),
    ),
  ).toHaveLength(200);
  // One committed batch (one change-feed row) for the 200 calls made in the same turn.
  expect(feedRows(file) - before).toBe(1);
});

test("a call is written by the next transaction and settles only once it is committed", async () => {
  const file = tmp.file();
  const backend = await backendAt(file);
  const job = newJob("q");
  let settled = false;
  const call = backend.jobEnqueue({ jobs: [job] }).then((r) => {
    settled = true;
    // Visible to another connection by the time the caller hears back.
    expect(stored(file, [job.id])).toEqual([job.id]);
    return r;
  });
  // Not written yet: the group's transaction runs on the next turn of the event loop.
  expect(stored(file, [job.id])).toEqual([]);
  expect(settled).toBe(false);
  await expect(call).resolves.toEqual({ jobs: [{ id: job.id, state: "queued", created: true }] });
});

test("a bad job in a group fails only its own call; the others are written", async () => {
  const file = tmp.file();
  const backend = await backendAt(file);
  const existing = newJob("q");
  await backend.jobEnqueue({ jobs: [existing] });

  const good1 = newJob("q");
  const good2 = newJob("q", "t", { key: "k-good" });
  const missingParent = newJob("q", "t", { dependsOn: [newJobId()] });
  const taken = { ...newJob("q"), id: existing.id };
  const bulkGood = [newJob("q"), newJob("q")];
  const bulkBad = [newJob("q"), { ...newJob("q"), id: existing.id }];
  const good3 = newJob("q");
  const calls = [
    backend.jobEnqueue({ jobs: [good1] }),
    backend.jobEnqueue({ jobs: [missingParent] }),
    backend.jobEnqueue({ jobs: [good2] }),
    backend.jobEnqueue({ jobs: [taken] }),
    backend.jobEnqueue({ jobs: bulkGood }),
    backend.jobEnqueue({ jobs: bulkBad }),
    backend.jobEnqueue({ jobs: [good3] }),
  ];
  const out = await Promise.allSettled(calls);
  const value = (i: number) =>
    (out[i] as PromiseFulfilledResult<JobEnqueueResult>).value.jobs.map((j) => j.id);
  const reason = (i: number) => (out[i] as PromiseRejectedResult).reason as Error;
  expect(out.map((o) => o.status)).toEqual([
    "fulfilled",
    "rejected",
    "fulfilled",
    "rejected",
    "fulfilled",
    "rejected",
    "fulfilled",
  ]);
  expect(value(0)).toEqual([good1.id]);
  expect(value(2)).toEqual([good2.id]);
  expect(value(4)).toEqual(bulkGood.map((j) => j.id));
  expect(value(6)).toEqual([good3.id]);
  expect(reason(1)).toBeInstanceOf(NotFoundError);
  expect(reason(3)).toBeInstanceOf(InvalidArgumentError);
  expect(reason(3).message).toContain(existing.id);
  expect(reason(5)).toBeInstanceOf(InvalidArgumentError);
  expect(reason(5).message).toContain(existing.id);

  const written = [good1, good2, ...bulkGood, good3].map((j) => j.id);
  expect(stored(file, written)).toEqual(written);
  // Nothing of the failed calls: the whole bulk call was rolled back, not just its bad job.
  expect(stored(file, [missingParent.id, bulkBad[0]!.id])).toEqual([]);
  expect(inspect(file, (db) => db.prepare("SELECT count(*) AS n FROM spool_jobs").get())).toEqual({ n: 6 });
});

test("idempotency keys stay exact when many calls with one key land in one group and on two handles", async () => {
  const file = tmp.file();
  const a = await backendAt(file);
  const b = await backendAt(file);
  const jobs = Array.from({ length: 60 }, () => newJob("q", "t", { key: "once" }));
  const results = await Promise.all(
    jobs.map((job, i) => (i % 2 ? a : b).jobEnqueue({ jobs: [job] }).then((r) => r.jobs[0]!)),
  );
  const created = results.filter((r) => r.created);
  expect(created).toHaveLength(1);
  expect(new Set(results.map((r) => r.id))).toEqual(new Set([created[0]!.id]));
  expect(
    inspect(file, (db) => db.prepare("SELECT count(*) AS n FROM spool_jobs WHERE key = 'once'").get()),
  ).toEqual({ n: 1 });
});

test("a job depending on one enqueued earlier in the same group sees it", async () => {
  const file = tmp.file();
  const backend = await backendAt(file);
  const parent = newJob("q");
  const child = newJob("q", "t", { dependsOn: [parent.id] });
  const [p, c] = await Promise.all([
    backend.jobEnqueue({ jobs: [parent] }),
    backend.jobEnqueue({ jobs: [child] }),
  ]);
  expect(p.jobs[0]).toMatchObject({ id: parent.id, state: "queued" });
  expect(c.jobs[0]).toMatchObject({ id: child.id, state: "waiting" });
});

test("close() writes the calls already made instead of dropping them", async () => {
  const file = tmp.file();
  const backend = await createSqliteBackend(`sqlite://${file}`, { clock: new FakeClock() });
  const jobs = Array.from({ length: 20 }, () => newJob("q"));
  const calls = jobs.map((job) => backend.jobEnqueue({ jobs: [job] }));
  await backend.close();
  await expect(Promise.all(calls)).resolves.toHaveLength(20);
  expect(
    stored(
      file,
      jobs.map((j) => j.id),
    ),
  ).toHaveLength(20);
  await expect(backend.jobEnqueue({ jobs: [newJob("q")] })).rejects.toThrow(/closed/);
});
