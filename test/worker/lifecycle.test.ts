/**
 * Starting and stopping: idempotence, a start/stop stress run that must leave nothing
 * behind, stop() racing start(), and graceful shutdown (finish within the grace, release
 * the rest to `queued` without using up an attempt).
 */
import { afterEach, describe, expect, test } from "vitest";
import type { Backend } from "../../src/backend/backend.js";
import { InvalidArgumentError, ShutdownError } from "../../src/core/errors/index.js";
import { Worker } from "../../src/worker/worker.js";
import { workflowInputs } from "../../src/workflow/inputs.js";
import { deferred, waitFor } from "../support/wait-for.js";
import { BACKEND_KINDS, createHarness, type Harness, sleep } from "./harness.js";

describe.each(BACKEND_KINDS)("worker lifecycle on %s", (kind) => {
  let h: Harness;
  afterEach(async () => {
    await h?.close();
    expect(h.subscriptions).toBe(0);
    expect(h.workerErrors).toEqual([]);
  });

  test("start and stop are idempotent, and a stopped worker cannot start again", async () => {
    h = await createHarness(kind);
    h.spool.task({ name: "t", run: async () => 1 });
    const never = h.worker();
    await never.stop();
    await never.stop();
    const worker = h.worker();
    await Promise.all([worker.start(), worker.start()]);
    await worker.start();
    expect(worker.isRunning).toBe(true);
    expect(h.subscriptions).toBe(1);
    const first = worker.stop();
    const second = worker.stop();
    await Promise.all([first, second]);
    await worker.stop();
    expect(worker.isRunning).toBe(false);
    expect(h.subscriptions).toBe(0);
    await expect(worker.start()).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(await h.spool.workers.list()).toEqual([]);
  });

  test("stop() called while start() is still in flight shuts the worker down completely", async () => {
    h = await createHarness(kind);
    const t = h.spool.task({ name: "t", run: async () => 1 });
    for (let i = 0; i < 5; i++) {
      // The backend is still opening (as in a CLI that gets SIGTERM right at boot).
      const opening = new Promise<Backend>((resolve) => setTimeout(() => resolve(h.backend), 20));
      const worker = new Worker({
        backend: opening,
        registry: h.spool.registry,
        clock: h.spool.clock,
        logger: h.spool.logger,
        payloadLimit: 1024 * 1024,
        retention: false,
        resolveInput: workflowInputs,
      });
      const starting = worker.start();
      await worker.stop();
      await starting;
      expect(worker.isRunning).toBe(false);
    }
    expect(h.subscriptions).toBe(0);
    expect(await h.spool.workers.list()).toEqual([]);
    // A fresh worker still works afterwards.
    const job = await t.enqueue(undefined);
    await h.worker().start();
    expect(await job.result({ timeout: "10s" })).toBe(1);
  });

  test("starting and stopping 20 times quickly while jobs flow leaves no leases, workers or subscriptions", async () => {
    h = await createHarness(kind);
    let runs = 0;
    const t = h.spool.task({
      name: "quick",
      run: async (input: { i: number }) => {
        runs++;
        await sleep(input.i % 3);
        return input.i;
      },
    });
    const jobs = [];
    for (let i = 0; i < 20; i++) {
      jobs.push(...(await t.enqueueMany([{ input: { i } }, { input: { i: i + 100 } }])));
      const worker = h.worker({ concurrency: 3 });
      if (i % 2 === 0) await worker.start();
      else void worker.start();
      await worker.stop({ grace: i % 4 === 0 ? 0 : 50 });
      expect(worker.isRunning).toBe(false);
    }
    expect(h.subscriptions).toBe(0);
    expect(await h.spool.workers.list()).toEqual([]);
    const queues = await h.backend.queueList();
    expect(queues.reduce((n, q) => n + q.counts.running, 0)).toBe(0);
    // Whatever was left is still there and runs to completion on one last worker.
    await h.worker().start();
    for (const job of jobs) await job.result({ timeout: "20s" });
    expect(runs).toBeGreaterThanOrEqual(jobs.length);
  });

  test("graceful stop lets short jobs finish and releases long ones to queued without using up an attempt", async () => {
    h = await createHarness(kind);
    const shortStarted = deferred();
    const longStarted = deferred();
    const reasons: unknown[] = [];
    const short = h.spool.task({
      name: "short",
      run: async () => {
        shortStarted.resolve();
        await sleep(150);
        return "short done";
      },
    });
    const long = h.spool.task({
      name: "long",
      retry: { attempts: 3, backoff: { type: "fixed", delay: 10 } },
      run: async (_: undefined, ctx) => {
        if (ctx.attempt === 1) throw new Error("first attempt fails");
        longStarted.resolve();
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 30_000);
          ctx.signal.addEventListener("abort", () => {
            clearTimeout(timer);
            reasons.push(ctx.signal.reason);
            resolve();
          });
        });
        return "long done";
      },
    });
    const longJob = await long.enqueue(undefined);
    const worker = h.worker({ concurrency: 2 });
    const released: string[][] = [];
    worker.on("jobs:released", (ids) => released.push(ids));
    await worker.start();
    await longStarted.promise;
    expect(await longJob.get()).toMatchObject({ state: "running", attempt: 2 });
    const shortJob = await short.enqueue(undefined);
    await shortStarted.promise;
    const stopping = Date.now();
    await worker.stop({ grace: 1000 });
    expect(Date.now() - stopping).toBeLessThan(10_000);
    expect(await shortJob.get()).toMatchObject({ state: "completed", attempt: 1, result: "short done" });
    const info = await longJob.get();
    expect(info.state).toBe("queued");
    expect(info.attempt).toBe(1); // back to before the interrupted attempt
    expect(info.errors.map((e) => e.attempt)).toEqual([1]);
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toBeInstanceOf(ShutdownError);
    expect(released).toEqual([[longJob.id]]);
    // The released job runs again on the next worker, as attempt 2 once more.
    const next = h.worker();
    await next.start();
    await waitFor(async () => (await longJob.get()).state === "running", {
      message: "long job running again",
    });
    expect((await longJob.get()).attempt).toBe(2);
  });
});
