/**
 * `ctx.complete({ tx: db })` on SQLite: a handler completes its own job inside a transaction it
 * opened on its own better-sqlite3 connection to the spool file, so the app's row and the
 * completion are one commit (commit, rollback, stale lease, as on PostgreSQL); the memory
 * backend refuses it with InvalidArgumentError.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, expect, test } from "vitest";
import { createSpool, type Spool } from "../../src/client/spool.js";
import { InvalidArgumentError, LeaseLostError } from "../../src/core/errors/index.js";
import type { TaskContext } from "../../src/core/task.js";

const dir = mkdtempSync(join(tmpdir(), "spool-sqlite-complete-tx-"));
const file = join(dir, "spool.db");
let spool: Spool;
let db: Database.Database;
const staleErrors: unknown[] = [];

const receipts = (job: string) =>
  (
    db.prepare("SELECT attempt FROM receipts WHERE job = ? ORDER BY attempt").all(job) as {
      attempt: number;
    }[]
  ).map((r) => r.attempt);

/** The app's side of a handler: BEGIN IMMEDIATE, its row, ctx.complete, then COMMIT or ROLLBACK. */
async function inAppTransaction(ctx: TaskContext, commit: boolean): Promise<void> {
  db.exec("BEGIN IMMEDIATE");
  try {
    db.prepare("INSERT INTO receipts (job, attempt) VALUES (?, ?)").run(ctx.id, ctx.attempt);
    await ctx.complete({ tx: db, result: { receipt: ctx.attempt } });
  } catch (error) {
    db.exec("ROLLBACK");
    throw error;
  }
  db.exec(commit ? "COMMIT" : "ROLLBACK");
}

beforeAll(async () => {
  spool = createSpool({ backend: `sqlite://${file}`, logger: { level: "silent" } });
  spool.task({
    name: "commit",
    run: async (_input: null, ctx) => {
      await inAppTransaction(ctx, true);
      return "returned";
    },
  });
  spool.task({
    name: "rollback-then-commit",
    retry: { attempts: 3, backoff: { type: "fixed", delay: "10ms" } },
    run: async (_input: null, ctx) => {
      if (ctx.attempt === 1) {
        await inAppTransaction(ctx, false);
        throw new Error("the app rolled back");
      }
      await inAppTransaction(ctx, true);
    },
  });
  spool.task({
    name: "stale",
    run: async (_input: null, ctx) => {
      db.prepare("UPDATE spool_jobs SET lease_token = 'stolen' WHERE id = ?").run(ctx.id);
      try {
        await inAppTransaction(ctx, true);
      } catch (error) {
        staleErrors.push(error);
        throw error;
      }
    },
  });
  await spool.backend();
  db = new Database(file);
  db.pragma("busy_timeout = 10000");
  db.exec("CREATE TABLE receipts (job TEXT NOT NULL, attempt INTEGER NOT NULL)");
  await spool.worker({ concurrency: 1, pollInterval: "200ms" }).start();
});

afterAll(async () => {
  await spool?.close();
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

const jobRow = (id: string) =>
  db.prepare("SELECT state, result, lease_token FROM spool_jobs WHERE id = ?").get(id) as {
    state: string;
    result: string | null;
    lease_token: string | null;
  };

test("commit: completed with ctx.complete's result, in one commit with the app's row", async () => {
  const job = await spool.enqueue("commit", null);
  expect(await job.result({ timeout: "20s" })).toEqual({ receipt: 1 });
  expect(receipts(job.id)).toEqual([1]);
  expect(jobRow(job.id).state).toBe("completed");
  expect(JSON.parse(jobRow(job.id).result!)).toEqual({ receipt: 1 });
});

test("rollback: no row and no completion; the attempt fails as usual and the retry completes", async () => {
  const job = await spool.enqueue("rollback-then-commit", null);
  expect(await job.result({ timeout: "20s" })).toEqual({ receipt: 2 });
  expect(receipts(job.id)).toEqual([2]);
  const record = await spool.jobs.get(job.id);
  expect(record?.attempt).toBe(2);
  expect(record?.errors.map((e) => e.message)).toEqual(["the app rolled back"]);
});

test("stale lease: LeaseLostError, nothing written", async () => {
  const job = await spool.enqueue("stale", null);
  await expect.poll(() => staleErrors.length, { timeout: 20_000 }).toBe(1);
  expect(staleErrors[0]).toBeInstanceOf(LeaseLostError);
  expect(receipts(job.id)).toEqual([]);
  expect(jobRow(job.id)).toMatchObject({ state: "running", lease_token: "stolen", result: null });
});

test("the memory backend refuses ctx.complete({ tx }) with InvalidArgumentError", async () => {
  const mem = createSpool({ backend: "memory://", logger: { level: "silent" } });
  let seen: unknown;
  const task = mem.task({
    name: "t",
    run: async (_input: null, ctx) => {
      try {
        await ctx.complete({ tx: {} });
      } catch (error) {
        seen = error;
      }
      return "done normally";
    },
  });
  await mem.worker({ concurrency: 1 }).start();
  try {
    const job = await task.enqueue(null);
    expect(await job.result({ timeout: "10s" })).toBe("done normally");
    expect(seen).toBeInstanceOf(InvalidArgumentError);
  } finally {
    await mem.close();
  }
});
