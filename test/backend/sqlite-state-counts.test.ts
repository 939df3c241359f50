/**
 * SQLite per-queue counts of finished jobs come from spool_finished_counts (kept by triggers,
 * migration 0017) instead of a scan: they must stay equal to what a scan says through every
 * transition into and out of a finished state, and a database migrated with finished jobs in it
 * starts with the right numbers.
 */
import Database from "better-sqlite3";
import { afterAll, afterEach, expect, test } from "vitest";
import type { QueueInfo } from "../../src/backend/backend.js";
import { createSqliteBackend, type SqliteBackend } from "../../src/backend/sqlite/index.js";
import { FakeClock } from "../../src/core/clock.js";
import { newJob, tempDir } from "./sqlite-helpers.js";

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const open: SqliteBackend[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((b) => b.close()));
});

async function backendAt(file: string, clock = new FakeClock()): Promise<SqliteBackend> {
  const backend = await createSqliteBackend(`sqlite://${file}`, { clock });
  open.push(backend);
  return backend;
}

const FINISHED = ["completed", "failed", "cancelled"] as const;

/** Finished counts by scanning the jobs, as the query did before the counters. */
function scanned(file: string): Record<string, Record<string, number>> {
  const db = new Database(file, { readonly: true });
  try {
    const out: Record<string, Record<string, number>> = {};
    const rows = db
      .prepare(
        "SELECT queue, state, count(*) AS n FROM spool_jobs WHERE state IN ('completed','failed','cancelled') GROUP BY queue, state",
      )
      .all() as { queue: string; state: string; n: number }[];
    for (const r of rows) (out[r.queue] ??= {})[r.state] = r.n;
    return out;
  } finally {
    db.close();
  }
}

function listed(queues: QueueInfo[]): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const q of queues)
    for (const s of FINISHED) if (q.counts[s] > 0) (out[q.name] ??= {})[s] = q.counts[s];
  return out;
}

test("finished counts follow complete, fail, cancel, retry, remove and retention exactly", async () => {
  const file = tmp.file();
  const clock = new FakeClock();
  const b = await backendAt(file, clock);
  const jobs = Array.from({ length: 60 }, (_, i) => newJob(`q${i % 3}`, "t", { maxAttempts: 1 }));
  await b.jobEnqueue({ jobs });
  const check = async (what: string) => {
    const want = scanned(file);
    expect(listed(await b.queueList()), what).toEqual(want);
  };
  await check("after enqueue (nothing finished)");

  const claimed = await b.jobClaim({ queues: ["q0", "q1", "q2"], limit: 40, workerId: "w", leaseMs: 60_000 });
  const [done, bad] = [claimed.jobs.slice(0, 25), claimed.jobs.slice(25)];
  // One alone (job-complete.sql), the rest in one batch (job-complete-many.sql).
  await b.jobComplete({ jobs: [{ id: done[0]!.id, token: done[0]!.leaseToken, result: "1" }] });
  await b.jobComplete({ jobs: done.slice(1).map((j) => ({ id: j.id, token: j.leaseToken, result: "1" })) });
  // A refused completion (stale token) counts nothing.
  await b.jobComplete({ jobs: [{ id: done[1]!.id, token: "stale", result: "1" }] });
  await b.jobFail({
    jobs: bad.map((j) => ({
      id: j.id,
      token: j.leaseToken,
      retryAt: null,
      error: { attempt: 1, name: "Error", message: "x", at: clock.now() },
    })),
  });
  await check("after complete and fail");

  const queuedLeft = jobs.filter((j) => !claimed.jobs.some((c) => c.id === j.id)).map((j) => j.id);
  await b.jobCancel({ ids: queuedLeft.slice(0, 10) });
  await check("after cancel");

  await b.jobRetry({ ids: [...bad.slice(0, 5).map((j) => j.id), ...queuedLeft.slice(0, 3)] });
  await check("after retry of failed and cancelled jobs");

  await b.jobRemove({ ids: [done[0]!.id, done[1]!.id, bad[10]!.id, queuedLeft[5]!] });
  await check("after remove");

  clock.advance(60_000);
  await b.retentionPrune({ completedBefore: clock.now(), limit: 7 });
  await check("after retention");
  const total = listed(await b.queueList());
  expect(
    Object.values(total)
      .flatMap((s) => Object.values(s))
      .reduce((a, n) => a + n, 0),
  ).toBeGreaterThan(20);
});

test("a database migrated with finished jobs in it starts with their counts", async () => {
  const file = tmp.file();
  const b = await backendAt(file);
  await b.jobEnqueue({ jobs: Array.from({ length: 12 }, () => newJob("q")) });
  const c = await b.jobClaim({ queues: ["q"], limit: 12, workerId: "w", leaseMs: 60_000 });
  await b.jobComplete({ jobs: c.jobs.map((j) => ({ id: j.id, token: j.leaseToken, result: "1" })) });
  await b.close();
  open.length = 0;
  // Back to the schema before 0017: no counters, no triggers, no record of the migration.
  const db = new Database(file);
  db.exec(`DROP TRIGGER spool_finished_counts_insert; DROP TRIGGER spool_finished_counts_enter;
    DROP TRIGGER spool_finished_counts_leave; DROP TRIGGER spool_finished_counts_move;
    DROP TRIGGER spool_finished_counts_delete; DROP TABLE spool_finished_counts;
    DELETE FROM spool_migrations WHERE version = 17;`);
  db.close();
  const again = await backendAt(file);
  const [q] = await again.queueList();
  expect(q).toMatchObject({ name: "q", counts: { completed: 12, queued: 0 } });
});
