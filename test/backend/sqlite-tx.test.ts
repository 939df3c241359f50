/**
 * `{ tx }` on SQLite: the application's own better-sqlite3 connection to the spool file, with a
 * transaction it opened. Rollback: no job and no change-feed row (no wake-up); commit: the jobs
 * are visible (not before, to spool's own connection) and announced to subscribers.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, expect, test } from "vitest";
import type { BackendEvent } from "../../src/backend/backend.js";
import { createSpool, type Spool } from "../../src/client/spool.js";

const dir = mkdtempSync(join(tmpdir(), "spool-sqlite-tx-"));
const file = join(dir, "spool.db");
let spool: Spool;
let db: Database.Database;
const seen: BackendEvent[] = [];
let mail: ReturnType<typeof define>;
const define = (s: Spool) => s.task({ name: "mail", run: async (input: { to: string }) => input.to });

beforeAll(async () => {
  spool = createSpool({ backend: `sqlite://${file}`, logger: { level: "silent" } });
  mail = define(spool);
  const backend = await spool.backend();
  backend.subscribe((events) => seen.push(...events));
  db = new Database(file);
  db.exec("CREATE TABLE IF NOT EXISTS orders (id TEXT PRIMARY KEY)");
});

afterAll(async () => {
  db?.close();
  await spool?.close();
  rmSync(dir, { recursive: true, force: true });
});

const feedRows = () => (db.prepare("SELECT count(*) AS n FROM spool_events").get() as { n: number }).n;

test("rollback leaves neither the app's row nor the job nor a feed row", async () => {
  const rowsBefore = feedRows();
  db.exec("BEGIN IMMEDIATE");
  db.prepare("INSERT INTO orders (id) VALUES (?)").run("o1");
  const job = await mail.enqueue({ to: "a" }, { tx: db });
  const [other] = await spool.enqueueMany([mail.with({ to: "b" })], { tx: db });
  db.exec("ROLLBACK");
  expect(await spool.jobs.get(job.id)).toBeNull();
  expect(await spool.jobs.get(other!.id)).toBeNull();
  expect(db.prepare("SELECT count(*) AS n FROM orders").get()).toEqual({ n: 0 });
  expect(feedRows()).toBe(rowsBefore);
  // A later commit's event arrives; the rolled-back jobs' never did.
  const marker = await mail.enqueue({ to: "marker" });
  await expect.poll(() => seen.some((e) => e.jobId === marker.id), { timeout: 10_000 }).toBe(true);
  expect(seen.some((e) => e.jobId === job.id || e.jobId === other!.id)).toBe(false);
});

test("commit makes the jobs visible (not before) with the app's row, and announces them", async () => {
  db.exec("BEGIN IMMEDIATE");
  db.prepare("INSERT INTO orders (id) VALUES (?)").run("o2");
  const job = await mail.enqueue({ to: "c" }, { tx: db });
  const many = await spool.enqueueMany([mail.with({ to: "d" }), mail.with({ to: "e" })], { tx: db });
  // spool's own connection does not see the uncommitted jobs.
  expect(await spool.jobs.get(job.id)).toBeNull();
  db.exec("COMMIT");
  const ids = [job.id, ...many.map((h) => h.id)];
  for (const id of ids) expect((await spool.jobs.get(id))?.state).toBe("queued");
  await expect
    .poll(() => ids.every((id) => seen.some((e) => e.type === "job:enqueued" && e.jobId === id)), {
      timeout: 10_000,
    })
    .toBe(true);
});

test("a connection without an open transaction, or to another file, is refused and writes nothing", async () => {
  await expect(mail.enqueue({ to: "x" }, { tx: db })).rejects.toThrow(/no open transaction/);
  const other = new Database(join(dir, "other.db"));
  try {
    other.exec("BEGIN");
    await expect(mail.enqueue({ to: "x" }, { tx: other })).rejects.toThrow(/not to the spool file/);
    other.exec("ROLLBACK");
  } finally {
    other.close();
  }
  expect((await spool.jobs.list({ task: "mail" })).jobs.map((j) => j.input)).not.toContainEqual({ to: "x" });
});
