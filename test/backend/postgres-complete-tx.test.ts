/**
 * `ctx.complete({ tx })` on PostgreSQL: a handler completes its own job inside its own
 * node-postgres transaction, so the app's row and the completion are one commit.
 * - commit: the job is completed with the result given to ctx.complete (the worker's own
 *   completion write afterwards is refused and changes nothing), and the app's row is there;
 * - rollback: neither the row nor the completion; the attempt ends as the handler decides
 *   (here it throws, so the job is retried and completes on attempt 2);
 * - stale lease (another worker holds the job now): LeaseLostError, nothing written, the app's
 *   transaction rolls back.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createSpool, type Spool } from "../../src/client/spool.js";
import { LeaseLostError } from "../../src/core/errors/index.js";
import type { TaskContext } from "../../src/core/task.js";
import { POSTGRES_URL_BASE, postgresReachable, postgresUrl, requirePostgres } from "../support/postgres.js";

requirePostgres("the PostgreSQL ctx.complete({ tx }) tests");

describe.skipIf(!postgresReachable)("ctx.complete({ tx }) on PostgreSQL", () => {
  const store = postgresUrl();
  const pool = new pg.Pool({ connectionString: POSTGRES_URL_BASE, max: 4 });
  let spool: Spool;
  /** What each stale-lease attempt saw from ctx.complete. */
  const staleErrors: unknown[] = [];

  const receipts = async (job: string) =>
    (
      await pool.query(`SELECT attempt FROM ${store.schema}.receipts WHERE job = $1 ORDER BY attempt`, [job])
    ).rows.map((r: { attempt: number }) => r.attempt);
  const jobRow = async (id: string) =>
    (await pool.query(`SELECT state, result, lease_token FROM ${store.schema}.jobs WHERE id = $1`, [id]))
      .rows[0] as { state: string; result: string | null; lease_token: string | null } | undefined;

  /** The app's side of a handler: BEGIN, its row, ctx.complete, then COMMIT or ROLLBACK. */
  async function inAppTransaction(ctx: TaskContext, commit: boolean): Promise<void> {
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      await client.query(`INSERT INTO ${store.schema}.receipts (job, attempt) VALUES ($1, $2)`, [
        ctx.id,
        ctx.attempt,
      ]);
      await ctx.complete({ tx: client, result: { receipt: ctx.attempt } });
      await client.query(commit ? "COMMIT" : "ROLLBACK");
    } catch (error) {
      await client.query("ROLLBACK");
      throw error;
    } finally {
      client.release();
    }
  }

  beforeAll(async () => {
    spool = createSpool({ backend: store.url, logger: { level: "silent" } });
    spool.task({
      name: "commit",
      run: async (_input: null, ctx) => {
        await inAppTransaction(ctx, true);
        // Ignored: the job was completed in the transaction with ctx.complete's result.
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
        // Another worker took the job over (what a rescue and a new claim leave behind).
        await pool.query(`UPDATE ${store.schema}.jobs SET lease_token = 'stolen' WHERE id = $1`, [ctx.id]);
        try {
          await inAppTransaction(ctx, true);
        } catch (error) {
          staleErrors.push(error);
          throw error;
        }
      },
    });
    await spool.backend();
    await pool.query(`CREATE TABLE ${store.schema}.receipts (job text NOT NULL, attempt int NOT NULL)`);
    await spool.worker({ concurrency: 4, pollInterval: "200ms" }).start();
  });

  afterAll(async () => {
    await spool?.close();
    await pool.end();
    await store.cleanup();
  });

  test("commit: the job is completed with ctx.complete's result, in one commit with the app's row", async () => {
    const job = await spool.enqueue("commit", null);
    expect(await job.result({ timeout: "20s" })).toEqual({ receipt: 1 });
    expect(await receipts(job.id)).toEqual([1]);
    const row = await jobRow(job.id);
    expect(row?.state).toBe("completed");
    expect(JSON.parse(row!.result!)).toEqual({ receipt: 1 });
  });

  test("rollback: no row and no completion; the attempt fails as usual and the retry completes", async () => {
    const job = await spool.enqueue("rollback-then-commit", null);
    expect(await job.result({ timeout: "20s" })).toEqual({ receipt: 2 });
    // Attempt 1's row was rolled back with its completion.
    expect(await receipts(job.id)).toEqual([2]);
    const record = await spool.jobs.get(job.id);
    expect(record?.attempt).toBe(2);
    expect(record?.errors.map((e) => e.message)).toEqual(["the app rolled back"]);
  });

  test("stale lease: LeaseLostError, nothing written, the app's transaction rolled back", async () => {
    const job = await spool.enqueue("stale", null);
    await expect.poll(() => staleErrors.length, { timeout: 20_000 }).toBe(1);
    expect(staleErrors[0]).toBeInstanceOf(LeaseLostError);
    expect(await receipts(job.id)).toEqual([]);
    const row = await jobRow(job.id);
    expect(row?.state).toBe("running");
    expect(row?.lease_token).toBe("stolen");
    expect(row?.result).toBeNull();
  });
});
