/**
 * The strategy at the cap across 3 processes sharing one store (SQLite file, Redis): each
 * process runs a worker and enqueues jobs of a drop-newest task and a cancel-in-progress task
 * (cap 2 per key, keys a, b, c) at the same time as the others. Sampled every few ms in one
 * read (queued and running together), no (task, key) ever has more than 2 live jobs; every
 * dropped job left nothing in the store; cancel-in-progress cancelled jobs (running ones too)
 * with its reason, and everything drains.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { largestGroup, samplePeak } from "../support/flow-sampling.js";
import { processStoreKinds, processStores } from "../support/process-store.js";
import { waitFor } from "../support/wait-for.js";
import type { WorkerProcess } from "./worker-process.js";

const SCRIPT = join(import.meta.dirname, "fixtures/flow-strategy-process.ts");
const CAP = 2;
const PER_PROCESS = 30;

const kinds = processStoreKinds("strategy-at-the-cap property tests");

describe.each(kinds)("strategy at the cap across 3 processes on %s", (kind) => {
  const stores = processStores(kind);

  test("live jobs per key never exceed the cap; dropped jobs write nothing; everything drains", async () => {
    const { url, dir, spool } = await stores.open("strategy");
    const backend = await spool.backend();
    const goFile = join(dir, "go");
    const procs: WorkerProcess[] = [];
    for (let i = 0; i < 3; i++)
      procs.push(
        await stores.spawn({
          script: SCRIPT,
          args: [url, goFile, String(PER_PROCESS)],
          dir,
          log: `proc-${i}.log`,
          label: `${kind} ${i}`,
        }),
      );
    // Queued and running in one read, so a job between the two states is never missed.
    const sampler = samplePeak(async () => {
      const { jobs } = await backend.jobList({ queue: "kstrat", state: ["queued", "running"], limit: 1000 });
      return largestGroup(jobs.map((j) => `${j.task}/${j.limitKey}`));
    });
    writeFileSync(goFile, "go");
    await waitFor(() => procs.every((p) => p.stdout().includes("done ")), {
      timeout: 180_000,
      interval: 50,
      message: "every process enqueued its jobs",
    });
    const reports = procs.map(
      (p) =>
        JSON.parse(p.stdout().split("done ")[1]!.split("\n")[0]!) as { created: number; dropped: number },
    );
    await waitFor(
      async () =>
        (await backend.jobList({ queue: "kstrat", state: ["queued", "running"], limit: 10 })).jobs.length ===
        0,
      { timeout: 180_000, interval: 100, message: "the queue drained" },
    );
    const { peak, samples } = await sampler.stop();
    expect(samples).toBeGreaterThan(10);
    expect(peak).toBeLessThanOrEqual(CAP);
    expect(peak).toBeGreaterThanOrEqual(1);
    const created = reports.reduce((n, r) => n + r.created, 0);
    const dropped = reports.reduce((n, r) => n + r.dropped, 0);
    expect(created + dropped).toBe(3 * PER_PROCESS);
    expect(dropped).toBeGreaterThan(0);
    // Nothing of a dropped job is in the store.
    const drops = (await backend.jobList({ task: "cap.drop", limit: 1000 })).jobs;
    expect(drops.length).toBe(created);
    const cancels = (await backend.jobList({ task: "cap.cancel", limit: 1000 })).jobs;
    expect(cancels.length).toBe(3 * PER_PROCESS);
    const superseded = cancels.filter((j) => j.state === "cancelled");
    expect(superseded.length).toBeGreaterThan(0);
    expect(cancels.filter((j) => j.state === "completed").length + superseded.length).toBe(3 * PER_PROCESS);
  }, 300_000);
});
