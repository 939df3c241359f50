/**
 * Rescue of a dead worker's jobs on PostgreSQL: how long after its lease runs out a job held by a
 * worker that stopped renewing (what kill -9 leaves: the lease simply stops being renewed) starts
 * again on a live worker. Jobs are claimed by a "dead" worker id through the backend, never
 * renewed; a real worker (same lease, default rescue interval) then runs them. Each job's delay =
 * its restart time - its claim time, reported as a multiple of the lease (target: within 2x).
 *
 *   npx tsx bench/pg-rescue.ts [--jobs 200] [--lease-ms 2000]
 */
import pg from "pg";
import { createSpool } from "../src/index.js";

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const JOBS = arg("jobs", 200);
const LEASE_MS = arg("lease-ms", 2000);
const BASE = process.env.SPOOL_BENCH_PG_URL ?? "postgres://spool:spool@127.0.0.1:5432/spool";
const SCHEMA = "spool_bench_rescue";

const admin = new pg.Client({ connectionString: BASE });
await admin.connect();
await admin.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
const url = `${BASE}?schema=${SCHEMA}`;
const restarted = new Map<number, number>();
const spool = createSpool({ backend: url, logger: { level: "warn" } });
const task = spool.task({
  name: "rescue.noop",
  run(input: { i: number }): void {
    if (!restarted.has(input.i)) restarted.set(input.i, Date.now());
  },
});
await task.enqueueMany(Array.from({ length: JOBS }, (_, i) => ({ input: { i } })));
const backend = await spool.backend();
const claimedAt = Date.now();
let claimed = 0;
while (claimed < JOBS) {
  const { jobs } = await backend.jobClaim({
    queues: ["default"],
    limit: JOBS - claimed,
    workerId: "dead-worker",
    leaseMs: LEASE_MS,
  });
  claimed += jobs.length;
}
const claimDone = Date.now();
const worker = spool.worker({ concurrency: 50, lease: `${LEASE_MS}ms` });
await worker.start();
while (restarted.size < JOBS) await new Promise((r) => setTimeout(r, 20));
await worker.stop({ grace: "2s" });
await spool.close();
await admin.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
await admin.end();
const delays = [...restarted.values()].map((t) => t - claimedAt).sort((a, b) => a - b);
const pick = (q: number) => delays[Math.min(delays.length - 1, Math.floor(q * delays.length))]!;
const x = (ms: number) => `${ms} ms = ${(ms / LEASE_MS).toFixed(2)}x lease`;
console.log(`jobs ${JOBS}, lease ${LEASE_MS} ms, claims took ${claimDone - claimedAt} ms`);
console.log(`restart after claim: min ${x(delays[0]!)}, p50 ${x(pick(0.5))}, max ${x(delays.at(-1)!)}`);
