import { expect } from "vitest";
import { emptyCounts } from "../../../src/backend/backend.js";
import { defineTopic } from "./define.js";
import { claim, claimOne, enqueueOne, errorRecord, newJob, runningJob } from "./helpers.js";

export const queueTopic = defineTopic("queue", (test) => {
  test("a paused queue still accepts jobs but hands none out until resumed", async ({ backend }) => {
    await backend.queuePause({ queue: "q" });
    const id = await enqueueOne(backend, { queue: "q" });
    expect((await claim(backend, ["q"])).jobs).toEqual([]);
    await backend.queueResume({ queue: "q" });
    expect((await claim(backend, ["q"])).jobs.map((j) => j.id)).toEqual([id]);
  });

  test("pause and resume are idempotent", async ({ backend }) => {
    await enqueueOne(backend, { queue: "q" });
    await backend.queuePause({ queue: "q" });
    await backend.queuePause({ queue: "q" });
    expect((await backend.queueList()).find((q) => q.name === "q")?.paused).toBe(true);
    await backend.queueResume({ queue: "q" });
    expect((await backend.queueList()).find((q) => q.name === "q")?.paused).toBe(false);
    await backend.queueResume({ queue: "q" });
    expect((await claim(backend, ["q"])).jobs).toHaveLength(1);
  });

  test("a paused queue is listed with its flag even when it has no jobs", async ({ backend }) => {
    await backend.queuePause({ queue: "empty" });
    expect(await backend.queueList()).toEqual([
      {
        name: "empty",
        paused: true,
        counts: emptyCounts(),
        oldestQueuedAt: null,
        limits: { concurrency: null, rateLimit: null },
        waitingOnLimit: 0,
        limitWaits: [],
      },
    ]);
  });

  test("queueList counts jobs per state for every queue", async ({ backend, clock }) => {
    await enqueueOne(backend, { queue: "b" });
    const parent = await enqueueOne(backend, { queue: "a" });
    await enqueueOne(backend, { queue: "a" });
    await enqueueOne(backend, { queue: "a", runAt: clock.now() + 60_000 });
    await enqueueOne(backend, { queue: "a", dependsOn: [parent] });
    const run = await runningJob(backend, { queue: "r" });
    const done = await runningJob(backend, { queue: "r" });
    await backend.jobComplete({ jobs: [{ id: done.id, token: done.leaseToken, result: "1" }] });
    const dead = await runningJob(backend, { queue: "r" });
    await backend.jobFail({
      jobs: [{ id: dead.id, token: dead.leaseToken, error: errorRecord(1, clock.now()), retryAt: null }],
    });
    const gone = await enqueueOne(backend, { queue: "r" });
    await backend.jobCancel({ ids: [gone] });
    const list = await backend.queueList();
    const byName = new Map(list.map((q) => [q.name, q]));
    expect([...byName.keys()].sort()).toEqual(["a", "b", "r"]);
    expect(byName.get("a")?.counts).toEqual({ ...emptyCounts(), queued: 2, scheduled: 1, waiting: 1 });
    expect(byName.get("b")?.counts).toEqual({ ...emptyCounts(), queued: 1 });
    expect(byName.get("r")?.counts).toEqual({
      ...emptyCounts(),
      running: 1,
      completed: 1,
      failed: 1,
      cancelled: 1,
    });
    expect(byName.get("r")?.paused).toBe(false);
    expect(run.queue).toBe("r");
  });

  test("oldestQueuedAt is the creation time of the oldest queued job", async ({ backend, clock }) => {
    const t0 = clock.now();
    await enqueueOne(backend, { queue: "q" });
    clock.advance(1_000);
    await enqueueOne(backend, { queue: "q" });
    await enqueueOne(backend, { queue: "idle", runAt: clock.now() + 60_000 });
    let list = await backend.queueList();
    expect(list.find((q) => q.name === "q")?.oldestQueuedAt).toBe(t0);
    expect(list.find((q) => q.name === "idle")?.oldestQueuedAt).toBeNull();
    await claimOne(backend, "q");
    list = await backend.queueList();
    expect(list.find((q) => q.name === "q")?.oldestQueuedAt).toBe(t0 + 1_000);
  });

  test("oldestQueuedAt looks past the first priority and the head of a line", async ({ backend, clock }) => {
    const t0 = clock.now();
    // The oldest job has the lower priority; younger jobs of a higher priority come first, and a
    // younger job due earlier (runAt in the past) stands before it in its own line.
    await enqueueOne(backend, { queue: "p", priority: 0 });
    clock.advance(1_000);
    await enqueueOne(backend, { queue: "p", priority: 5 });
    await enqueueOne(backend, { queue: "p", priority: 5 });
    await enqueueOne(backend, { queue: "p", priority: 0, runAt: t0 - 60_000 });
    await enqueueOne(backend, { queue: "o", priority: 2 });
    const list = await backend.queueList();
    expect(list.find((q) => q.name === "p")?.oldestQueuedAt).toBe(t0);
    expect(list.find((q) => q.name === "o")?.oldestQueuedAt).toBe(t0 + 1_000);
  });

  test("pausing one queue leaves the others claimable", async ({ backend, clock }) => {
    const { jobs } = await backend.jobEnqueue({
      jobs: [newJob(clock, { queue: "x" }), newJob(clock, { queue: "y" })],
    });
    await backend.queuePause({ queue: "x" });
    expect((await claim(backend, ["x", "y"])).jobs.map((j) => j.id)).toEqual([jobs[1]!.id]);
    const flags = new Map((await backend.queueList()).map((q) => [q.name, q.paused]));
    expect(flags).toEqual(
      new Map([
        ["x", true],
        ["y", false],
      ]),
    );
  });
});
