/**
 * Where the time of a PostgreSQL job system's process path goes, spool or graphile-worker
 * (localQueue 100, as in `npm run bench`): enqueues N no-op jobs, then runs one worker
 * (concurrency 50) in this process until every job ran and none is left, and reports
 * - jobs/s, this process's CPU, and the CPU the PostgreSQL server processes serving the worker's
 *   connections used (read from /proc: the server must run on this host);
 * - every statement the worker sent (by prepared-statement name or first words): calls, rows per
 *   call, mean and total round-trip time, and how long calls waited for a pooled connection.
 *
 *   npx tsx bench/pg-profile.ts [--system spool|graphile] [--jobs 10000] [--concurrency 50] [--prefetch auto|N]
 */
import { readFileSync } from "node:fs";
import pg from "pg";

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : def;
};
const SYSTEM = arg("system", "spool");
const JOBS = Number(arg("jobs", "10000"));
const CONCURRENCY = Number(arg("concurrency", "50"));
/** spool's `prefetch` worker option (default "auto"). */
const PREFETCH = arg("prefetch", "auto");
const BASE = process.env.BENCH_PG_URL ?? "postgres://spool:spool@127.0.0.1:5432/spool";
const SCHEMA = `spool_bench_profile_${SYSTEM}`;

// ── round trips, by statement ─────────────────────────────────────────────────────────────
interface Stat {
  n: number;
  ms: number;
  rows: number;
}
const stats = new Map<string, Stat>();
let recording = false;
function record(name: string, ms: number, rows: number): void {
  if (!recording) return;
  const s = stats.get(name) ?? { n: 0, ms: 0, rows: 0 };
  s.n++;
  s.ms += ms;
  s.rows += rows;
  stats.set(name, s);
}
function label(q: unknown): string {
  if (typeof q === "string") return q.slice(0, 40).replace(/\s+/g, " ");
  const o = q as { name?: string; text?: string };
  return (o.name ?? o.text?.slice(0, 40) ?? "?").replace(/_[0-9a-f]{10}$/, "").replace(/\s+/g, " ");
}
type Rows = { rowCount?: number | null } | undefined;
const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
const query = proto.query;
proto.query = function (this: pg.Client, ...args: unknown[]) {
  const t = performance.now();
  const name = label(args[0]);
  const last = args.length - 1;
  const done = (err: unknown, r: Rows) =>
    record(err ? `${name} (error)` : name, performance.now() - t, Array.isArray(r) ? 0 : (r?.rowCount ?? 0));
  if (typeof args[last] === "function") {
    const cb = args[last] as (err: unknown, r: Rows) => void;
    args[last] = (err: unknown, r: Rows) => {
      done(err, r);
      cb(err, r);
    };
    return query.apply(this, args);
  }
  const out = query.apply(this, args) as Promise<Rows> | undefined;
  out?.then?.(
    (r) => done(null, r),
    (e) => done(e, undefined),
  );
  return out;
};
const poolProto = pg.Pool.prototype as unknown as { connect: (...a: unknown[]) => unknown };
const connect = poolProto.connect;
poolProto.connect = function (this: pg.Pool, ...args: unknown[]) {
  const t = performance.now();
  const out = connect.apply(this, args) as Promise<unknown> | undefined;
  out?.then?.(() => record("(pool wait)", performance.now() - t, 0));
  return out;
};

// ── server CPU of the worker's connections ────────────────────────────────────────────────
const admin = new pg.Client({ connectionString: BASE });
await admin.connect();
const ticks = (pid: number): number => {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return Number(f[11]) + Number(f[12]); // utime + stime (fields 14, 15)
  } catch {
    return 0;
  }
};
/** Server processes of connections opened since `since` whose last statement names the schema. */
async function serverCpuMs(since: Date): Promise<number> {
  const r = await admin.query<{ pid: number }>(
    "SELECT pid FROM pg_stat_activity WHERE backend_start >= $1 AND pid <> pg_backend_pid() AND query ILIKE $2",
    [since, `%${SCHEMA}%`],
  );
  return r.rows.reduce((sum, row) => sum + ticks(row.pid), 0) * 10;
}

// ── the systems ───────────────────────────────────────────────────────────────────────────
interface Run {
  enqueue(): Promise<void>;
  /** Starts the worker; resolves when all jobs ran and none is left. */
  process(): Promise<void>;
  stop(): Promise<void>;
}

