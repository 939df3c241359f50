/**
 * graphile-worker, 1 worker process × concurrency 50, maxPoolSize 52, quiet logger, addJobs
 * chunks of 1000, in anchors.md's two configs:
 * - `graphile-worker`: localQueue size 100, completeJobBatchDelay 0 (its fastest throughput)
 * - `graphile-worker-default`: the default preset (no localQueue; its best latency: the local
 *   queue's refetch delay adds milliseconds to an idle worker's pick-up)
 */
import { Logger, makeWorkerUtils, type Runner, run, type WorkerUtils } from "graphile-worker";
import pg from "pg";
import type { BenchContext, BenchSystem, Payload, Producer, WorkerSide } from "./types.js";
import { pkgVersion } from "./versions.js";

/** The bench's own schema, dropped on every wipe (never graphile_worker, which apps may use). */
const SCHEMA = "spool_bench_graphile";

/** Warnings and errors only (per-job info logging silenced, as in anchors.md). */
const quietLogger = new Logger(() => (level, message) => {
  if (level === "error" || level === "warning")
    process.stderr.write(`[graphile-worker ${level}] ${message}\n`);
});

async function sql<T extends pg.QueryResultRow>(ctx: BenchContext, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: ctx.pgUrl, connectionTimeoutMillis: 2000 });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

export function graphileWorkerSystem(localQueue: boolean): BenchSystem {
  return {
    async info(ctx) {
      const v = await sql<{ server_version: string }>(ctx, "show server_version").catch(() => []);
      return {
        id: localQueue ? "graphile-worker" : "graphile-worker-default",
        label: localQueue ? "graphile-worker(localQueue=100)" : "graphile-worker(default preset)",
        version: pkgVersion("graphile-worker"),
        config: localQueue
          ? "1 worker proc × concurrency 50, maxPoolSize 52; localQueue.size 100, completeJobBatchDelay 0; addJobs chunks of 1000"
          : "1 worker proc × concurrency 50, maxPoolSize 52; default preset (no localQueue); addJobs chunks of 1000",
        retention: "deletes completed rows by design",
        inProcess: false,
        notes: [
          `PostgreSQL ${v[0]?.server_version ?? "?"} over TCP 127.0.0.1 (anchors.md used the Unix socket; peer auth refuses it here)`,
        ],
      };
    },
    async probe(ctx) {
      try {
        await sql(ctx, "select 1");
        return null;
      } catch (err) {
        return `PostgreSQL at ${ctx.pgUrl.replace(/\/\/[^@]*@/, "//***@")} unreachable: ${(err as Error).message}`;
      }
    },
    async wipe(ctx) {
      await sql(ctx, `drop schema if exists ${SCHEMA} cascade`);
    },
    async producer(ctx): Promise<Producer> {
      const utils: WorkerUtils = await makeWorkerUtils({
        connectionString: ctx.pgUrl,
        schema: SCHEMA,
        logger: quietLogger,
      });
      await utils.migrate();
      return {
        async enqueueBulk(payloads) {
          await utils.addJobs(payloads.map((payload) => ({ identifier: "noop", payload })));
        },
        async enqueueOne(payload) {
          await utils.addJob("noop", payload);
        },
        close: async () => {
          await utils.release();
        },
      };
    },
    async worker(ctx, onJob): Promise<WorkerSide> {
      let runner: Runner | null = null;
      const counts = new pg.Client({ connectionString: ctx.pgUrl });
      await counts.connect();
      return {
        async start() {
          runner = await run({
            connectionString: ctx.pgUrl,
            schema: SCHEMA,
            concurrency: ctx.concurrency,
            maxPoolSize: ctx.concurrency + 2,
            noHandleSignals: true,
            logger: quietLogger,
            ...(localQueue
              ? { preset: { worker: { localQueue: { size: 100 }, completeJobBatchDelay: 0 } } }
              : {}),
            taskList: {
              noop: async (payload) => {
                onJob(payload as Payload);
              },
            },
          });
        },
        async unfinished() {
          const r = await counts.query<{ n: string }>(
            `select count(*)::text as n from ${SCHEMA}._private_jobs`,
          );
          return Number(r.rows[0]!.n);
        },
        async stop() {
          await runner?.stop();
          await counts.end();
        },
      };
    },
  };
}
