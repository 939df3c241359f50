/**
 * Queue limits seen from real workers (issue 15): a concurrency cap holds across two clients'
 * workers (a second process on SQLite), rate-limited starts (the store's `startedAt`) never
 * exceed limit + burst in any window, and a capped queue does not hold up an unlimited one.
 */
import { describe, expect, test } from "vitest";
import { RateLimitedError } from "../../src/core/errors/index.js";
import { waitFor } from "../support/wait-for.js";
import { BACKEND_KINDS, harnessPerTest, sleep } from "./harness.js";

describe.each(BACKEND_KINDS)("queue limits with workers on %s", (kind) => {
  const harness = harnessPerTest(kind);

  test("a concurrency cap holds across the workers of two clients", async () => {
    const a = await harness();
    const b = await harness({ shareWith: a });
    let running = 0;
    let peak = 0;
    let done = 0;
    for (const h of [a, b]) {
      h.spool.task({
        name: "capped",
        queue: "capped",
        run: async () => {
          running++;
          peak = Math.max(peak, running);
          await sleep(15);
          running--;
          done++;
        },
      });
    }
    await a.spool.queues.limit("capped", { concurrency: 2 });
    await a.spool.enqueueMany(Array.from({ length: 24 }, () => ({ task: "capped", input: {} })));
    await a.worker({ concurrency: 4, queues: ["capped"] }).start();
    await b.worker({ concurrency: 4, queues: ["capped"] }).start();
    await waitFor(() => done === 24, { timeout: 60_000, message: "all 24 capped jobs ran" });
    expect(peak).toBeLessThanOrEqual(2);
    expect(peak).toBeGreaterThanOrEqual(1);
  });

  test("rate-limited starts never exceed limit + burst in any window", async () => {
    const h = await harness();
    let done = 0;
    const task = h.spool.task({
      name: "limited",
      queue: "limited",
      run: () => {
        done++;
      },
    });
    await h.spool.queues.limit("limited", { rateLimit: { limit: 10, per: "500ms", burst: 2 } });
    const handles = await task.enqueueMany(Array.from({ length: 30 }, () => ({ input: undefined })));
    await h.worker({ concurrency: 8, queues: ["limited"] }).start();
    await waitFor(() => done === 30, { timeout: 60_000, message: "all 30 rate-limited jobs ran" });
    const starts = (await Promise.all(handles.map((j) => j.get())))
      .map((j) => j.startedAt!)
      .sort((x, y) => x - y);
    let worst = 0;
    for (let i = 0; i < starts.length; i++) {
      let n = 0;
      while (i + n < starts.length && starts[i + n]! < starts[i]! + 500) n++;
      worst = Math.max(worst, n);
    }
    expect(worst).toBeLessThanOrEqual(12);
    // 30 starts at 10 per 500 ms after a burst of 3 cannot take less than (30 - 3) · 50 ms.
    expect(starts.at(-1)! - starts[0]!).toBeGreaterThanOrEqual(27 * 50 - 1);
  });

  test("a RateLimitedError waits without using an attempt and holds the queue for every worker", async () => {
    const a = await harness();
    const b = await harness({ shareWith: a });
    let throwAt = 0;
    let done = 0;
    for (const h of [a, b]) {
      h.spool.task({
        name: "api.call",
        queue: "api",
        retry: 1,
        run: () => {
          if (throwAt === 0) {
            throwAt = Date.now();
            throw new RateLimitedError({ retryAfter: "300ms" });
          }
          done++;
        },
      });
    }
    await a.worker({ concurrency: 2, queues: ["api"] }).start();
    await b.worker({ concurrency: 2, queues: ["api"] }).start();
    const first = await a.spool.enqueue("api.call", {});
    await waitFor(() => throwAt > 0, { timeout: 30_000, message: "the handler was rate limited" });
    // Enqueued during the hold: neither worker may start them before it ends.
    const later = await b.spool.enqueueMany(
      Array.from({ length: 3 }, () => ({ task: "api.call", input: {} })),
    );
    // Stored outcomes, not handler returns: a completion is written just after its handler ends.
    await Promise.all([first, ...later].map((j) => j.result({ timeout: "60s" })));
    expect(done).toBe(4);
    const info = await first.get();
    // retry: 1 — had the rate-limited run used the attempt, the job would have failed for good.
    expect(info).toMatchObject({ state: "completed", attempt: 1, errors: [] });
    // The backoff's runAt is the hold's end, in the store's time (which may differ from
    // Date.now by a rounding millisecond): no job of the queue started before it.
    expect(info.runAt - throwAt).toBeGreaterThanOrEqual(300 - 5);
    for (const job of [info, ...(await Promise.all(later.map((j) => j.get())))])
      expect(job.startedAt!).toBeGreaterThanOrEqual(info.runAt);
  });

  test("a capped queue does not hold up an unlimited one on the same worker", async () => {
    const h = await harness();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let slowStarted = 0;
    let fastDone = 0;
    const slow = h.spool.task({
      name: "slow",
      queue: "slow",
      run: async () => {
        slowStarted++;
        await gate;
      },
    });
    const fast = h.spool.task({
      name: "fast",
      queue: "fast",
      run: () => {
        fastDone++;
      },
    });
    await h.spool.queues.limit("slow", { concurrency: 1 });
    await slow.enqueueMany(Array.from({ length: 10 }, () => ({ input: undefined })));
    await fast.enqueueMany(Array.from({ length: 40 }, () => ({ input: undefined })));
    await h.worker({ concurrency: 4, queues: ["slow", "fast"] }).start();
    await waitFor(() => fastDone === 40, {
      timeout: 60_000,
      message: "all fast jobs ran past the capped queue",
    });
    expect(slowStarted).toBe(1);
    release();
    await waitFor(() => slowStarted === 10, { timeout: 60_000, message: "the capped queue drained" });
  });
});
