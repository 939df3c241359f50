/**
 * Per-key flow-control properties across 3 worker processes sharing one store (SQLite file,
 * Redis): sampled every few ms while they drain, the jobs running per key never exceed the
 * key's cap; the stored start times of each key never hold more than limit + burst in any
 * window of `per`.
 */
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { busiestWindow, largestGroup, samplePeak } from "../support/flow-sampling.js";
import { processStoreKinds, processStores } from "../support/process-store.js";
import { waitFor } from "../support/wait-for.js";

const WORKER = join(import.meta.dirname, "fixtures/flow-keys-worker.ts");
const CAP = 2;
const RATE = { limit: 10, per: 500, burst: 2 };
const KEYS = ["a", "b", "c"];

const kinds = processStoreKinds("per-key flow-control property tests");

describe.each(kinds)("per-key flow control across 3 worker processes on %s", (kind) => {
  const stores = processStores(kind);

  async function setup() {
    const store = await stores.open("flow-keys");
    const { spool } = store;
    type In = { k: string; ms?: number };
    // The same definitions as the workers': the key is computed here, at enqueue.
    spool.task({
      name: "keyed.cap",
      queue: "kcap",
      concurrency: { limit: CAP, key: (i: In) => i.k },
      run: () => null,
    });
    spool.task({
      name: "keyed.rate",
      queue: "krate",
      rateLimit: { ...RATE, key: (i: In) => i.k },
      run: () => null,
    });
    return store;
  }

  test("running per key never exceeds its cap; starts per key never exceed limit + burst per window", async () => {
    const { spool, url, dir } = await setup();
    const backend = await spool.backend();
    await spool.enqueueMany(
      KEYS.flatMap((k) =>
        Array.from({ length: 30 }, (_, i) => ({ task: "keyed.cap", input: { k, ms: 5 + (i % 4) * 5 } })),
      ),
    );
    const rated = await spool.enqueueMany(
      KEYS.flatMap((k) => Array.from({ length: 25 }, () => ({ task: "keyed.rate", input: { k } }))),
    );
    const sampler = samplePeak(async () => {
      const { jobs } = await backend.jobList({ queue: "kcap", state: "running", limit: 1000 });
      return largestGroup(jobs.map((j) => j.limitKey ?? "?"));
    });
    // The sampler runs from before the first worker starts until the queues are drained.
    await stores.spawnWorkers(3, { script: WORKER, args: [url, "4"], dir });
    await waitFor(
      async () => {
        const byName = new Map((await spool.queues.list()).map((q) => [q.name, q]));
        return byName.get("kcap")?.counts.completed === 90 && byName.get("krate")?.counts.completed === 75;
      },
      { timeout: 180_000, interval: 100, message: "both queues drained" },
    );
    const { peak, samples } = await sampler.stop();
    expect(samples).toBeGreaterThan(10);
    expect(peak).toBeLessThanOrEqual(CAP);
    expect(peak).toBeGreaterThanOrEqual(1);
    const infos = await Promise.all(rated.map((j) => j.get()));
    for (const k of KEYS) {
      const starts = infos.filter((j) => j.limitKey === k).map((j) => j.startedAt!);
      expect(starts).toHaveLength(25);
      expect(busiestWindow(starts, RATE.per)).toBeLessThanOrEqual(RATE.limit + RATE.burst);
    }
  }, 300_000);
});
