/**
 * Throughput sanity check for the SQLite backend (not a test): bulk enqueue in chunks of 1000,
 * then claim-50 / complete-50 cycles until the queue is empty.
 *   npx tsx test/backend/sqlite-throughput.ts [jobs] [sqlite-url-options]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { NewJob } from "../../src/backend/backend.js";
import { createSqliteBackend } from "../../src/backend/sqlite/index.js";
import { newJobId } from "../../src/core/ids.js";

const total = Number(process.argv[2] ?? 100_000);
const query = process.argv[3] ?? "";
const dir = mkdtempSync(join(tmpdir(), "spool-tp-"));
const backend = await createSqliteBackend(`sqlite://${join(dir, "tp.db")}${query}`);
const subscribe = process.env.SUBSCRIBE === "1";
let seen = 0;
if (subscribe) backend.subscribe((events) => (seen += events.length));

const job = (): NewJob => ({
  id: newJobId(),
  task: "noop",
  queue: "default",
  input: "{}",
  priority: 0,
  runAt: 0,
  maxAttempts: 3,
  key: null,
  meta: {},
  dependsOn: [],
  leaseMs: null,
  timeoutMs: null,
});

let t = performance.now();
for (let i = 0; i < total; i += 1000) {
  await backend.jobEnqueue({ jobs: Array.from({ length: Math.min(1000, total - i) }, job) });
}
const enqueueMs = performance.now() - t;
console.log(
  `bulk enqueue: ${Math.round(total / (enqueueMs / 1000))} jobs/s (${total} in ${enqueueMs.toFixed(0)} ms)`,
);

t = performance.now();
let done = 0;
for (;;) {
  const { jobs } = await backend.jobClaim({
    queues: ["default"],
    limit: 50,
    workerId: "w1",
    leaseMs: 30_000,
  });
  if (jobs.length === 0) break;
  const r = await backend.jobComplete({
    jobs: jobs.map((j) => ({ id: j.id, token: j.leaseToken, result: "null" })),
  });
  done += r.ok.length;
}
const processMs = performance.now() - t;
console.log(
  `claim+complete: ${Math.round(done / (processMs / 1000))} jobs/s (${done} in ${processMs.toFixed(0)} ms)`,
);
if (subscribe) console.log(`events seen: ${seen}`);
await backend.close();
rmSync(dir, { recursive: true, force: true });
