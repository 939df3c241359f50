/**
 * SQLite per-queue counts of every state come from spool_state_counts (migrations 0017 and 0092:
 * the hot transitions counted by their callers, the rest by triggers) instead of a scan: they
 * must stay equal to what a scan says through every transition, and a database migrated with
 * jobs in it starts with the right numbers. (The conformance suite on SQLite checks the same
 * equality at the end of each of its tests: test/conformance/sqlite.test.ts.)
 */
import Database from "better-sqlite3";
import { afterAll, afterEach, expect, test } from "vitest";
import type { QueueInfo } from "../../src/backend/backend.js";
import { createSqliteBackend, type SqliteBackend } from "../../src/backend/sqlite/index.js";
import { FakeClock } from "../../src/core/clock.js";
import { JOB_STATES } from "../../src/core/types.js";
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

/** Counts by scanning the jobs. */
function scanned(file: string): Record<string, Record<string, number>> {
  const db = new Database(file, { readonly: true });
  try {
    const out: Record<string, Record<string, number>> = {};
    const rows = db
      .prepare("SELECT queue, state, count(*) AS n FROM spool_jobs GROUP BY queue, state")
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
    for (const s of JOB_STATES) if (q.counts[s] > 0) (out[q.name] ??= {})[s] = q.counts[s];
  return out;
}

test("counts follow enqueue, claim, complete, fail, cancel, retry, remove and retention exactly", async () => {
  const file = tmp.file();
  const clock = new FakeClock();
  const b = await backendAt(file, clock);
  const jobs = Array.from({ length: 60 }, (_, i) => newJob(`q${i % 3}`, "t", { maxAttempts: 1 }));
  await b.jobEnqueue({ jobs });
  const check = async (what: string) => {
    const want = scanned(file);
    expect(listed(await b.queueList()), what).toEqual(want);
  };
  // Scheduled, and waiting on a dependency.
  await b.jobEnqueue({
    jobs: [
      newJob("q0", "t", { runAt: clock.now() + 1_000 }),
      newJob("q1", "t", { dependsOn: [jobs[1]!.id] }),
    ],
  });
  await check("after enqueue");

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

  // The scheduled job is due: a claim promotes it; expired leases go back or fail.
  const more = newJob("q0", "t", { maxAttempts: 3 });
  await b.jobEnqueue({ jobs: [more] });
  const leased = await b.jobClaim({ queues: ["q0"], limit: 10, workerId: "w", leaseMs: 1_000 });
  expect(leased.jobs.length).toBeGreaterThan(1);
  await check("after promotion and claim");
  clock.advance(2_000);
  const rescued = await b.leaseRescue({ limit: 100 });
  expect(rescued.requeued).toContain(more.id);
  await check("after lease rescue");
  const total = listed(await b.queueList());
  expect(
    Object.values(total)
      .flatMap((s) => Object.values(s))
      .reduce((a, n) => a + n, 0),
  ).toBeGreaterThan(20);
});

/**
 * A closed store with `total` jobs in queue q: `claimed` of them claimed and the first `completed`
 * of those completed; then `downgrade` (SQL) run on it.
 */
async function storeWith(
  total: number,
  claimed: number,
  completed: number,
  downgrade: string,
): Promise<string> {
  const file = tmp.file();
  const b = await backendAt(file);
  await b.jobEnqueue({ jobs: Array.from({ length: total }, () => newJob("q")) });
  const c = await b.jobClaim({ queues: ["q"], limit: claimed, workerId: "w", leaseMs: 60_000 });
  await b.jobComplete({
    jobs: c.jobs.slice(0, completed).map((j) => ({ id: j.id, token: j.leaseToken, result: "1" })),
  });
  await b.close();
  open.length = 0;
  const db = new Database(file);
  db.exec(downgrade);
  db.close();
  return file;
}

const DROP_0092_TRIGGERS = `DROP TRIGGER spool_state_counts_insert; DROP TRIGGER spool_state_counts_enter;
  DROP TRIGGER spool_state_counts_leave; DROP TRIGGER spool_state_counts_move;
  DROP TRIGGER spool_state_counts_delete;`;

test("a database migrated with jobs in it starts with their counts, live and finished", async () => {
  // Back to the schema before 0017: no counters, no triggers, no record of 0017 or 0092.
  const file = await storeWith(
    12,
    9,
    7,
    `${DROP_0092_TRIGGERS} DROP TABLE spool_state_counts; DELETE FROM spool_migrations WHERE version IN (17, 92);`,
  );
  const again = await backendAt(file);
  const [q] = await again.queueList();
  expect(q).toMatchObject({ name: "q", counts: { completed: 7, running: 2, queued: 3 } });
  expect(listed([q!])).toEqual(scanned(file));
});

test("a database at 0091 keeps its finished counts and gains the live ones at 0092", async () => {
  // As 0017 left it: finished counts only, and 0092 not applied.
  const file = await storeWith(
    10,
    6,
    4,
    `${DROP_0092_TRIGGERS}
    DELETE FROM spool_state_counts WHERE state NOT IN ('completed', 'failed', 'cancelled');
    ALTER TABLE spool_state_counts RENAME TO spool_finished_counts;
    CREATE TRIGGER spool_finished_counts_insert AFTER INSERT ON spool_jobs BEGIN SELECT 1; END;
    CREATE TRIGGER spool_finished_counts_enter AFTER UPDATE OF state ON spool_jobs BEGIN SELECT 1; END;
    CREATE TRIGGER spool_finished_counts_leave AFTER UPDATE OF state ON spool_jobs BEGIN SELECT 1; END;
    CREATE TRIGGER spool_finished_counts_move AFTER UPDATE OF queue ON spool_jobs BEGIN SELECT 1; END;
    CREATE TRIGGER spool_finished_counts_delete AFTER DELETE ON spool_jobs BEGIN SELECT 1; END;
    DELETE FROM spool_migrations WHERE version = 92;`,
  );
  const again = await backendAt(file);
  const [q] = await again.queueList();
  expect(q).toMatchObject({ name: "q", counts: { completed: 4, running: 2, queued: 4 } });
  expect(listed([q!])).toEqual(scanned(file));
});
