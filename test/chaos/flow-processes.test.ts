/**
 * Flow-control properties across 3 worker processes sharing one store (SQLite file, Redis):
 * sampled every few ms while they drain, the jobs running in a capped queue never exceed its
 * cap; the stored start times of a rate-limited queue never hold more than limit + burst in
 * any window of `per`.
 */
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import type { Spool } from "../../src/client/spool.js";
import { busiestWindow, samplePeak } from "../support/flow-sampling.js";
import { processStoreKinds, processStores } from "../support/process-store.js";
import { waitFor } from "../support/wait-for.js";
import type { WorkerProcess } from "./worker-process.js";

const WORKER = join(import.meta.dirname, "fixtures/flow-worker.ts");
const CAP = 3;
const RATE = { limit: 20, per: 500, burst: 5 };

const kinds = processStoreKinds("flow-control property tests");

describe.each(kinds)("flow control across 3 worker processes on %s", (kind) => {
  const stores = processStores(kind);

  async function setup(): Promise<{ spool: Spool; workers: WorkerProcess[] }> {
    const { url, dir, spool } = await stores.open("flow");
    // Defined here too, to enqueue by name; only the worker processes run them.
    spool.task({ name: "capped.job", queue: "capped", run: (_: { ms: number }) => null });
    spool.task({ name: "rated.job", queue: "rated", run: () => null });
    await spool.queues.limit("capped", { concurrency: CAP });
    await spool.queues.limit("rated", { rateLimit: { limit: RATE.limit, per: RATE.per, burst: RATE.burst } });
    const workers = await stores.spawnWorkers(3, { script: WORKER, args: [url, "4"], dir });
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
    const sampler = samplePeak(
      async () => (await backend.queueList()).find((q) => q.name === "capped")?.counts.running ?? 0,
    );
    await waitFor(
      async () => {
        const byName = new Map((await spool.queues.list()).map((q) => [q.name, q]));
        return byName.get("capped")?.counts.completed === 120 && byName.get("rated")?.counts.completed === 60;
      },
      { timeout: 120_000, interval: 100, message: "both queues drained" },
    );
    const { peak, samples } = await sampler.stop();
    expect(samples).toBeGreaterThan(10);
    expect(peak).toBeLessThanOrEqual(CAP);
    expect(peak).toBeGreaterThanOrEqual(1);

    const starts = (await Promise.all(rated.map((j) => j.get())))
      .map((j) => j.startedAt!)
      .sort((a, b) => a - b);
    expect(busiestWindow(starts, RATE.per)).toBeLessThanOrEqual(RATE.limit + RATE.burst);
    // 60 starts at 20 per 500 ms after a burst of 6 take at least (60 - 6) · 25 ms.
    expect(starts.at(-1)! - starts[0]!).toBeGreaterThanOrEqual(54 * 25 - 1);
    // As long as its siblings': the drain alone may take the waitFor's 120 s on a busy machine.
  }, 300_000);
});
