/**
 * Per-task and per-key limits seen from real workers (issue 15): a per-key cap holds across the
 * workers of two clients (a second process on SQLite), jobs of a key at its cap do not hold up
 * others in the same queue, a RateLimitedError with scope "key" holds only that key, and bad
 * definitions or keys are typed errors that write nothing.
 */
import { describe, expect, test } from "vitest";
import { InvalidArgumentError, RateLimitedError } from "../../src/core/errors/index.js";
import { waitFor } from "../support/wait-for.js";
import { BACKEND_KINDS, harnessPerTest, sleep } from "./harness.js";

describe.each(BACKEND_KINDS)("task and key limits with workers on %s", (kind) => {
  const harness = harnessPerTest(kind);

  test("a per-key cap holds across the workers of two clients", async () => {
    const a = await harness();
    const b = await harness({ shareWith: a });
    const running = new Map<string, number>();
    let peak = 0;
    let done = 0;
    for (const h of [a, b]) {
      h.spool.task({
        name: "per.customer",
        queue: "keyed",
        concurrency: { limit: 2, key: (input: { customer: string }) => input.customer },
        run: async (input: { customer: string }) => {
          const n = (running.get(input.customer) ?? 0) + 1;
          running.set(input.customer, n);
          peak = Math.max(peak, n);
          await sleep(10);
          running.set(input.customer, (running.get(input.customer) ?? 1) - 1);
          done++;
        },
      });
    }
    const inputs = ["a", "b", "c"].flatMap((customer) => Array.from({ length: 8 }, () => ({ customer })));
    await a.spool.enqueueMany(inputs.map((input) => ({ task: "per.customer", input })));
    await a.worker({ concurrency: 6, queues: ["keyed"] }).start();
    await b.worker({ concurrency: 6, queues: ["keyed"] }).start();
    await waitFor(() => done === 24, { timeout: 60_000, message: "all 24 keyed jobs ran" });
    expect(peak).toBeLessThanOrEqual(2);
    expect(peak).toBeGreaterThanOrEqual(1);
  });

  test("jobs of a key at its cap do not hold up other jobs of the queue", async () => {
    const h = await harness();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let others = 0;
    const busy = h.spool.task({
      name: "busy",
      queue: "mixed",
      concurrency: { limit: 1, key: (input: { k: string }) => input.k },
      run: () => gate,
    });
    h.spool.task({ name: "other", queue: "mixed", run: () => void others++ });
    await busy.enqueueMany(Array.from({ length: 20 }, () => ({ input: { k: "x" } })));
    await h.spool.enqueueMany(Array.from({ length: 30 }, () => ({ task: "other", input: {} })));
    await h.worker({ concurrency: 4, queues: ["mixed"] }).start();
    await waitFor(() => others === 30, { timeout: 60_000, message: "the 30 other jobs ran" });
    const states = (await h.spool.jobs.list({ task: "busy", limit: 100 })).jobs.map((j) => j.state);
    expect(states.filter((s) => s === "running")).toHaveLength(1);
    release();
  });

  test('a RateLimitedError with scope "key" holds that key only, and uses no attempt', async () => {
    const h = await harness();
    let throwAt = 0;
    const started: { key: string; at: number }[] = [];
    const task = h.spool.task({
      name: "api.key",
      queue: "api",
      retry: 1,
      concurrency: { limit: 10, key: (input: { k: string }) => input.k },
      run: (input: { k: string }) => {
        started.push({ key: input.k, at: Date.now() });
        if (input.k === "a" && throwAt === 0) {
          throwAt = Date.now();
          throw new RateLimitedError({ retryAfter: "400ms", scope: "key" });
        }
      },
    });
    await h.worker({ concurrency: 4, queues: ["api"] }).start();
    const first = await task.enqueue({ k: "a" });
    await waitFor(() => throwAt > 0, { timeout: 30_000, message: "the handler was rate limited" });
    const laterA = await task.enqueue({ k: "a" });
    const b = await task.enqueue({ k: "b" });
    await b.result({ timeout: "30s" });
    await Promise.all([first.result({ timeout: "30s" }), laterA.result({ timeout: "30s" })]);
    const info = await first.get();
    expect(info).toMatchObject({ state: "completed", attempt: 1, errors: [], limitKey: "a" });
    // No job of key "a" started during the hold; key "b" was not held.
    for (const j of [info, await laterA.get()]) expect(j.startedAt!).toBeGreaterThanOrEqual(info.runAt);
    expect((await b.get()).startedAt!).toBeLessThan(info.runAt);
  });

  test("bad limits and keys are typed errors at definition or enqueue, and write nothing", async () => {
    const h = await harness();
    const run = () => undefined;
    for (const concurrency of [{ limit: 0 }, { limit: -1 }, { limit: 1.5 }, { limit: 2, key: "x" }]) {
      expect(() => h.spool.task({ name: "bad.c", run, concurrency: concurrency as never })).toThrow(
        InvalidArgumentError,
      );
    }
    for (const rateLimit of [
      { limit: 0, per: "1s" },
      { limit: 1, per: "nope" },
      { limit: 1, per: "1s", burst: -1 },
    ]) {
      expect(() => h.spool.task({ name: "bad.r", run, rateLimit: rateLimit as never })).toThrow(
        InvalidArgumentError,
      );
    }
    for (const strategy of ["newest", "", 1, null]) {
      expect(() =>
        h.spool.task({ name: "bad.s", run, concurrency: { limit: 1, strategy: strategy as never } }),
      ).toThrow(InvalidArgumentError);
    }
    const keyed = h.spool.task({
      name: "keyed",
      run,
      concurrency: { limit: 1, key: (input: { k: unknown }) => input.k as string },
    });
    const throwing = h.spool.task({
      name: "throwing",
      run,
      rateLimit: {
        limit: 1,
        per: "1s",
        key: () => {
          throw new Error("no key");
        },
      },
    });
    const plain = h.spool.task({ name: "plain", run });
    await expect(keyed.enqueue({ k: 42 })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(keyed.enqueue({ k: "" })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(throwing.enqueue({})).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(plain.enqueue({}, { limitKey: "x" })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(keyed.enqueueMany([{ input: { k: "ok" } }, { input: { k: null } }])).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    expect((await h.spool.jobs.list({ limit: 100 })).jobs).toEqual([]);
    // The enqueue option wins over the key function.
    const job = await keyed.enqueue({ k: "from-input" }, { limitKey: "given" });
    expect((await job.get()).limitKey).toBe("given");
  });
});
