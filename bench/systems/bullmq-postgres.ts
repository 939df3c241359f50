/**
 * BullMQ on PostgreSQL (bullmq 6's `createPostgresBackend`, the same Queue/Worker API as on
 * Redis): removeOnComplete, addBulk chunks of 1000, 1 worker process × concurrency 50, its own
 * schema (dropped on every wipe).
 */
import { createPostgresBackend, Queue, Worker } from "bullmq";
import pg from "pg";
import type { BenchContext, BenchSystem, Payload, Producer, WorkerSide } from "./types.js";
import { pkgVersion } from "./versions.js";

const SCHEMA = "spool_bench_bullmq";
const queueName = (ctx: BenchContext) => `bench-bullmq-pg-${ctx.runId}`;
const JOB_OPTS = { removeOnComplete: true, removeOnFail: true };
const connection = (ctx: BenchContext) => ({ connectionString: ctx.pgUrl, schema: SCHEMA, migrate: true });

async function sql<T extends pg.QueryResultRow>(ctx: BenchContext, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: ctx.pgUrl, connectionTimeoutMillis: 2000 });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

export const bullmqPostgresSystem: BenchSystem = {
  async info() {
    return {
      id: "bullmq-postgres",
      label: "bullmq(PostgreSQL backend)",
      version: pkgVersion("bullmq"),
      config:
        "createPostgresBackend, 1 worker proc × concurrency 50; removeOnComplete; addBulk chunks of 1000",
      retention: "removeOnComplete: true (completed jobs deleted at once)",
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
    const q = new Queue(
      queueName(ctx),
      { connection: connection(ctx), defaultJobOptions: JOB_OPTS },
      createPostgresBackend,
    );
    await q.waitUntilReady();
    return {
      async enqueueBulk(payloads) {
        await q.addBulk(payloads.map((data) => ({ name: "noop", data })));
      },
      async enqueueOne(payload) {
        await q.add("noop", payload);
      },
      close: () => q.close(),
    };
  },
  async worker(ctx, onJob): Promise<WorkerSide> {
    const counts = new Queue(queueName(ctx), { connection: connection(ctx) }, createPostgresBackend);
    const worker = new Worker(
      queueName(ctx),
      async (job) => {
        onJob(job.data as Payload);
      },
      { connection: connection(ctx), concurrency: ctx.concurrency, autorun: false },
      createPostgresBackend,
    );
    worker.on("error", () => {});
    let running: Promise<void> | null = null;
    return {
      async start() {
        running = worker.run();
        running.catch(() => {});
        await worker.waitUntilReady();
      },
      async unfinished() {
        const c = await counts.getJobCounts("wait", "active", "delayed", "prioritized", "waiting-children");
        return Object.values(c).reduce((a, b) => a + b, 0);
      },
      async stop() {
        await worker.close();
        await counts.close();
      },
    };
  },
};
