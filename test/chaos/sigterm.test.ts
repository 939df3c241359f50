/**
 * Graceful shutdown of a real worker process: on SIGTERM (handler installed by the fixture,
 * as the CLI does) it stops claiming, lets running jobs finish within the grace period,
 * releases the rest to `queued` without using up their attempt, and exits 0.
 */
import { afterEach, expect, test } from "vitest";
import { type ChaosEnv, chaosEnv, waitFor } from "./helpers.js";

let env: ChaosEnv;
afterEach(async () => {
  await env?.cleanup();
});

test("SIGTERM lets short jobs finish within the grace and releases long ones to queued with their attempt unused", async () => {
  env = await chaosEnv("sigterm");
  const worker = await env.spawnWorker({
    concurrency: 8,
    lease: "2s",
    shutdownGrace: "1500ms",
    pollInterval: 50,
  });
  // Short jobs start their 300 ms only once SIGTERM arrived, so they provably finish during the grace.
  const short = await env.tasks.nap.enqueueMany(
    Array.from({ length: 4 }, () => ({ input: { ms: 300, afterTerm: true } })),
  );
  const long = await env.tasks.nap.enqueueMany(Array.from({ length: 4 }, () => ({ input: { ms: 20_000 } })));
  await waitFor(() => env.marks().filter((m) => m.startsWith("start ")).length === 8, {
    timeout: 30_000,
    message: "all eight jobs running",
  });
  expect((await env.counts()).running).toBe(8);

  const termAt = Date.now();
  worker.kill("SIGTERM");
  const exit = await Promise.race([
    worker.exited,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error("worker did not exit")), 30_000)),
  ]);
  const tookMs = Date.now() - termAt;
  expect(exit).toEqual({ code: 0, signal: null });
  // It waited for the grace (the long jobs never finish by themselves), then exited promptly.
  expect(tookMs).toBeGreaterThanOrEqual(1400);
  expect(tookMs).toBeLessThan(15_000);

  for (const job of short) {
    const info = await job.get();
    expect(info.state).toBe("completed");
    expect(info.attempt).toBe(1);
    expect(info.result).toEqual({ pid: worker.pid });
    expect(info.finishedAt!).toBeGreaterThanOrEqual(termAt);
  }
  for (const job of long) {
    const info = await job.get();
    expect(info.state).toBe("queued");
    expect(info.attempt).toBe(0);
    expect(info.errors).toEqual([]);
  }
  const aborts = env.marks().filter((m) => m.startsWith("abort "));
  expect(aborts.sort()).toEqual(long.map((j) => `abort ${j.id} ShutdownError ${worker.pid}`).sort());
  expect(env.marks()).toContain(`released 4 ${worker.pid}`);
  expect(await env.spool.workers.list()).toEqual([]);

  // The released jobs are ordinary queued jobs: the next worker runs them as attempt 1.
  await env.spawnWorker({ concurrency: 8, lease: "2s", pollInterval: 50 });
  await waitFor(async () => (await env.counts()).running === 4, {
    timeout: 30_000,
    message: "long jobs running again",
  });
  for (const job of long) expect((await job.get()).attempt).toBe(1);
}, 120_000);
