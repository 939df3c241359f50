/**
 * `npm run bench:flow-claim` — what one fair claim costs on SQLite as the queue grows (issue 15):
 * N jobs of a task with a keyed concurrency cap far above what binds (10,000 per key), spread
 * over 5 keys (one key holds 60 % of them), queued in one SQLite file; then claims of 32 jobs,
 * each timed, then completed and replaced by as many new jobs (untimed), so N stays queued.
 * Reports the median and p95 claim time per N, beside a plain queue of the same size.
 *
 *   npm run bench:flow-claim                       # N = 1,000, 10,000, 100,000; 200 claims each
 *   npm run bench:flow-claim -- --sizes 1000,10000 --claims 20
 *
 * Figures on a shared machine move: compare the columns of one run, and note the load average.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
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
const ROOM = 32;
const KEYS = ["big", "k1", "k2", "k3", "k4"];

function keyOf(i: number): string {
  // 60 % of the jobs on one key, the rest spread over four.
  return i % 10 < 6 ? "big" : KEYS[1 + (i % 4)]!;
}

async function measure(n: number, keyed: boolean): Promise<{ median: number; p95: number }> {
  const dir = mkdtempSync(join(tmpdir(), "spool-flow-claim-"));
  const backend = await createSqliteBackend(`sqlite://${join(dir, "bench.db")}`);
  try {
    const now = backend.clock.now();
    let made = 0;
    const enqueue = async (count: number) => {
      const jobs: NewJob[] = [];
      for (let i = made; i < made + count; i++)
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
          flow: keyed
            ? { key: keyOf(i), concurrency: { limit: 10_000, keyed: true }, rateLimit: null }
            : null,
        });
      made += count;
      await backend.jobEnqueue({ jobs });
    };
    while (made < n) await enqueue(Math.min(1000, n - made));
    const times: number[] = [];
    for (let c = 0; c < CLAIMS; c++) {
      const t0 = performance.now();
      const { jobs } = await backend.jobClaim({ queues: ["q"], limit: ROOM, workerId: "w", leaseMs: 60_000 });
      times.push(performance.now() - t0);
      await backend.jobComplete({ jobs: jobs.map((j) => ({ id: j.id, token: j.leaseToken, result: "1" })) });
      await enqueue(jobs.length);
    }
    times.sort((a, b) => a - b);
    return { median: times[Math.floor(times.length / 2)]!, p95: times[Math.floor(times.length * 0.95)]! };
  } finally {
    await backend.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const load = () => loadavg()[0]!.toFixed(1);
console.log(`claims of ${ROOM}, ${CLAIMS} per size; load average at start ${load()}`);
console.log("| queued | plain median ms | plain p95 ms | keyed (5 keys) median ms | keyed p95 ms |");
console.log("|---:|---:|---:|---:|---:|");
for (const n of SIZES) {
  const plain = await measure(n, false);
  const keyed = await measure(n, true);
  console.log(
    `| ${n} | ${plain.median.toFixed(2)} | ${plain.p95.toFixed(2)} | ${keyed.median.toFixed(2)} | ${keyed.p95.toFixed(2)} |`,
  );
}
console.log(`load average at end ${load()}`);
