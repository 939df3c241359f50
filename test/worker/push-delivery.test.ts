/**
 * Push delivery through a real worker on Redis: an idle worker is parked, so a job enqueued
 * later starts without a notification-and-claim round (the worker ignores `queued`
 * notifications while parked, so with a 30 s poll a broken push would show as a 30 s wait),
 * and stopping a parked worker is prompt and hands back what was pushed meanwhile.
 */
import { afterEach, describe, expect, test } from "vitest";
import { createSpool, type Spool } from "../../src/client/spool.js";
import { redisReachable, redisUrl, requireRedis } from "../support/redis.js";

requireRedis("push delivery tests");

describe.runIf(redisReachable)("push delivery (Redis worker)", () => {
  const open: { spool: Spool; cleanup: () => Promise<void> }[] = [];
  afterEach(async () => {
    for (const o of open.splice(0)) {
      await o.spool.close();
      await o.cleanup();
    }
  });

  function app() {
    const { url, cleanup } = redisUrl();
    const spool = createSpool({ backend: url, logger: { level: "silent" } });
    open.push({ spool, cleanup });
    return spool;
  }

  test("an idle worker starts a job enqueued later at once, long before its poll", async () => {
    const spool = app();
    const started: number[] = [];
    const task = spool.task({
      name: "push.echo",
      run(input: { n: number }) {
        started.push(input.n);
        return input.n;
      },
    });
    const worker = spool.worker({ concurrency: 4, pollInterval: "30s" });
    await worker.start();
    // Let the first claim find nothing and park.
    await new Promise((resolve) => setTimeout(resolve, 200));
    for (let n = 0; n < 5; n++) {
      const t0 = Date.now();
      const job = await task.enqueue({ n });
      expect(await job.result({ timeout: "5s" })).toBe(n);
      expect(Date.now() - t0).toBeLessThan(2_000);
    }
    expect(started).toEqual([0, 1, 2, 3, 4]);
    await worker.stop();
  });

  test("stopping a parked worker is prompt and leaves no job leased to it", async () => {
    const spool = app();
    const task = spool.task({ name: "push.slow", run: async () => {} });
    const worker = spool.worker({ concurrency: 2, pollInterval: "30s" });
    await worker.start();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const t0 = Date.now();
    await worker.stop({ grace: "5s" });
    expect(Date.now() - t0).toBeLessThan(3_000);
    // Unparked: a job enqueued now is not pushed to the stopped worker.
    const job = await task.enqueue(undefined);
    expect(await job.state()).toBe("queued");
  });
});
