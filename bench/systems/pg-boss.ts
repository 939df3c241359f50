/**
 * pg-boss 12 (current major, from npm): its fastest documented worker setup for a no-op job:
 * LISTEN/NOTIFY on (`useListenNotify`, queue `notify: true`), `localConcurrency` 5 × `batchSize`
 * 10 (50 jobs in flight, each batch completed in one statement), `burstWhenBatchFull` (fetch again
 * at once while batches come back full), `insert` chunks of 1000, pool of 52, its own schema
 * (dropped on every wipe). pg-boss keeps completed jobs until its retention deletes them.
 */

import pg from "pg";
import { PgBoss } from "pg-boss";
import type { BenchContext, BenchSystem, Payload, Producer, WorkerSide } from "./types.js";
import { pkgVersion } from "./versions.js";

const SCHEMA = "spool_bench_pgboss";
const queueName = (ctx: BenchContext) => `bench-${ctx.runId}`;
const BATCH = 10;

function boss(ctx: BenchContext, max: number): PgBoss {
  const b = new PgBoss({
    connectionString: ctx.pgUrl,
    schema: SCHEMA,
    max,
    // How long a call waits for a pooled connection (pg-pool uses one setting for that and for
    // connecting). Its default, 10 s, failed calls queued behind 1,000 in flight on a loaded
    // machine (B1 timed out connecting); spool's pool waits up to 60 s for the same reason
    // (POOL_WAIT_MS).
    connectionTimeoutMillis: 60_000,
    useListenNotify: true,
    schedule: false,
    supervise: false,
  });
  b.on("error", (err: Error) => process.stderr.write(`[pg-boss error] ${err.message}\n`));
  return b;
}

async function sql<T extends pg.QueryResultRow>(ctx: BenchContext, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: ctx.pgUrl, connectionTimeoutMillis: 2000 });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

export const pgBossSystem: BenchSystem = {
  async info(ctx) {
    return {
      id: "pg-boss",
      label: "pg-boss",
      version: pkgVersion("pg-boss"),
      config: `1 worker proc × localConcurrency ${ctx.concurrency / BATCH} × batchSize ${BATCH}, burstWhenBatchFull, LISTEN/NOTIFY; insert chunks of 1000`,
      retention: "keeps completed rows (its maintenance deletes them later)",
      inProcess: false,
    };
  },
  async probe(ctx) {
    try {
      await sql(ctx, "select 1");
      return null;
    } catch (err) {
      return `PostgreSQL unreachable: ${(err as Error).message}`;
    }
  },
  async wipe(ctx) {
    await sql(ctx, `drop schema if exists ${SCHEMA} cascade`);
  },
  async producer(ctx): Promise<Producer> {
    // Its default pool size (10): a smaller pool timed out connecting under 1,000 calls in flight.
    const b = boss(ctx, 10);
    await b.start();
    await b.createQueue(queueName(ctx), { notify: true });
    return {
      async enqueueBulk(payloads) {
        await b.insert(
          queueName(ctx),
          payloads.map((data) => ({ data })),
        );
      },
      async enqueueOne(payload) {
        await b.send(queueName(ctx), payload);
      },
      close: () => b.stop({ graceful: false }),
    };
  },
  async worker(ctx, onJob): Promise<WorkerSide> {
    const b = boss(ctx, ctx.concurrency + 2);
    await b.start();
    const counts = new pg.Client({ connectionString: ctx.pgUrl });
    await counts.connect();
    await b.createQueue(queueName(ctx), { notify: true });
    return {
      async start() {
        await b.work<Payload>(
          queueName(ctx),
          {
            batchSize: BATCH,
            localConcurrency: Math.max(1, Math.round(ctx.concurrency / BATCH)),
            burstWhenBatchFull: true,
            pollingIntervalSeconds: 0.5,
          },
          async (jobs) => {
            for (const job of jobs) onJob(job.data);
          },
        );
      },
      async unfinished() {
        // Straight from the table: getQueueStats reads a cache refreshed by its monitor.
        const r = await counts.query<{ n: string }>(
          `select count(*)::text as n from ${SCHEMA}.job where name = $1 and state in ('created', 'retry', 'active')`,
          [queueName(ctx)],
        );
        return Number(r.rows[0]!.n);
      },
      async stop() {
        await b.stop({ graceful: true, timeout: 10_000 });
        await counts.end();
      },
    };
  },
};
