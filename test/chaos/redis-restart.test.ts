/**
 * Redis itself crashes mid-run: a private redis-server (AOF, appendfsync always) is
 * kill -9'd twice while workers run and a producer keeps enqueueing, then restarted by PID on
 * the same port and directory. Workers and the producer reconnect on their own (no process
 * restart). Every job whose enqueue resolved completes; an enqueue that could not be
 * confirmed surfaced as an error (and was retried with the same idempotency keys); duplicates
 * only for jobs that lost their lease while Redis was down.
 */
import { expect } from "vitest";
import { BackendError } from "../../src/core/errors/index.js";
import { redisChaosTest, verdict, waitFor } from "./redis-helpers.js";

const JOBS = 2000;
const LATE_BATCHES = 20;
const LATE_BATCH = 25;
const RESTARTS = 2;
const WORKER_OPTIONS = { concurrency: 8, lease: "2s", pollInterval: 100, shutdownGrace: "1s" };

redisChaosTest(
  "workers and producers ride out redis-server crashes and restarts: every confirmed job completes, none lost",
  "restart",
  async (e) => {
    const first = await e.tasks.work.enqueueMany(Array.from({ length: JOBS }, (_, i) => ({ input: { i } })));
    const ids = new Set(first.map((h) => h.id));
    await e.spawnWorker(WORKER_OPTIONS);
    await e.spawnWorker(WORKER_OPTIONS);

    // A producer that keeps enqueueing through the outages, each batch retried under the same
    // idempotency keys until an enqueue call resolves.
    let unconfirmed = 0;
    const producer = (async () => {
      for (let b = 0; b < LATE_BATCHES; b++) {
        const items = Array.from({ length: LATE_BATCH }, (_, k) => ({
          input: { i: JOBS + b * LATE_BATCH + k },
          options: { key: `late-${b}-${k}` },
        }));
        for (;;) {
          try {
            for (const h of await e.tasks.work.enqueueMany(items)) ids.add(h.id);
            break;
          } catch (err) {
            expect(err).toBeInstanceOf(BackendError);
            unconfirmed++;
            await new Promise((r) => setTimeout(r, 100));
          }
        }
        await new Promise((r) => setTimeout(r, 150));
      }
    })();

    for (let r = 0; r < RESTARTS; r++) {
      const target = Math.floor(JOBS * (0.2 + r * 0.35));
      await waitFor(
        async () => {
          const c = await e.counts();
          return c.completed >= target && c.running > 0;
        },
        { timeout: 120_000, interval: 10, message: `${target} jobs completed with some running` },
      );
      await e.redis.crash();
      await new Promise((res) => setTimeout(res, 700 + Math.random() * 800));
      await e.redis.start();
    }
    await producer;
    const total = JOBS + LATE_BATCHES * LATE_BATCH;
    expect(ids.size).toBe(total);

    await waitFor(async () => (await e.counts()).completed === total, {
      timeout: 180_000,
      interval: 100,
      message: `all ${total} jobs completed`,
    });
    expect(await e.counts()).toMatchObject({ total, completed: total, running: 0, queued: 0, failed: 0 });
    const out = verdict(ids, await e.records(), e.effects(), new Set());
    expect(out.problems).toEqual([]);
    console.log(
      `redis restart: ${out.jobs} jobs, ${RESTARTS} redis-server kill -9 + restarts, ${unconfirmed} enqueue calls unconfirmed (error raised, retried), ${out.rerun} jobs re-run after a lost lease, ${out.duplicates} executed twice, 0 lost`,
    );
  },
  300_000,
);