let handled = 0;
let allHandled: () => void = () => {};
const handledAll = new Promise<void>((r) => {
  allHandled = r;
});
const onJob = () => {
  if (++handled === JOBS) allHandled();
};
const chunks = <T>(from: (i: number) => T): T[][] =>
  Array.from({ length: Math.ceil(JOBS / 1000) }, (_, c) =>
    Array.from({ length: Math.min(1000, JOBS - c * 1000) }, (_, k) => from(c * 1000 + k)),
  );
const untilZero = async (count: () => Promise<number>) => {
  while ((await count()) > 0) await new Promise((r) => setTimeout(r, 1));
};

async function spoolRun(): Promise<Run> {
  const { createSpool } = await import("../src/index.js");
  const url = `${BASE}?schema=${SCHEMA}`;
  const open = () => {
    const spool = createSpool({ backend: url, logger: { level: "warn" } });
    const task = spool.task({ name: "profile.noop", run: onJob });
    return { spool, task };
  };
  let w: ReturnType<typeof open> | null = null;
  let worker: { stop(o: { grace: string }): Promise<void> } | null = null;
  return {
    async enqueue() {
      const p = open();
      for (const chunk of chunks((i) => ({ input: { i } }))) await p.task.enqueueMany(chunk);
      await p.spool.close();
      w = open();
      await w.spool.backend();
    },
    async process() {
      const s = w!.spool;
      const wk = s.worker({
        concurrency: CONCURRENCY,
        prefetch: PREFETCH === "auto" ? "auto" : Number(PREFETCH),
      });
      worker = wk;
      await wk.start();
      await handledAll;
      await untilZero(async () => {
        let n = 0;
        for (const q of await s.queues.list()) n += q.counts.queued + q.counts.running;
        return n;
      });
    },
    async stop() {
      await worker?.stop({ grace: "2s" });
      await w?.spool.close();
    },
  };
}

async function graphileRun(): Promise<Run> {
  const { Logger, makeWorkerUtils, run } = await import("graphile-worker");
  const logger = new Logger(() => (level, message) => {
    if (level === "error" || level === "warning") process.stderr.write(`[graphile ${level}] ${message}\n`);
  });
  let runner: { stop(): Promise<void> } | null = null;
  return {
    async enqueue() {
      const utils = await makeWorkerUtils({ connectionString: BASE, schema: SCHEMA, logger });
      await utils.migrate();
      for (const chunk of chunks((i) => ({ identifier: "noop", payload: { i } }))) await utils.addJobs(chunk);
      await utils.release();
    },
    async process() {
      runner = await run({
        connectionString: BASE,
        schema: SCHEMA,
        concurrency: CONCURRENCY,
        maxPoolSize: CONCURRENCY + 2,
        noHandleSignals: true,
        logger,
        preset: { worker: { localQueue: { size: 100 }, completeJobBatchDelay: 0 } },
        taskList: { noop: async () => onJob() },
      });
      await handledAll;
      await untilZero(async () =>
        Number((await admin.query(`SELECT count(*) AS n FROM ${SCHEMA}._private_jobs`)).rows[0].n),
      );
    },
    async stop() {
      await runner?.stop();
    },
  };
}

await admin.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
const sys = SYSTEM === "graphile" ? await graphileRun() : await spoolRun();
await sys.enqueue();
const since = new Date(Date.now() - 5_000);
const cpuAtStart = await serverCpuMs(since);
recording = true;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
await sys.process();
const seconds = (performance.now() - t0) / 1000;
recording = false;
const cpu = process.cpuUsage(cpu0);
const serverMs = (await serverCpuMs(since)) - cpuAtStart;
await sys.stop();
await admin.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
await admin.end();

const clientMs = (cpu.user + cpu.system) / 1000;
console.log(
  `${SYSTEM}: ${JOBS} jobs, concurrency ${CONCURRENCY}: ${(JOBS / seconds).toFixed(0)} jobs/s (${seconds.toFixed(2)} s); ` +
    `CPU per job: worker process ${((clientMs * 1000) / JOBS).toFixed(0)} µs, PostgreSQL ${((serverMs * 1000) / JOBS).toFixed(0)} µs`,
);
console.log("| statement | calls | per 1k jobs | rows/call | mean ms | total ms |");
console.log("|---|---:|---:|---:|---:|---:|");
for (const [name, s] of [...stats].sort((a, b) => b[1].ms - a[1].ms))
  console.log(
    `| ${name} | ${s.n} | ${((s.n * 1000) / JOBS).toFixed(1)} | ${(s.rows / s.n).toFixed(1)} | ${(s.ms / s.n).toFixed(2)} | ${s.ms.toFixed(0)} |`,
  );
process.exit(0);
