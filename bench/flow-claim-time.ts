/**
 * `npm run bench:flow-claim` — what one fair claim costs as the queue grows (issue 15), on
 * SQLite or PostgreSQL: N jobs of a task with a keyed concurrency cap far above what binds
 * (10,000 per key) queued in one store, spread over 5 keys (`--shape spread`: one key holds 60 %
 * of them) or all on one key beside 3 small keys of 3 jobs each (`--shape one`); then claims of
 * `--room` jobs (32), each timed, then completed and replaced by as many new jobs of the same
 * keys (untimed), so N stays queued. Reports the median and p95 claim time per N, beside a
 * plain queue of the same size, and the same keyed queue claimed one job at a time.
 *
 *   npm run bench:flow-claim                       # SQLite; N = 1,000, 10,000, 100,000; 200 claims each
 *   npm run bench:flow-claim -- --sizes 1000,10000 --claims 20
 *   npm run bench:flow-claim -- --backend postgres --shape one   # SPOOL_BENCH_POSTGRES_URL or the local server
 *
 * Figures on a shared machine move: compare the columns of one run, and note the load average.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import type { Backend } from "../src/backend/backend.js";
import { encodeFlow } from "../src/backend/flow-gate.js";
import { createPostgresBackend } from "../src/backend/postgres/index.js";
import type { NewJob } from "../src/backend/seam/jobs.js";
import { createSqliteBackend } from "../src/backend/sqlite/index.js";
import { newJobId } from "../src/core/ids.js";

const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : fallback;
};
const SIZES = opt("sizes", "1000,10000,100000").split(",").map(Number);
const CLAIMS = Number(opt("claims", "200"));
const ROOM = Number(opt("room", "32"));
const BACKEND = opt("backend", "sqlite");
const SHAPE = opt("shape", "spread");
const PG_URL = process.env.SPOOL_BENCH_POSTGRES_URL ?? "postgres://spool:spool@127.0.0.1:5432/spool";
const KEYS = ["big", "k1", "k2", "k3", "k4"];
if (!["sqlite", "postgres"].includes(BACKEND) || !["spread", "one"].includes(SHAPE)) {
  console.error("--backend sqlite|postgres, --shape spread|one");
  process.exit(2);
}

function keyOf(i: number): string {
  // 60 % of the jobs on one key, the rest spread over four.
  return i % 10 < 6 ? "big" : KEYS[1 + (i % 4)]!;
}

interface Store {
  backend: Backend;
  drop: () => Promise<void>;
  /** Writes queued jobs of task "t", queue "q" with these limit keys (null: none) in one statement; undefined: enqueue instead. */
  seed?: (keys: readonly (string | null)[]) => Promise<void>;
}

/** A fresh store (a SQLite file, or a PostgreSQL schema of its own) and how to remove it. */
async function open(): Promise<Store> {
  if (BACKEND === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "spool-flow-claim-"));
    const backend = await createSqliteBackend(`sqlite://${join(dir, "bench.db")}`);
    return { backend, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const schema = `spool_bench_claim_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const url = new URL(PG_URL);
  url.searchParams.set("schema", schema);
  const backend = await createPostgresBackend(url.toString());
  const drop = async () => {
    const c = new pg.Client(PG_URL);
    await c.connect();
    try {
      await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    } finally {
      await c.end();
    }
  };
  // Seeding 100,000 jobs through the enqueue path takes minutes on a loaded machine: one INSERT
  // of the same rows (the columns an enqueue writes for a job with a keyed cap) instead.
  const seed = async (keys: readonly (string | null)[]) => {
    const c = new pg.Client(PG_URL);
    await c.connect();
    try {
      const now = backend.clock.now();
      const flows = keys.map((k) =>
        k === null
          ? null
          : encodeFlow({ key: k, concurrency: { limit: 10_000, keyed: true }, rateLimit: null }),
      );
      await c.query(
        `INSERT INTO "${schema}".jobs (id, task, queue, state, priority, run_at, max_attempts, input,
           created_at, updated_at, flow_key, flow)
         SELECT 'seed' || lpad(i::text, 9, '0'), 't', 'q', 'queued', 0, $1, 3, '{}', $1, $1, k, f
         FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS s(k, f, i)`,
        [now, keys, flows],
      );
      await c.query(`ANALYZE "${schema}".jobs`);
    } finally {
      await c.end();
    }
  };
  return { backend, drop, seed };
}

async function measure(n: number, keyed: boolean, room: number): Promise<{ median: number; p95: number }> {
  const { backend, drop, seed: fastSeed } = await open();
  try {
    await backend.migrate();
    const now = backend.clock.now();
    const enqueue = async (keys: readonly string[]) => {
      const jobs: NewJob[] = [];
      for (const key of keys)
        jobs.push({
          id: newJobId(),
          task: "t",
          queue: "q",
          input: "{}",
          priority: 0,
          runAt: now,
          maxAttempts: 3,
          key: null,
          meta: {},
          dependsOn: [],
          leaseMs: null,
          timeoutMs: null,
          flow: keyed ? { key, concurrency: { limit: 10_000, keyed: true }, rateLimit: null } : null,
        });
      for (let i = 0; i < jobs.length; i += 1000) await backend.jobEnqueue({ jobs: jobs.slice(i, i + 1000) });
    };
    const seed: string[] = [];
    if (SHAPE === "one") {
      for (let i = 0; i < n; i++) seed.push("big");
      for (const k of KEYS.slice(1, 4)) seed.push(k, k, k);
    } else for (let i = 0; i < n; i++) seed.push(keyOf(i));
    if (fastSeed) await fastSeed(keyed ? seed : seed.map(() => null));
    else await enqueue(seed);
    const times: number[] = [];
    for (let c = 0; c < CLAIMS; c++) {
      const t0 = performance.now();
      const { jobs } = await backend.jobClaim({ queues: ["q"], limit: room, workerId: "w", leaseMs: 60_000 });
      times.push(performance.now() - t0);
      await backend.jobComplete({ jobs: jobs.map((j) => ({ id: j.id, token: j.leaseToken, result: "1" })) });
      // The same keys again, so the shape stays.
      await enqueue(jobs.map((j) => j.limitKey ?? "big"));
    }
    times.sort((a, b) => a - b);
    return { median: times[Math.floor(times.length / 2)]!, p95: times[Math.floor(times.length * 0.95)]! };
  } finally {
    await backend.close();
    await drop();
  }
}

const load = () => loadavg()[0]!.toFixed(1);
const shape = SHAPE === "one" ? "1 key + 3 keys of 3" : "5 keys";
console.log(`${BACKEND}: claims of ${ROOM} (and of 1), ${CLAIMS} per size; load average at start ${load()}`);
console.log(
  `| queued | plain median ms | plain p95 ms | keyed (${shape}) median ms | keyed p95 ms | keyed, claims of 1: median ms | p95 ms |`,
);
console.log("|---:|---:|---:|---:|---:|---:|---:|");
for (const n of SIZES) {
  const plain = await measure(n, false, ROOM);
  const keyed = await measure(n, true, ROOM);
  const single = await measure(n, true, 1);
  const f = (x: number) => x.toFixed(2);
  console.log(
    `| ${n} | ${f(plain.median)} | ${f(plain.p95)} | ${f(keyed.median)} | ${f(keyed.p95)} | ${f(single.median)} | ${f(single.p95)} |`,
  );
}
console.log(`load average at end ${load()}`);
