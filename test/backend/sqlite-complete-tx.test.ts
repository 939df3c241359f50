/**
 * `ctx.complete({ tx: db })` on SQLite: a handler completes its own job inside a transaction it
 * opened on its own better-sqlite3 connection to the spool file, so the app's row and the
 * completion are one commit (the cases, as on PostgreSQL: complete-tx-cases.ts); the memory
 * backend refuses it with InvalidArgumentError.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, expect, test } from "vitest";
import { createSpool, type Spool } from "../../src/client/spool.js";
import { InvalidArgumentError } from "../../src/core/errors/index.js";
import type { TaskContext } from "../../src/core/task.js";
import { type AppSide, completeTxTests, defineCompleteTxTasks } from "./complete-tx-cases.js";

const dir = mkdtempSync(join(tmpdir(), "spool-sqlite-complete-tx-"));
const file = join(dir, "spool.db");
let spool: Spool;
let db: Database.Database;
let staleErrors: unknown[] = [];

const app: AppSide = {
  /** BEGIN IMMEDIATE: the app's write lock, as its own transaction would take it. */
  async inAppTransaction(ctx: TaskContext, commit: boolean) {
    db.exec("BEGIN IMMEDIATE");
    try {
      db.prepare("INSERT INTO receipts (job, attempt) VALUES (?, ?)").run(ctx.id, ctx.attempt);
      await ctx.complete({ tx: db, result: { receipt: ctx.attempt } });
    } catch (error) {
      db.exec("ROLLBACK");
      throw error;
    }
    db.exec(commit ? "COMMIT" : "ROLLBACK");
  },
  receipts: async (job) =>
    (
      db.prepare("SELECT attempt FROM receipts WHERE job = ? ORDER BY attempt").all(job) as {
        attempt: number;
      }[]
    ).map((r) => r.attempt),
  jobRow: async (id) =>
    db.prepare("SELECT state, result, lease_token FROM spool_jobs WHERE id = ?").get(id) as
      | { state: string; result: string | null; lease_token: string | null }
      | undefined,
  steal: async (id) => {
    db.prepare("UPDATE spool_jobs SET lease_token = 'stolen' WHERE id = ?").run(id);
  },
};

beforeAll(async () => {
  spool = createSpool({ backend: `sqlite://${file}`, logger: { level: "silent" } });
  staleErrors = defineCompleteTxTasks(spool, app);
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

completeTxTests(
  () => spool,
  app,
  () => staleErrors,
);
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
