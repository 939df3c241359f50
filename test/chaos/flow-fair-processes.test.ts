/**
 * Fairness between keys as a property (issue 15), across 3 worker processes sharing one store
 * (SQLite file, Redis, PostgreSQL schema): 10,000 jobs of one task with a keyed cap that never binds, one key
 * holding most of them and queued first, four small keys after it. With round-robin between
 * the 5 keys, the n-th job of a small key should be about the (5 × n)-th job to start (its
 * fair rank); the test asserts the p95 over the small keys' jobs of start rank / fair rank is
 * at most 2. Start ranks come from the stored start times once every job completed, so the
 * test waits only for a count that only grows; nothing about speed is asserted.
 */
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import type { Backend } from "../../src/backend/backend.js";
import { processStoreKinds, processStores } from "../support/process-store.js";
import { waitFor } from "../support/wait-for.js";

const WORKER = join(import.meta.dirname, "fixtures/flow-fair-worker.ts");
const BIG = 9_600;
const SMALL_KEYS = ["s1", "s2", "s3", "s4"];
const SMALL = 100;
const TOTAL = BIG + SMALL_KEYS.length * SMALL;
const KEYS = 1 + SMALL_KEYS.length;

const kinds = processStoreKinds("the fairness property test", { postgres: true });

/** Every job of queue "fair" with its limit key and start time, page by page. */
async function starts(backend: Backend): Promise<{ key: string; startedAt: number; createdAt: number }[]> {
  const out: { key: string; startedAt: number; createdAt: number }[] = [];
  let cursor: string | undefined;
  do {
    const page = await backend.jobList({
      queue: "fair",
      limit: 1000,
      order: "asc",
      ...(cursor ? { cursor } : {}),
    });
    for (const j of page.jobs)
      out.push({ key: j.limitKey ?? "?", startedAt: j.startedAt!, createdAt: j.createdAt });
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out;
}

/**
 * For each small key's n-th job (n from 1, in enqueue order), its start rank (1 + the jobs that
 * started strictly before it: jobs claimed at one instant share a rank) over its fair rank KEYS × n.
 */
function fairnessRatios(
  jobs: { key: string; startedAt: number }[],
  smallKeys: string[],
  keys: number,
): number[] {
  const times = jobs.map((j) => j.startedAt).sort((a, b) => a - b);
  const rankOf = (t: number) => {
    let lo = 0;
    let hi = times.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (times[mid]! < t) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  };
  const ratios: number[] = [];
  for (const k of smallKeys) {
    const mine = jobs.filter((j) => j.key === k);
    for (const [i, j] of mine.entries()) ratios.push(rankOf(j.startedAt) / (keys * (i + 1)));
  }
  return ratios.sort((a, b) => a - b);
}

describe.each(kinds)("fairness between keys across 3 worker processes on %s", (kind) => {
  const stores = processStores(kind);

  async function setup() {
    const store = await stores.open("fair");
    store.spool.task({
      name: "fair.job",
      queue: "fair",
      concurrency: { limit: 10_000, key: (i: { k: string }) => i.k },
      run: () => null,
    });
    return store;
  }

  test("10,000 jobs, 5 keys, one holding 96 %: the small keys' p95 start rank is within 2x of their fair share", async () => {
    const { spool, url, dir } = await setup();
    const backend = await spool.backend();
    // The big key's jobs first (so FIFO alone would start the small keys last), then the small keys'.
    for (let i = 0; i < BIG; i += 1000)
      await spool.enqueueMany(
        Array.from({ length: Math.min(1000, BIG - i) }, () => ({ task: "fair.job", input: { k: "big" } })),
      );
    await spool.enqueueMany(
      Array.from({ length: SMALL }, () => SMALL_KEYS.map((k) => ({ task: "fair.job", input: { k } }))).flat(),
    );
    await stores.spawnWorkers(3, { script: WORKER, args: [url, "4"], dir });
    await waitFor(
      async () => (await spool.queues.list()).find((q) => q.name === "fair")?.counts.completed === TOTAL,
      { timeout: 540_000, interval: 500, message: `all ${TOTAL} jobs completed` },
    );
    const jobs = await starts(backend);
    expect(jobs).toHaveLength(TOTAL);
    const ratios = fairnessRatios(jobs, SMALL_KEYS, KEYS);
    expect(ratios).toHaveLength(SMALL_KEYS.length * SMALL);
    const p95 = ratios[Math.floor(ratios.length * 0.95)]!;
    console.log(
      `${kind}: p95 start rank / fair rank of the small keys = ${p95.toFixed(2)} (median ${ratios[ratios.length >> 1]!.toFixed(2)}, max ${ratios.at(-1)!.toFixed(2)})`,
    );
    expect(p95).toBeLessThanOrEqual(2);
  }, 600_000);
});
