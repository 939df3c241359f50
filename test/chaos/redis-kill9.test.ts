/**
 * At-least-once on Redis under kill -9: worker processes are SIGKILLed at random moments
 * mid-run and replaced. Every job ends `completed`, none is lost, and a job's side effect
 * repeats only when the earlier execution ran in a killed process.
 * Runs on a private redis-server (never the shared one).
 */
import { rmSync, writeFileSync } from "node:fs";
import { expect } from "vitest";
import { pauseFile } from "./fixtures/app.js";
import { type RedisWorker, redisChaosTest, verdict, waitFor } from "./redis-helpers.js";

const JOBS = 2000;
const KILLS = 4;
const WORKER_OPTIONS = { concurrency: 8, lease: "2s", pollInterval: 100, shutdownGrace: "1s" };

redisChaosTest(
  "jobs survive repeated kill -9 of their workers on Redis: all complete, none lost, duplicates only from killed processes",
  "kill9",
  async (e) => {
    const handles = await e.tasks.work.enqueueMany(
      Array.from({ length: JOBS }, (_, i) => ({ input: { i } })),
    );
    const ids = new Set(handles.map((h) => h.id));
    expect(ids.size).toBe(JOBS);

    const alive: RedisWorker[] = [await e.spawnWorker(WORKER_OPTIONS), await e.spawnWorker(WORKER_OPTIONS)];
    const killed = new Set<number>();
    const targets = Array.from({ length: KILLS }, (_, k) =>
      Math.floor(JOBS * (0.1 + k * 0.18 + Math.random() * 0.12)),
    );
    for (const target of targets) {
      // Conditions that stay true: the count only grows; then, paused, handlers hold after
      // their side effect, so "some running" lasts until the kill (no window to miss).
      await waitFor(async () => (await e.counts()).completed >= target, {
        timeout: 120_000,
        interval: 20,
        message: `${target} jobs completed`,
      });
      writeFileSync(pauseFile(e.dir), "");
      await waitFor(
        async () => {
          const c = await e.counts();
          return c.running > 0 || c.completed === JOBS;
        },
        { timeout: 60_000, message: "jobs in flight" },
      );
      const victim = alive.splice(Math.floor(Math.random() * alive.length), 1)[0]!;
      victim.kill("SIGKILL");
      expect((await victim.exited).signal).toBe("SIGKILL");
      killed.add(victim.pid);
      alive.push(await e.spawnWorker(WORKER_OPTIONS));
      rmSync(pauseFile(e.dir), { force: true });
    }

    await waitFor(async () => (await e.counts()).completed === JOBS, {
      timeout: 180_000,
      interval: 100,
      message: `all ${JOBS} jobs completed`,
    });
    expect(await e.counts()).toMatchObject({
      total: JOBS,
      completed: JOBS,
      running: 0,
      queued: 0,
      failed: 0,
    });
    const out = verdict(ids, await e.records(), e.effects(), killed);
    expect(out.problems).toEqual([]);
    console.log(
      `redis kill -9: ${out.jobs} jobs, ${killed.size} workers killed, ${out.rerun} jobs re-run after a kill, ${out.duplicates} executed twice (side effect repeated), 0 lost`,
    );
  },
  300_000,
);
