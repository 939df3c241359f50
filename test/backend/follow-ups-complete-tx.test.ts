// biome-ignore-all lint/suspicious/noThenProperty: `then` is the follow-up option the issue names (an options object, never awaited)
/**
 * Durable follow-ups with `ctx.complete({ tx })` (SQLite and PostgreSQL): the `then` job is
 * written in the application's transaction with the completion. Attempt 1 completes in a
 * transaction the app rolls back (then throws): neither the completion nor the follow-up exists,
 * so the follow-up written by attempt 2's committed completion pipes attempt 2's result, once.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, describe, expect, test } from "vitest";
import { createSpool, type Spool } from "../../src/client/spool.js";
import type { ParentOutcome } from "../../src/core/follow-ups.js";
import type { TaskContext } from "../../src/core/task.js";
import { POSTGRES_URL_BASE, postgresReachable, postgresUrl, requirePostgres } from "../support/postgres.js";

requirePostgres("the PostgreSQL follow-ups with ctx.complete({ tx }) test");

type Commit = (ctx: TaskContext, commit: boolean) => Promise<void>;

/** A "pay" task completing in the app's transaction (rolled back on attempt 1), with `then`. */
async function runScenario(spool: Spool, inApp: Commit) {
  const seen: { input: unknown; parent: ParentOutcome | null }[] = [];
  const pay = spool.task({
    name: "pay",
    retry: { attempts: 3, backoff: { type: "fixed", delay: "10ms" } },
    run: async (_input: null, ctx) => {
      await inApp(ctx, ctx.attempt > 1);
      if (ctx.attempt === 1) throw new Error("the app rolled back");
    },
  });
  const receipt = spool.task({
    name: "receipt",
    run: (input: unknown, ctx) => {
      seen.push({ input, parent: ctx.parent });
    },
  });
  const job = await pay.enqueue(null, { then: receipt.with() });
  const worker = spool.worker({ concurrency: 2, pollInterval: "100ms" });
  await worker.start();
  await expect.poll(() => seen.length, { timeout: 20_000 }).toBe(1);
  await worker.stop();
  expect(seen[0]!.input).toEqual({ paid: 2 });
  expect(seen[0]!.parent).toMatchObject({ id: job.id, outcome: "completed", result: { paid: 2 } });
  const receipts = (await spool.jobs.list({ limit: 100 })).jobs.filter((j) => j.task === "receipt");
  expect(receipts.map((j) => j.state)).toEqual(["completed"]);
}

describe("on SQLite", () => {
  const dir = mkdtempSync(join(tmpdir(), "spool-follow-ups-tx-"));
  const file = join(dir, "spool.db");
  let spool: Spool | undefined;
  let db: Database.Database | undefined;
  afterAll(async () => {
    await spool?.close();
    db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("then is written with the completion in the app's transaction, not with a rolled-back one", async () => {
    spool = createSpool({ backend: `sqlite://${file}`, logger: { level: "silent" } });
    await spool.backend();
    const app = new Database(file);
    db = app;
    app.pragma("busy_timeout = 10000");
    await runScenario(spool, async (ctx, commit) => {
      app.exec("BEGIN IMMEDIATE");
      try {
        await ctx.complete({ tx: app, result: { paid: ctx.attempt } });
      } catch (error) {
        app.exec("ROLLBACK");
        throw error;
      }
      app.exec(commit ? "COMMIT" : "ROLLBACK");
    });
  });
});

describe.skipIf(!postgresReachable)("on PostgreSQL", () => {
  const store = postgresUrl();
  const pool = new pg.Pool({ connectionString: POSTGRES_URL_BASE, max: 4 });
  let spool: Spool | undefined;
  afterAll(async () => {
    await spool?.close();
    await pool.end();
    await store.cleanup();
  });

  test("then is written with the completion in the app's transaction, not with a rolled-back one", async () => {
    spool = createSpool({ backend: store.url, logger: { level: "silent" } });
    await spool.backend();
    await runScenario(spool, async (ctx, commit) => {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        await ctx.complete({ tx: client, result: { paid: ctx.attempt } });
        await client.query(commit ? "COMMIT" : "ROLLBACK");
      } catch (error) {
        await client.query("ROLLBACK");
        throw error;
      } finally {
        client.release();
      }
    });
  });
});
