/**
 * The worker runs what it claims: typed results, the concurrency limit, batch claims,
 * priority order, delays (real time and a fake clock) and paused queues.
 */
import { afterEach, describe, expect, expectTypeOf, test } from "vitest";
import { FakeClock } from "../../src/core/clock.js";
import { deferred, waitFor } from "../support/wait-for.js";
import { BACKEND_KINDS, createHarness, type Harness, sleep } from "./harness.js";

describe.each(BACKEND_KINDS)("worker execution on %s", (kind) => {
  let h: Harness;
  afterEach(async () => {
    await h?.close();
    expect(h.subscriptions).toBe(0);
    expect(h.workerErrors).toEqual([]);
  });

  test("a job runs and completes with its typed result", async () => {
    h = await createHarness(kind);
    const add = h.spool.task({
      name: "add",
      run: async (input: { a: number; b: number }) => ({ sum: input.a + input.b, at: new Date(0) }),
    });
    const job = await add.enqueue({ a: 2, b: 3 });
    await h.worker().start();
    const out = await job.result({ timeout: "10s" });
    expectTypeOf(out).toEqualTypeOf<{ sum: number; at: Date }>();
    expect(out).toEqual({ sum: 5, at: new Date(0) });
    const info = await job.get();
    expect(info.state).toBe("completed");
    expect(info.attempt).toBe(1);
    expect(info.errors).toEqual([]);
    expect(info.startedAt).not.toBeNull();
    expect(info.finishedAt!).toBeGreaterThanOrEqual(info.startedAt!);
  });

  test("the number of handlers running at once never exceeds the concurrency limit", async () => {
    h = await createHarness(kind);
    let active = 0;
    let max = 0;
    // Without prefetch a worker never holds more leases than it has slots.
    const worker = h.worker({ concurrency: 4, prefetch: 0 });
    let maxHeld = 0;
    const t = h.spool.task({
      name: "busy",
      run: async () => {
        active++;
        max = Math.max(max, active);
        maxHeld = Math.max(maxHeld, worker.activeCount);
        await sleep(10 + Math.random() * 20);
        active--;
      },
    });
    const jobs = await t.enqueueMany(Array.from({ length: 40 }, () => ({ input: undefined })));
    await worker.start();
    for (const job of jobs) await job.result({ timeout: "20s" });
    expect(max).toBe(4);
    expect(maxHeld).toBeLessThanOrEqual(4);
    for (const c of h.claims) expect(c.params.limit).toBeLessThanOrEqual(4);
  });

  test("with prefetch a worker claims ahead but still runs at most concurrency handlers", async () => {
    h = await createHarness(kind);
    let active = 0;
    let max = 0;
    const worker = h.worker({ concurrency: 4, prefetch: 8 });
    const t = h.spool.task({
      name: "short",
      run: async () => {
        active++;
        max = Math.max(max, active);
        await sleep(2);
        active--;
      },
    });
    const jobs = await t.enqueueMany(Array.from({ length: 60 }, () => ({ input: undefined })));
    await worker.start();
    for (const job of jobs) await job.result({ timeout: "20s" });
    expect(max).toBe(4);
    for (const c of h.claims) expect(c.params.limit).toBeLessThanOrEqual(12);
    expect(h.claims.some((c) => c.result.jobs.length > 4)).toBe(true);
  });

  test("prefetched jobs that never started go back to queued with their attempt uncounted on stop", async () => {
    h = await createHarness(kind);
    const gate = deferred<void>();
    const worker = h.worker({ concurrency: 1, prefetch: 3, shutdownGrace: "5s" });
    let started = 0;
    const t = h.spool.task({
      name: "slow",
      run: async () => {
        started++;
        await gate.promise;
      },
    });
    const jobs = await t.enqueueMany(Array.from({ length: 4 }, () => ({ input: undefined })));
    await worker.start();
    await waitFor(() => started === 1 && worker.bufferedCount === 3, { timeout: 10_000 });
    const stopping = worker.stop();
    // The buffered three are released before the running one finishes.
    await waitFor(
      async () => (await Promise.all(jobs.map((j) => j.state()))).filter((s) => s === "queued").length === 3,
      {
        timeout: 10_000,
      },
    );
    gate.resolve();
    await stopping;
    const states = await Promise.all(jobs.map((j) => j.get()));
    expect(states.filter((j) => j.state === "completed")).toHaveLength(1);
    for (const j of states.filter((x) => x.state === "queued")) expect(j.attempt).toBe(0);
  });

  test("a worker claims ready jobs in batches up to its free slots", async () => {
    h = await createHarness(kind);
    const t = h.spool.task({ name: "noop", run: async () => "ok" });
    const jobs = await t.enqueueMany(Array.from({ length: 10 }, () => ({ input: undefined })));
    await h.worker({ concurrency: 10 }).start();
    for (const job of jobs) await job.result({ timeout: "10s" });
    const sizes = h.claims.map((c) => c.result.jobs.length);
    expect(sizes[0]).toBe(10);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(10);
  });

  test("a concurrency-1 worker runs jobs by priority, oldest first among equals", async () => {
    h = await createHarness(kind);
    const order: string[] = [];
    const t = h.spool.task({
      name: "ordered",
      run: async (input: { name: string }) => {
        order.push(input.name);
      },
    });
    const specs: [string, number][] = [
      ["a", 0],
      ["b", 5],
      ["c", 1],
      ["d", 5],
      ["e", -3],
      ["f", 10],
    ];
    const jobs = [];
    for (const [name, priority] of specs) jobs.push(await t.enqueue({ name }, { priority }));
    await h.worker({ concurrency: 1 }).start();
    for (const job of jobs) await job.result({ timeout: "10s" });
    expect(order).toEqual(["f", "b", "d", "c", "a", "e"]);
  });

  test("a delayed job runs after its delay and not before", async () => {
    h = await createHarness(kind);
    let ranAt = 0;
    const t = h.spool.task({
      name: "later",
      run: async () => {
        ranAt = Date.now();
      },
    });
    await h.worker().start();
    const before = Date.now();
    // 3 s, not 300 ms: on a loaded machine the read below came after a 300 ms delay had passed.
    const job = await t.enqueue(undefined, { delay: 3_000 });
    const queuedAs = await job.get();
    expect(queuedAs.state).toBe("scheduled");
    expect(queuedAs.runAt).toBeGreaterThanOrEqual(before + 3_000);
    await job.result({ timeout: "30s" });
    const done = await job.get();
    expect(ranAt).toBeGreaterThanOrEqual(queuedAs.runAt);
    expect(done.startedAt!).toBeGreaterThanOrEqual(queuedAs.runAt);
  });

  test("with a fake clock a delayed job waits until the clock reaches its runAt", async () => {
    const clock = new FakeClock(Date.now());
    h = await createHarness(kind, { clock });
    let runs = 0;
    const t = h.spool.task({
      name: "fake-later",
      run: async () => {
        runs++;
      },
    });
    await h.worker({ pollInterval: 20 }).start();
    const job = await t.enqueue(undefined, { delay: "1h" });
    const from = h.claims.length;
    await waitFor(() => h.claims.length - from >= 5, { message: "five claim rounds" });
    expect(runs).toBe(0);
    expect(await job.state()).toBe("scheduled");
    clock.advance(59 * 60_000);
    const from2 = h.claims.length;
    await waitFor(() => h.claims.length - from2 >= 3, { message: "three more claim rounds" });
    expect(runs).toBe(0);
    clock.advance(60_000);
    await job.result({ timeout: "10s" });
    expect(runs).toBe(1);
  });

  test("a paused queue is not consumed until it is resumed", async () => {
    h = await createHarness(kind);
    let runs = 0;
    const t = h.spool.task({
      name: "lane",
      queue: "lane",
      run: async () => {
        runs++;
        return "done";
      },
    });
    await h.spool.queues.pause("lane");
    const job = await t.enqueue(undefined);
    await h.worker({ queues: ["lane"], pollInterval: 20 }).start();
    await waitFor(() => h.claims.length >= 5, { message: "five claim rounds" });
    expect(runs).toBe(0);
    expect(await job.state()).toBe("queued");
    expect(h.claims.every((c) => c.result.jobs.length === 0)).toBe(true);
    await h.spool.queues.resume("lane");
    expect(await job.result({ timeout: "10s" })).toBe("done");
    expect(runs).toBe(1);
  });
});
