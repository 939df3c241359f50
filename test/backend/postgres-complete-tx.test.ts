/**
 * `ctx.complete({ tx })` on PostgreSQL: a handler completes its own job inside its own
 * node-postgres transaction, so the app's row and the completion are one commit (the cases:
 * complete-tx-cases.ts).
 */
import pg from "pg";
import { afterAll, beforeAll, describe } from "vitest";
import { createSpool, type Spool } from "../../src/client/spool.js";
import type { TaskContext } from "../../src/core/task.js";
import { POSTGRES_URL_BASE, postgresReachable, postgresUrl, requirePostgres } from "../support/postgres.js";
import { type AppSide, completeTxTests, defineCompleteTxTasks } from "./complete-tx-cases.js";

requirePostgres("the PostgreSQL ctx.complete({ tx }) tests");

describe.skipIf(!postgresReachable)("ctx.complete({ tx }) on PostgreSQL", () => {
  const store = postgresUrl();
  const pool = new pg.Pool({ connectionString: POSTGRES_URL_BASE, max: 4 });
  let spool: Spool;
  let staleErrors: unknown[] = [];

  const app: AppSide = {
    async inAppTransaction(ctx: TaskContext, commit: boolean) {
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
    },
    receipts: async (job) =>
      (
        await pool.query(`SELECT attempt FROM ${store.schema}.receipts WHERE job = $1 ORDER BY attempt`, [
          job,
        ])
      ).rows.map((r: { attempt: number }) => r.attempt),
    jobRow: async (id) =>
      (await pool.query(`SELECT state, result, lease_token FROM ${store.schema}.jobs WHERE id = $1`, [id]))
        .rows[0],
    steal: async (id) => {
      await pool.query(`UPDATE ${store.schema}.jobs SET lease_token = 'stolen' WHERE id = $1`, [id]);
    },
  };

  beforeAll(async () => {
    spool = createSpool({ backend: store.url, logger: { level: "silent" } });
    staleErrors = defineCompleteTxTasks(spool, app);
    await spool.backend();
    await pool.query(`CREATE TABLE ${store.schema}.receipts (job text NOT NULL, attempt int NOT NULL)`);
    await spool.worker({ concurrency: 4, pollInterval: "200ms" }).start();
  });

  afterAll(async () => {
    await spool?.close();
    await pool.end();
    await store.cleanup();
  });

  completeTxTests(
    () => spool,
    app,
    () => staleErrors,
  );
});
