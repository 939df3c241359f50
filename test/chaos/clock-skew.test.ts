/**
 * Wall clocks 2 minutes apart across worker processes (issue 12, fault 10), on SQLite and on
 * a private Redis. Three worker processes share the store: one with a right clock, one 2
 * minutes ahead, one 2 minutes behind (their Date.now moved; the monotonic clock untouched, as
 * on a machine with a wrong clock). Judged on each process's wall clock, the one ahead took
 * live workers' jobs as "lease expired" and ran them again, and ran jobs delayed 60 s at once;
 * the one behind dropped out of the worker list. On the store's clock none of that happens.
 */
import { afterEach, describe, expect, test } from "vitest";
import { type ChaosEnv, chaosEnv, waitFor } from "./helpers.js";
import { haveRedisServer, redisChaosEnv } from "./redis-helpers.js";

type Env = Pick<ChaosEnv, "spool" | "tasks" | "spawnWorker" | "marks" | "cleanup">;

const envs: Record<"sqlite" | "redis", (name: string) => Promise<Env>> = {
  sqlite: (name) => chaosEnv(name),
  redis: (name) => redisChaosEnv(name),
};
const kinds = (["sqlite", "redis"] as const).filter(
  (k) => k === "sqlite" || haveRedisServer() || process.env.CI === "true",
);
const SKEW = 2 * 60_000;
const JOBS = 24;

describe.each(kinds)("wall clocks 2 minutes apart on %s", (kind) => {
  let env: Env | undefined;
  afterEach(async () => {
    await env?.cleanup();
    env = undefined;
  });

  test("no live lease is taken, no delayed job runs early, every worker stays listed", async () => {
    env = await envs[kind]("clock-skew");
    const e = env;
    const options = { concurrency: 4, lease: "5s", pollInterval: 50, rescueInterval: "100ms" };
    const workers = [];
    for (const clockSkewMs of [0, SKEW, -SKEW])
      workers.push(await e.spawnWorker({ ...options, clockSkewMs }));
    const delayed = await e.tasks.nap.enqueueMany(
      Array.from({ length: 5 }, () => ({ input: { ms: 10 }, options: { delay: "60s" } })),
    );
    const jobs = await e.tasks.nap.enqueueMany(
      Array.from({ length: JOBS }, () => ({ input: { ms: 1_500 } })),
    );
    await waitFor(
      async () => {
        const infos = await Promise.all(jobs.map((j) => j.get()));
        return infos.every((i) => i.state === "completed" || i.state === "failed");
      },
      { timeout: 90_000, interval: 200, message: `all ${JOBS} jobs finished` },
    );
    for (const job of jobs) {
      const info = await job.get();
      // One attempt, no LEASE_EXPIRED: nobody took a live worker's job.
      expect({ id: job.id, state: info.state, attempt: info.attempt, errors: info.errors.length }).toEqual({
        id: job.id,
        state: "completed",
        attempt: 1,
        errors: 0,
      });
    }
    // Each job ran once, in one process.
    const starts = e.marks().filter((m) => m.startsWith("start "));
    expect(starts).toHaveLength(JOBS);
    // No worker stalled due jobs: with 24 jobs of 1.5 s for 12 slots, every worker (the one 2
    // minutes behind too) ran some. Judged on its own clock, the one behind saw none as due.
    const ranIn = new Set(starts.map((m) => Number(m.split(" ")[3])));
    for (const [i, w] of workers.entries()) {
      expect(ranIn.has(w.pid), `worker ${["right", "+2 min", "-2 min"][i]} ran jobs`).toBe(true);
    }
    // The 60 s delay holds for the worker 2 minutes ahead too.
    for (const job of delayed) expect((await job.get()).state).toBe("scheduled");
    // The worker 2 minutes behind is listed with the others.
    await waitFor(async () => (await e.spool.workers.list()).length === 3, {
      timeout: 20_000,
      message: "three live workers listed",
    });
  }, 150_000);
});
