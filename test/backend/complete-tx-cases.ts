/**
 * The `ctx.complete({ tx })` cases every store with app transactions runs (PostgreSQL through
 * node-postgres, SQLite through the app's better-sqlite3 connection): the app's receipt row and
 * the completion are one commit.
 * - commit: the job is completed with the result given to ctx.complete (the worker's own
 *   completion write afterwards is refused and changes nothing), and the app's row is there;
 * - rollback: neither the row nor the completion; the attempt ends as the handler decides
 *   (here it throws, so the job is retried and completes on attempt 2);
 * - stale lease (another worker holds the job now): LeaseLostError, nothing written, the app's
 *   transaction rolls back.
 */
import { expect, test } from "vitest";
import type { Spool } from "../../src/client/spool.js";
import { LeaseLostError } from "../../src/core/errors/index.js";
import type { TaskContext } from "../../src/core/task.js";

/** The app's side, on one store. */
export interface AppSide {
  /** BEGIN, the app's receipt row (job, attempt), ctx.complete, then COMMIT or ROLLBACK. */
  inAppTransaction(ctx: TaskContext, commit: boolean): Promise<void>;
  /** The attempts that left a receipt for `job`, in order. */
  receipts(job: string): Promise<number[]>;
  jobRow(
    id: string,
  ): Promise<{ state: string; result: string | null; lease_token: string | null } | undefined>;
  /** Another worker takes the job over (what a rescue and a new claim leave behind). */
  steal(id: string): Promise<void>;
}

/** Defines the tasks the cases enqueue; returns what each stale-lease attempt saw from ctx.complete. */
export function defineCompleteTxTasks(spool: Spool, app: AppSide): unknown[] {
  const staleErrors: unknown[] = [];
  spool.task({
    name: "commit",
    run: async (_input: null, ctx) => {
      await app.inAppTransaction(ctx, true);
      // Ignored: the job was completed in the transaction with ctx.complete's result.
      return "returned";
    },
  });
  spool.task({
    name: "rollback-then-commit",
    retry: { attempts: 3, backoff: { type: "fixed", delay: "10ms" } },
    run: async (_input: null, ctx) => {
      if (ctx.attempt === 1) {
        await app.inAppTransaction(ctx, false);
        throw new Error("the app rolled back");
      }
      await app.inAppTransaction(ctx, true);
    },
  });
  spool.task({
    name: "stale",
    run: async (_input: null, ctx) => {
      await app.steal(ctx.id);
      try {
        await app.inAppTransaction(ctx, true);
      } catch (error) {
        staleErrors.push(error);
        throw error;
      }
    },
  });
  return staleErrors;
}

/** The three cases, against a spool whose worker runs the tasks of defineCompleteTxTasks. */
export function completeTxTests(spool: () => Spool, app: AppSide, staleErrors: () => unknown[]): void {
  test("commit: the job is completed with ctx.complete's result, in one commit with the app's row", async () => {
    const job = await spool().enqueue("commit", null);
    expect(await job.result({ timeout: "20s" })).toEqual({ receipt: 1 });
    expect(await app.receipts(job.id)).toEqual([1]);
    const row = await app.jobRow(job.id);
    expect(row?.state).toBe("completed");
    expect(JSON.parse(row!.result!)).toEqual({ receipt: 1 });
  });

  test("rollback: no row and no completion; the attempt fails as usual and the retry completes", async () => {
    const job = await spool().enqueue("rollback-then-commit", null);
    expect(await job.result({ timeout: "20s" })).toEqual({ receipt: 2 });
    // Attempt 1's row was rolled back with its completion.
    expect(await app.receipts(job.id)).toEqual([2]);
    const record = await spool().jobs.get(job.id);
    expect(record?.attempt).toBe(2);
    expect(record?.errors.map((e) => e.message)).toEqual(["the app rolled back"]);
  });

  test("stale lease: LeaseLostError, nothing written, the app's transaction rolled back", async () => {
    const job = await spool().enqueue("stale", null);
    await expect.poll(() => staleErrors().length, { timeout: 20_000 }).toBe(1);
    expect(staleErrors()[0]).toBeInstanceOf(LeaseLostError);
    expect(await app.receipts(job.id)).toEqual([]);
    expect(await app.jobRow(job.id)).toMatchObject({ state: "running", lease_token: "stolen", result: null });
  });
}
