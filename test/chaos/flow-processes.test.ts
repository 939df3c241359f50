/**
 * Flow-control properties across 3 worker processes sharing one store (SQLite file, Redis):
 * sampled every few ms while they drain, the jobs running in a capped queue never exceed its
 * cap; the stored start times of a rate-limited queue never hold more than limit + burst in
 * any window of `per`.
 */
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, test } from "vitest";
import { createSpool, type Spool } from "../../src/client/spool.js";
import { redisReachable, redisUrl, requireRedis } from "../support/redis.js";
import { waitFor } from "../support/wait-for.js";
import { spawnWorkerProcess, type WorkerProcess } from "./worker-process.js";

const here = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(here, "../..");
const WORKER = join(here, "fixtures/flow-worker.ts");
const CAP = 3;
const RATE = { limit: 20, per: 500, burst: 5 };

requireRedis("flow-control property tests on Redis");
const kinds = redisReachable ? (["sqlite", "redis"] as const) : (["sqlite"] as const);

describe.each(kinds)("flow control across 3 worker processes on %s", (kind) => {
  const children = new Map<ChildProcess, Promise<unknown>>();
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const child of children.keys()) child.kill("SIGKILL");
    await Promise.all(children.values());
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function setup(): Promise<{ spool: Spool; workers: WorkerProcess[] }> {
    const dir = mkdtempSync(join(tmpdir(), "spool-flow-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    let url = `sqlite://${join(dir, "flow.db")}`;
    if (kind === "redis") {
      const r = redisUrl();
      url = r.url;
      cleanups.push(r.cleanup);
    }
    const spool = createSpool({ backend: url, logger: { level: "silent" }, retention: false });
    cleanups.push(() => spool.close());
    // Defined here too, to enqueue by name; only the worker processes run them.
    spool.task({ name: "capped.job", queue: "capped", run: (_: { ms: number }) => null });
    spool.task({ name: "rated.job", queue: "rated", run: () => null });
    await (await spool.backend()).migrate();
    await spool.queues.limit("capped", { concurrency: CAP });
    await spool.queues.limit("rated", { rateLimit: { limit: RATE.limit, per: RATE.per, burst: RATE.burst } });
    const workers: WorkerProcess[] = [];
    for (let i = 0; i < 3; i++) {
      workers.push(
        await spawnWorkerProcess({
          script: WORKER,
          args: [url, "4"],
          cwd: ROOT,
          logFile: join(dir, `worker-${i}.log`),
          label: `${kind} ${i}`,
          children,
        }),
      );
    }
    return { spool, workers };
  }

  test("a capped queue never runs more than its cap; rated starts never exceed limit + burst", async () => {
    const { spool } = await setup();
    const backend = await spool.backend();
    // Both queues at once, so the three processes' claims interleave on both limits.
    await spool.enqueueMany(
      Array.from({ length: 120 }, (_, i) => ({ task: "capped.job", input: { ms: 5 + (i % 4) * 5 } })),
    );
    const rated = await spool.enqueueMany(
      Array.from({ length: 60 }, () => ({ task: "rated.job", input: {} })),
    );
    let peak = 0;
    let samples = 0;
    let drained = false;
    const sampler = (async () => {
      while (!drained) {
        const capped = (await backend.queueList()).find((q) => q.name === "capped");
        const running = capped?.counts.running ?? 0;
        peak = Math.max(peak, running);
        samples++;
        if (capped && capped.counts.completed === 120) drained = true;
        await new Promise((r) => setTimeout(r, 3));
      }
    })();
    await waitFor(
      async () => {
        const byName = new Map((await spool.queues.list()).map((q) => [q.name, q]));
        return byName.get("capped")?.counts.completed === 120 && byName.get("rated")?.counts.completed === 60;
      },
      { timeout: 120_000, interval: 100, message: "both queues drained" },
    );
    drained = true;
    await sampler;
    expect(samples).toBeGreaterThan(10);
    expect(peak).toBeLessThanOrEqual(CAP);
    expect(peak).toBeGreaterThanOrEqual(1);

    const starts = (await Promise.all(rated.map((j) => j.get())))
      .map((j) => j.startedAt!)
      .sort((a, b) => a - b);
    let worst = 0;
    for (let i = 0; i < starts.length; i++) {
      let n = 0;
      while (i + n < starts.length && starts[i + n]! < starts[i]! + RATE.per) n++;
      worst = Math.max(worst, n);
    }
    expect(worst).toBeLessThanOrEqual(RATE.limit + RATE.burst);
    // 60 starts at 20 per 500 ms after a burst of 6 take at least (60 - 6) · 25 ms.
    expect(starts.at(-1)! - starts[0]!).toBeGreaterThanOrEqual(54 * 25 - 1);
  });
});
