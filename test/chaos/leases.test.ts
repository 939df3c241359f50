/**
 * Leases and timeouts across processes (issue 12, bugs 1-3), on SQLite and on a private
 * Redis: worker processes run the jobs, this process enqueues and watches the store.
 * 1. a renewal outage in the worker process outlasts a job's lease: the job is rescued and
 *    re-claimed by the same worker while the old execution still runs; the old outcome must
 *    not end the new lease, and the job completes on attempt 2;
 * 2. a task lease (300 ms) far shorter than the worker's (6 s) is renewed in time;
 * 3. a timed-out handler that ignores its signal blocks its own retry in its worker.
 */
import { rmSync } from "node:fs";
import { afterEach, describe, expect, test } from "vitest";
import { renewOutageFile } from "./fixtures/app.js";
import { type ChaosEnv, chaosEnv, waitFor } from "./helpers.js";
import { haveRedisServer, redisChaosEnv } from "./redis-helpers.js";

type Env = Pick<ChaosEnv, "dir" | "spool" | "tasks" | "spawnWorker" | "effects" | "marks" | "cleanup">;

const envs: Record<"sqlite" | "redis", (name: string) => Promise<Env>> = {
  sqlite: (name) => chaosEnv(name),
  redis: (name) => redisChaosEnv(name),
};
const kinds = (["sqlite", "redis"] as const).filter(
  (k) => k === "sqlite" || haveRedisServer() || process.env.CI === "true",
);

describe.each(kinds)("leases across processes on %s", (kind) => {
  let env: Env | undefined;
  afterEach(async () => {
    await env?.cleanup();
    env = undefined;
  });

  test("a job re-claimed by its own worker while the old execution runs completes on attempt 2", async () => {
    env = await envs[kind]("outlive");
    const e = env;
    const worker = await e.spawnWorker({
      concurrency: 2,
      lease: "1s",
      pollInterval: 50,
      rescueInterval: "100ms",
    });
    const job = await e.tasks.outlive.enqueue(undefined);
    // The first execution started the outage; end it once the job was rescued and re-leased.
    await waitFor(
      async () => {
        const info = await job.get();
        return info.attempt >= 2 && info.state === "running";
      },
      { timeout: 60_000, message: "the job rescued and re-claimed" },
    );
    rmSync(renewOutageFile(e.dir), { force: true });
    expect(await job.result({ timeout: "60s" })).toEqual({ attempt: 2 });
    const info = await job.get();
    expect(info).toMatchObject({ state: "completed", attempt: 2 });
    expect(info.errors.map((x) => [x.attempt, x.code])).toEqual([[1, "LEASE_EXPIRED"]]);
    // The old execution ended before the new one started (same process, one at a time) ...
    await waitFor(() => e.marks().includes(`end ${job.id} 1 ${worker.pid}`), {
      timeout: 30_000,
      message: "the old execution returned",
    });
    const marks = e.marks().filter((m) => m.includes(job.id));
    expect(marks.indexOf(`end ${job.id} 1 ${worker.pid}`)).toBeLessThan(
      marks.indexOf(`start ${job.id} 2 ${worker.pid}`),
    );
    expect(marks).toContain(`lost ${job.id} lost ${worker.pid}`);
    // ... and each attempt's side effect happened once.
    expect(
      e
        .effects()
        .map((x) => x.attempt)
        .sort(),
    ).toEqual([1, 2]);
  }, 120_000);

  test("a task lease shorter than the worker's is renewed in time: long jobs run once", async () => {
    env = await envs[kind]("short-lease");
    const e = env;
    const options = { concurrency: 4, lease: "6s", pollInterval: 50, rescueInterval: "100ms" };
    await e.spawnWorker(options);
    await e.spawnWorker(options);
    const jobs = await e.tasks.shortLease.enqueueMany(
      Array.from({ length: 4 }, () => ({ input: { ms: 2000 } })),
    );
    for (const job of jobs) await job.result({ timeout: "60s" });
    for (const job of jobs)
      expect(await job.get()).toMatchObject({ state: "completed", attempt: 1, errors: [] });
    expect(e.effects()).toHaveLength(4);
  }, 120_000);

  test("a timed-out handler that ignores its signal blocks its own retry in its worker", async () => {
    env = await envs[kind]("deaf");
    const e = env;
    const worker = await e.spawnWorker({ concurrency: 5, pollInterval: 50 });
    const job = await e.tasks.deaf.enqueue(undefined);
    await waitFor(() => e.effects().length === 3, { timeout: 60_000, message: "three attempts returned" });
    const spans = new Map<number, { start: number; end: number }>();
    for (const m of e.marks()) {
      const [what, id, attempt, pid, at] = m.split(" ");
      if (id !== job.id || Number(pid) !== worker.pid) continue;
      const span = spans.get(Number(attempt)) ?? { start: 0, end: 0 };
      if (what === "start") span.start = Number(at);
      if (what === "end") span.end = Number(at);
      spans.set(Number(attempt), span);
    }
    expect([...spans.keys()].sort()).toEqual([1, 2, 3]);
    expect(spans.get(2)!.start).toBeGreaterThanOrEqual(spans.get(1)!.end);
    expect(spans.get(3)!.start).toBeGreaterThanOrEqual(spans.get(2)!.end);
    const info = await job.get();
    expect(info.state).toBe("failed");
    expect(info.errors.map((x) => x.code)).toEqual(["TIMEOUT", "TIMEOUT", "TIMEOUT"]);
  }, 120_000);
});
