/**
 * A worker process for the Redis chaos tests:
 *   node --import tsx test/chaos/redis-worker.ts <redis url> <evidence dir> '<json options>'
 * Options: WorkerOptions (concurrency, lease, pollInterval …). Prints `ready <pid>`.
 * Worker errors (Redis down, connection killed) are logged and survived: the worker must
 * carry on by itself once Redis is back.
 */
import { appendFileSync } from "node:fs";
import { createSpool } from "../../src/client/spool.js";
import { applyClockSkew, defineChaosTasks, installFaults, marksFile } from "./fixtures/app.js";

const [url, dir, json] = process.argv.slice(2);
if (!url || !dir) throw new Error("usage: redis-worker.ts <redis url> <evidence dir> [json options]");
// `clockSkewMs` (clock-skew chaos test): this process's wall clock runs that far off.
const options = applyClockSkew(JSON.parse(json ?? "{}") as Record<string, unknown>);

const spool = createSpool({
  backend: url,
  logger: { level: process.env.SPOOL_LOG_LEVEL ?? "warn" },
  retention: false,
});
defineChaosTasks(spool, dir);
await installFaults(spool, dir);
const worker = spool.worker(options);
const mark = (line: string) => appendFileSync(marksFile(dir), `${line}\n`);
worker.on("job:refused", (id) => mark(`refused ${id} ${process.pid}`));
worker.on("lease:lost", (id, why) => mark(`lost ${id} ${why} ${process.pid}`));
let errors = 0;
worker.on("worker:error", () => {
  errors++;
});
process.on("exit", () => mark(`errors ${errors} ${process.pid}`));

await worker.start();
process.stdout.write(`ready ${process.pid}\n`);
