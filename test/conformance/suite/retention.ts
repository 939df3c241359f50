import { expect } from "vitest";
import type { Backend } from "../../../src/backend/backend.js";
import type { JobState } from "../../../src/core/types.js";
import { defineTopic } from "./define.js";
import { allJobs, enqueueOne, errorRecord, runningJob } from "./helpers.js";

/** Creates one job that ends in `state` at the current fake time. */
async function finished(backend: Backend, state: "completed" | "failed" | "cancelled"): Promise<string> {
  if (state === "cancelled") {
    const id = await enqueueOne(backend, { queue: "c" });
    await backend.jobCancel({ ids: [id] });
    return id;
  }
  const job = await runningJob(backend, { queue: state });
  if (state === "completed")
    await backend.jobComplete({ jobs: [{ id: job.id, token: job.leaseToken, result: "1" }] });
  else
    await backend.jobFail({
      jobs: [
        { id: job.id, token: job.leaseToken, error: errorRecord(1, backend.clock.now()), retryAt: null },
      ],
    });
  return job.id;
}

async function remaining(backend: Backend, state?: JobState): Promise<string[]> {
  return (await allJobs(backend)).filter((j) => state === undefined || j.state === state).map((j) => j.id);
}

export const retentionTopic = defineTopic("retention", (test) => {
  for (const [state, option] of [
    ["completed", "completedBefore"],
    ["failed", "failedBefore"],
    ["cancelled", "cancelledBefore"],
  ] as const) {
    test(`${option} removes only ${state} jobs that finished before the instant`, async ({
      backend,
      clock,
    }) => {
      const old = await finished(backend, state);
      clock.advance(10_000);
      const cutoff = clock.now();
      clock.advance(10_000);
      const recent = await finished(backend, state);
      const others = (["completed", "failed", "cancelled"] as const).filter((s) => s !== state);
      clock.set(cutoff - 5_000);
      const otherOld = await Promise.all(others.map((s) => finished(backend, s)));
      const out = await backend.retentionPrune({ [option]: cutoff, limit: 100 });
      expect(out).toEqual({ removed: 1 });
      expect(await backend.jobGet({ id: old })).toBeNull();
      expect((await remaining(backend)).sort()).toEqual([recent, ...otherOld].sort());
    });
  }

  for (const [state, option] of [
    ["completed", "completedKeep"],
    ["failed", "failedKeep"],
  ] as const) {
    test(`${option} keeps only the newest ${state} jobs`, async ({ backend, clock }) => {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        ids.push(await finished(backend, state));
        clock.advance(1_000);
      }
      const other = await finished(backend, state === "completed" ? "failed" : "completed");
      expect(await backend.retentionPrune({ [option]: 2, limit: 100 })).toEqual({ removed: 3 });
      expect((await remaining(backend, state)).sort()).toEqual(ids.slice(3).sort());
      expect(await remaining(backend, state === "completed" ? "failed" : "completed")).toEqual([other]);
    });
  }

  test("a prune removes at most limit jobs per call", async ({ backend, clock }) => {
    for (let i = 0; i < 7; i++) await finished(backend, "completed");
    clock.advance(1_000);
    expect(await backend.retentionPrune({ completedBefore: clock.now(), limit: 3 })).toEqual({ removed: 3 });
    expect(await remaining(backend)).toHaveLength(4);
    expect(await backend.retentionPrune({ completedBefore: clock.now(), limit: 100 })).toEqual({
      removed: 4,
    });
    expect(await remaining(backend)).toHaveLength(0);
  });

  test("running, queued, scheduled and waiting jobs are never pruned", async ({ backend, clock }) => {
    const running = await runningJob(backend, { queue: "r" });
    const queued = await enqueueOne(backend, { queue: "q" });
    const scheduled = await enqueueOne(backend, { queue: "s", runAt: clock.now() + 1_000 });
    const waiting = await enqueueOne(backend, { queue: "w", dependsOn: [queued] });
    clock.advance(365 * 24 * 3_600_000);
    const out = await backend.retentionPrune({
      completedBefore: clock.now(),
      failedBefore: clock.now(),
      cancelledBefore: clock.now(),
      completedKeep: 0,
      failedKeep: 0,
      limit: 1_000,
    });
    expect(out).toEqual({ removed: 0 });
    expect((await remaining(backend)).sort()).toEqual([running.id, queued, scheduled, waiting].sort());
  });
});
