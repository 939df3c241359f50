/**
 * spool, through its public API only (createSpool, task.enqueueMany, task.enqueue,
 * spool.worker, spool.queues.list): the bench measures what users get.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { createBackend, createSpool, type Spool, type Task } from "../../src/index.js";
import type { BenchContext, BenchSystem, Payload, Producer, SystemInfo, WorkerSide } from "./types.js";
import { ownVersion } from "./versions.js";

export type SpoolKind = "sqlite" | "memory" | "redis" | "postgres";

/** The bench's own PostgreSQL schema (dropped on every wipe). */
const PG_SCHEMA = "spool_bench";

const TASK = "bench.noop";

/** The store a spool system's runs use for `ctx` (the growth section opens it too). */
export function urlFor(kind: SpoolKind, ctx: BenchContext): string {
  if (kind === "memory") return "memory://";
  if (kind === "redis") return ctx.redisUrl;
  if (kind === "postgres") {
    const url = new URL(ctx.pgUrl);
    // A URL that names its schema keeps it (the growth section gives each store its own).
    if (!url.searchParams.has("schema")) url.searchParams.set("schema", PG_SCHEMA);
    return url.toString();
  }
  return `sqlite://${sqliteFile(ctx)}`;
}

function sqliteFile(ctx: BenchContext): string {
  return join(ctx.tmpDir, `spool-${ctx.runId}.db`);
}

/** One client per URL and process, so an in-process producer and worker share the memory store. */
interface Client {
  spool: Spool;
  task: Task<Payload, void>;
  onJob: (payload: Payload) => void;
}
const clients = new Map<string, Client>();

function client(url: string): Client {
  let c = clients.get(url);
  if (!c) {
    const spool = createSpool({ backend: url, logger: { level: "warn" } });
    const holder: Client = { spool, task: undefined as unknown as Task<Payload, void>, onJob: () => {} };
    holder.task = spool.task({
      name: TASK,
      run(input: Payload): void {
        holder.onJob(input);
      },
    });
    clients.set(url, holder);
    c = holder;
  }
  return c;
}

async function dropClient(url: string): Promise<void> {
  const c = clients.get(url);
  if (!c) return;
  clients.delete(url);
  await c.spool.close();
}

const UNFINISHED = ["waiting", "scheduled", "queued", "running"] as const;

export function spoolSystem(kind: SpoolKind): BenchSystem {
  return {
    async info(): Promise<SystemInfo> {
      const config =
        kind === "memory"
          ? "memory://, worker IN THE PRODUCER'S PROCESS (no cross-process hop) × concurrency 50; enqueueMany chunks of 1000"
          : kind === "sqlite"
            ? "sqlite:// temp file (WAL, synchronous=NORMAL default), 1 worker proc × concurrency 50; enqueueMany chunks of 1000"
            : kind === "redis"
              ? "redis:// (bench DB), 1 worker proc × concurrency 50; enqueueMany chunks of 1000"
              : "postgres:// (schema spool_bench, synchronous commits), 1 worker proc × concurrency 50; enqueueMany chunks of 1000";
      return {
        id: `spool-${kind}`,
        label: kind === "memory" ? "spool/memory (in-process)" : `spool/${kind}`,
        version: ownVersion(),
        config,
        retention: "keeps completed jobs (default retention: completed removed after 1d by the worker)",
        inProcess: kind === "memory",
      };
    },
    async probe(ctx) {
      const url = kind === "sqlite" ? `sqlite://${join(ctx.tmpDir, "probe.db")}` : urlFor(kind, ctx);
      try {
        const backend = await createBackend(url);
        await backend.migrate();
        await backend.close();
        return null;
      } catch (err) {
        return `createBackend("${kind === "redis" ? url : kind}") failed: ${(err as Error).message.replace(/\/\/[^@/]*@/, "//***@")}`;
      } finally {
        if (kind === "sqlite") wipeSqlite(join(ctx.tmpDir, "probe.db"));
      }
    },
    async wipe(ctx) {
      if (kind === "sqlite") wipeSqlite(sqliteFile(ctx));
      if (kind === "redis") {
        const { flushRedisDb } = await import("./redis-util.js");
        await flushRedisDb(ctx.redisUrl);
      }
      if (kind === "postgres") {
        const pg = (await import("pg")).default;
        const c = new pg.Client({ connectionString: ctx.pgUrl });
        await c.connect();
        try {
          await c.query(`DROP SCHEMA IF EXISTS ${PG_SCHEMA} CASCADE`);
        } finally {
          await c.end();
        }
      }
      // memory: every run is a fresh process.
    },
    async producer(ctx): Promise<Producer> {
      const url = urlFor(kind, ctx);
      const c = client(url);
      await c.spool.backend(); // open + migrate outside the timed region
      return {
        async enqueueBulk(payloads) {
          await c.task.enqueueMany(payloads.map((input) => ({ input })));
        },
        async enqueueOne(payload) {
          await c.task.enqueue(payload);
        },
        async close() {
          // In-process: the worker shares this client and closes it.
          if (kind !== "memory") await dropClient(url);
        },
      };
    },
    async worker(ctx, onJob): Promise<WorkerSide> {
      const url = urlFor(kind, ctx);
      const c = client(url);
      c.onJob = onJob;
      // Connect before the timed start call, as the peers do: a BullMQ Worker and a bee-queue
      // Queue open their Redis connections in their constructors.
      await c.spool.backend();
      const worker = c.spool.worker({ concurrency: ctx.concurrency });
      return {
        start: () => worker.start(),
        async unfinished() {
          let n = 0;
          for (const q of await c.spool.queues.list()) for (const s of UNFINISHED) n += q.counts[s];
          return n;
        },
        async stop() {
          await worker.stop({ grace: "5s" });
          await dropClient(url);
        },
      };
    },
  };
}

function wipeSqlite(file: string): void {
  for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(file + suffix, { force: true });
}
