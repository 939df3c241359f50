import pg from "pg";
import { createSpool } from "../src/index.js";
const BASE = "postgres://spool:spool@127.0.0.1:5432/spool";
const SCHEMA = "spool_bench_raw";
const admin = new pg.Client({ connectionString: BASE });
await admin.connect();
await admin.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
const spool = createSpool({ backend: `${BASE}?schema=${SCHEMA}`, logger: { level: "warn" } });
const task = spool.task({ name: "x.noop", run() {} });
const N = 20000;
for (let i = 0; i < N; i += 1000)
  await task.enqueueMany(Array.from({ length: 1000 }, (_, k) => ({ input: { i: i + k } })));
const b = await spool.backend();
b.subscribe(() => {});
const cpu0 = process.cpuUsage(); const t0 = performance.now();
let done = 0;
while (done < N) {
  const { jobs } = await b.jobClaim({ queues: ["default"], limit: 200, workerId: "w", leaseMs: 30000, tasks: ["x.noop"] });
  await b.jobComplete({ jobs: jobs.map((j) => ({ id: j.id, token: j.leaseToken, result: "null" })) });
  done += jobs.length;
}
const cpu = process.cpuUsage(cpu0); const s = (performance.now() - t0) / 1000;
console.log(`raw claim200+complete: ${(N / s).toFixed(0)} jobs/s, node CPU ${(((cpu.user + cpu.system) / N)).toFixed(1)} µs/job`);
await spool.close();
await admin.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
await admin.end();
