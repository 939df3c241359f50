/**
 * Leases across processes: a worker that blocks its event loop past its lease loses the
 * job to another process and its late completion is refused; jobs that wait (a delay) or
 * run (renewing) longer than the lease still run exactly once; a cancel from another
 * process aborts the running handler.
 */
import { afterEach, expect, test } from "vitest";
import { type ChaosEnv, chaosEnv, waitFor } from "./helpers.js";

const LEASE = { lease: "1s", pollInterval: 50 };

let env: ChaosEnv;
afterEach(async () => {
  await env?.cleanup();
});

test("a worker blocked past its lease loses the job to another process, and its late completion is refused", async () => {
  env = await chaosEnv("fencing");
  const first = await env.spawnWorker({ concurrency: 1, ...LEASE });
  const job = await env.tasks.block.enqueue(undefined);
  await waitFor(() => env.marks().includes(`start ${job.id} 1 ${first.pid}`), {
    timeout: 30_000,
    message: "the first worker started the job",
  });
  // The first worker now spins with its event loop blocked: no renewal, so its lease expires.
  const second = await env.spawnWorker({ concurrency: 1, ...LEASE });
  const result = await job.result({ timeout: "60s" });
  expect(result).toEqual({ pid: second.pid, attempt: 2 });
  const completed = await job.get();
  expect(completed.state).toBe("completed");
  expect(completed.errors.map((e) => [e.attempt, e.code])).toEqual([[1, "LEASE_EXPIRED"]]);

  // The first worker wakes up, finishes attempt 1 and tries to complete: refused.
  await waitFor(() => env.marks().includes(`refused ${job.id} ${first.pid}`), {
    timeout: 60_000,
    message: "the first worker's completion was refused",
  });
  // Both executions happened (at-least-once), but only the second one's outcome counts.
  expect(env.effects().sort((a, b) => a.attempt - b.attempt)).toEqual([
    { id: job.id, attempt: 1, pid: first.pid },
    { id: job.id, attempt: 2, pid: second.pid },
  ]);
  const after = await job.get();
  expect(after).toMatchObject({ state: "completed", attempt: 2, result: { pid: second.pid, attempt: 2 } });
  expect(after.finishedAt).toBe(completed.finishedAt);
  expect(after.updatedAt).toBe(completed.updatedAt);
}, 120_000);

test("a job delayed longer than the lease, and one running longer than it, each run exactly once", async () => {
  env = await chaosEnv("delayed");
  await env.spawnWorker({ concurrency: 2, ...LEASE });
  await env.spawnWorker({ concurrency: 2, ...LEASE });
  const delayed = await env.tasks.once.enqueue({ ms: 0 }, { delay: "3s" });
  const slow = await env.tasks.once.enqueue({ ms: 3000 });
  expect(await delayed.state()).toBe("scheduled");
  await delayed.result({ timeout: "60s" });
  await slow.result({ timeout: "60s" });
  // A sentinel that runs two leases (plus rescue passes) later: by then any wrong rescue
  // of the jobs above would have re-run them.
  const sentinel = await env.tasks.once.enqueue({ ms: 0 }, { delay: "2500ms" });
  await sentinel.result({ timeout: "60s" });
  for (const job of [delayed, slow]) {
    expect(env.effects().filter((e) => e.id === job.id)).toHaveLength(1);
    expect(await job.get()).toMatchObject({ state: "completed", attempt: 1, errors: [] });
  }
  const info = await delayed.get();
  expect(info.startedAt!).toBeGreaterThanOrEqual(info.runAt);
}, 120_000);

test("cancelling from another process aborts the running handler with JobCancelledError and the job stays cancelled", async () => {
  env = await chaosEnv("cancel");
  const worker = await env.spawnWorker({ concurrency: 2, ...LEASE });
  const job = await env.tasks.wait.enqueue(undefined);
  await waitFor(() => env.marks().includes(`start ${job.id} 1 ${worker.pid}`), {
    timeout: 30_000,
    message: "the handler started",
  });
  expect(await job.cancel("user asked")).toBe(true);
  await waitFor(() => env.marks().includes(`abort ${job.id} JobCancelledError true ${worker.pid}`), {
    timeout: 30_000,
    message: "the handler saw the cancel",
  });
  expect(env.marks()).toContain(`lost ${job.id} cancelled ${worker.pid}`);
  // The worker keeps working, and nothing it does afterwards revives the cancelled job.
  const sentinel = await env.tasks.once.enqueue({ ms: 0 });
  expect(await sentinel.result({ timeout: "60s" })).toEqual({ pid: worker.pid });
  const info = await job.get();
  expect(info.state).toBe("cancelled");
  expect(info.attempt).toBe(1);
  expect(info.errors).toEqual([]);
  expect(env.marks().filter((m) => m.startsWith("start "))).toHaveLength(1);
}, 120_000);
