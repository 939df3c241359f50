/**
 * Failed attempts: retries with backoff and error history, NonRetriableError, timeouts,
 * handlers that ignore their signal, unknown tasks (deploy skew) and unstorable results.
 */
import { afterEach, describe, expect, test } from "vitest";
import { JobFailedError, NonRetriableError, TimeoutError } from "../../src/core/errors/index.js";
import { waitFor } from "../support/wait-for.js";
import { BACKEND_KINDS, createHarness, type Harness, sleep } from "./harness.js";

async function failure(promise: Promise<unknown>): Promise<JobFailedError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(JobFailedError);
  return err as JobFailedError;
}

describe.each(BACKEND_KINDS)("worker failures on %s", (kind) => {
  const harnesses: Harness[] = [];
  const open = async (...args: Parameters<typeof createHarness>) => {
    const h = await createHarness(...args);
    harnesses.push(h);
    return h;
  };
  afterEach(async () => {
    // Shared stores: close the sharing client before the owner (who removes the file).
    for (const h of harnesses.splice(0).reverse()) {
      await h.close();
      expect(h.workerErrors).toEqual([]);
    }
  });

  test("a failing job is retried with fixed backoff, keeps each attempt's error, and ends failed", async () => {
    const h = await open(kind);
    const t = h.spool.task({
      name: "flaky",
      retry: { attempts: 3, backoff: { type: "fixed", delay: 40 } },
      run: async (_: undefined, ctx) => {
        throw new Error(`boom on attempt ${ctx.attempt}`);
      },
    });
    const job = await t.enqueue(undefined);
    await h.worker().start();
    const err = await failure(job.result({ timeout: "10s" }));
    expect(err.state).toBe("failed");
    expect(err.lastError?.attempt).toBe(3);
    expect(err.message).toContain("boom on attempt 3");
    const info = await job.get();
    expect(info.state).toBe("failed");
    expect(info.attempt).toBe(3);
    expect(info.errors.map((e) => [e.attempt, e.message])).toEqual([
      [1, "boom on attempt 1"],
      [2, "boom on attempt 2"],
      [3, "boom on attempt 3"],
    ]);
    expect(info.errors[0]!.stack).toContain("boom on attempt 1");
    for (let i = 1; i < info.errors.length; i++)
      expect(info.errors[i]!.at - info.errors[i - 1]!.at).toBeGreaterThanOrEqual(40);
  });

  test("exponential backoff doubles the wait, and a job that recovers completes on a later attempt", async () => {
    const h = await open(kind);
    const t = h.spool.task({
      name: "recovers",
      retry: { attempts: 5, backoff: { type: "exponential", delay: 30, max: "1s" } },
      run: async (_: undefined, ctx) => {
        if (ctx.attempt < 3) throw new Error(`not yet (${ctx.attempt})`);
        return { attempt: ctx.attempt };
      },
    });
    const job = await t.enqueue(undefined);
    await h.worker().start();
    expect(await job.result({ timeout: "10s" })).toEqual({ attempt: 3 });
    const info = await job.get();
    expect(info.state).toBe("completed");
    expect(info.attempt).toBe(3);
    expect(info.errors.map((e) => e.attempt)).toEqual([1, 2]);
    expect(info.errors[1]!.at - info.errors[0]!.at).toBeGreaterThanOrEqual(30);
    expect(info.startedAt! - info.errors[1]!.at).toBeGreaterThanOrEqual(60);
  });

  test("a NonRetriableError fails the job at once, whatever attempts remain", async () => {
    const h = await open(kind);
    let runs = 0;
    const t = h.spool.task({
      name: "hopeless",
      retry: { attempts: 5, backoff: { type: "fixed", delay: 10 } },
      run: async () => {
        runs++;
        throw new NonRetriableError("template t9 does not exist");
      },
    });
    const job = await t.enqueue(undefined);
    await h.worker().start();
    const err = await failure(job.result({ timeout: "10s" }));
    expect(err.lastError).toMatchObject({ attempt: 1, code: "NON_RETRIABLE", name: "NonRetriableError" });
    const info = await job.get();
    expect(info).toMatchObject({ state: "failed", attempt: 1 });
    expect(info.errors).toHaveLength(1);
    expect(runs).toBe(1);
  });

  test("a timeout aborts ctx.signal with TimeoutError and the attempt fails, then retries", async () => {
    const h = await open(kind);
    const reasons: unknown[] = [];
    const t = h.spool.task({
      name: "slow",
      timeout: 100,
      retry: { attempts: 2, backoff: { type: "fixed", delay: 10 } },
      run: (_: undefined, ctx) =>
        new Promise((_resolve, reject) => {
          ctx.signal.addEventListener("abort", () => {
            reasons.push(ctx.signal.reason);
            reject(ctx.signal.reason);
          });
        }),
    });
    const job = await t.enqueue(undefined);
    await h.worker().start();
    const err = await failure(job.result({ timeout: "10s" }));
    expect(err.lastError).toMatchObject({ attempt: 2, name: "TimeoutError", code: "TIMEOUT" });
    expect(reasons).toHaveLength(2);
    for (const r of reasons) expect(r).toBeInstanceOf(TimeoutError);
    const info = await job.get();
    expect(info.errors.map((e) => [e.attempt, e.code])).toEqual([
      [1, "TIMEOUT"],
      [2, "TIMEOUT"],
    ]);
  });

  test("a handler that ignores its signal fails on timeout but keeps its slot until it returns", async () => {
    const h = await open(kind);
    let active = 0;
    let max = 0;
    const spans: Record<string, { start: number; end?: number }> = {};
    const t = h.spool.task({
      name: "stubborn",
      timeout: 50,
      retry: 1,
      run: async (input: { name: string }) => {
        active++;
        max = Math.max(max, active);
        spans[input.name] = { start: Date.now() };
        await sleep(1000); // ignores ctx.signal on purpose
        spans[input.name]!.end = Date.now();
        active--;
      },
    });
    const a = await t.enqueue({ name: "a" });
    const b = await t.enqueue({ name: "b" });
    await h.worker({ concurrency: 1 }).start();
    // The attempt's fate is recorded at the timeout, without waiting for the handler.
    await waitFor(async () => (await a.state()) === "failed", { message: "a failed" });
    expect(spans.a?.end).toBeUndefined();
    expect(spans.b).toBeUndefined();
    await failure(b.result({ timeout: "10s" }));
    expect((await a.get()).errors[0]).toMatchObject({ name: "TimeoutError" });
    expect(max).toBe(1);
    expect(spans.b!.start).toBeGreaterThanOrEqual(spans.a!.end!);
  });

  test("a worker never claims a job of a task it does not know; a worker that knows it runs it on its first attempt", async () => {
    const producer = await open(kind);
    const ghost = producer.spool.task({ name: "ghost", run: async () => "boo" });
    const consumer = await open(kind, { shareWith: producer });
    // The other app's worker knows a task of its own in the same queue.
    const mine = consumer.spool.task({ name: "mine", run: async () => "mine" });
    const job = await ghost.enqueue(undefined, { attempts: 3 });
    const own = await mine.enqueue(undefined);
    const blind = consumer.worker();
    await blind.start();
    // It ran its own job, which was queued after the ghost job...
    expect(await own.result({ timeout: "10s" })).toBe("mine");
    // ...and a few more claims later the ghost job is still untouched.
    const from = consumer.claims.length;
    await waitFor(() => consumer.claims.length >= from + 3, { message: "three more claims" });
    expect(consumer.claims.every((c) => c.result.jobs.every((j) => j.task === "mine"))).toBe(true);
    expect(await job.get()).toMatchObject({ state: "queued", attempt: 0, errors: [] });
    await blind.stop();
    await producer.worker().start();
    expect(await job.result({ timeout: "10s" })).toBe("boo");
    expect(await job.get()).toMatchObject({ attempt: 1, errors: [] });
  });

  test("a result that cannot be serialized fails the job without retrying", async () => {
    const h = await open(kind);
    let runs = 0;
    const t = h.spool.task({
      name: "bad-result",
      retry: 3,
      run: async () => {
        runs++;
        return { when: () => 1 };
      },
    });
    const big = h.spool.task({ name: "big-result", retry: 3, run: async () => "x".repeat(2 * 1024 * 1024) });
    const job = await t.enqueue(undefined);
    const bigJob = await big.enqueue(undefined);
    await h.worker().start();
    const err = await failure(job.result({ timeout: "10s" }));
    expect(err.lastError).toMatchObject({ attempt: 1, code: "UNSERIALIZABLE" });
    expect(err.lastError?.message).toContain("when");
    expect(await job.get()).toMatchObject({ state: "failed", attempt: 1 });
    expect(runs).toBe(1);
    const bigErr = await failure(bigJob.result({ timeout: "10s" }));
    expect(bigErr.lastError).toMatchObject({ attempt: 1, code: "PAYLOAD_TOO_LARGE" });
  });
});
