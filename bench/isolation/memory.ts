/**
 * Memory per isolated child: one worker (pool N) on the memory backend loads the bench app in
 * N threads or N processes; prints the worker process's RSS growth (threads share it) or each
 * child process's RSS, warm (after start) and after 200 no-op jobs. One mode per run, so each
 * starts from a fresh process:
 *
 *   npx tsx bench/isolation/memory.ts thread 4
 *   npx tsx bench/isolation/memory.ts process 4
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createSpool } from "../../src/index.js";
import { defineBenchTasks } from "./app.js";

const mode = process.argv[2] === "process" ? "process" : "thread";
const pool = Number(process.argv[3] ?? 4);
const MB = 1024 * 1024;

/** RSS (MB) of this process's direct children, from /proc (Linux). */
function childRss(): number[] {
  const out: number[] = [];
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      if (Number(/^PPid:\s+(\d+)/m.exec(status)?.[1]) !== process.pid) continue;
      out.push(Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) / 1024);
    } catch {
      // The process ended between readdir and read.
    }
  }
  return out;
}

const spool = createSpool({ backend: "memory://", logger: { level: "warn" } });
defineBenchTasks(spool);
const worker = spool.worker({
  concurrency: pool,
  isolate: mode,
  isolation: { app: join(import.meta.dirname, "app.ts"), pool },
});
global.gc?.();
const before = process.memoryUsage().rss / MB;
const report = (when: string) => {
  const rss = process.memoryUsage().rss / MB;
  const kids = childRss();
  const line =
    mode === "thread"
      ? `worker RSS ${rss.toFixed(0)} MB, +${(rss - before).toFixed(0)} MB for ${pool} threads = ${((rss - before) / pool).toFixed(0)} MB per thread`
      : `worker RSS ${rss.toFixed(0)} MB; ${kids.length} child processes, RSS ${kids.map((k) => k.toFixed(0)).join(" / ")} MB`;
  console.log(`${mode} pool ${pool}, ${when}: ${line}`);
};
await worker.start();
report("warm");
const jobs = await spool.enqueueMany(Array.from({ length: 200 }, (_, i) => ({ task: "noop", input: i })));
await Promise.all(jobs.map((j) => j.result({ timeout: "2m" })));
report("after 200 jobs");
await worker.stop();
await spool.close();
