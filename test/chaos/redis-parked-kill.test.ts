/**
 * Push delivery's failure mode under kill -9: a worker dies while parked, jobs enqueued right
 * after are pushed to it (its registration has not expired yet), so they sit leased to a dead
 * process. Lease expiry must rescue them: another worker runs every one, the lost attempt is
 * counted and recorded, nothing runs twice (the dead worker never started them), nothing is lost.
 * Runs on a private redis-server (never the shared one).
 */
import { expect } from "vitest";
import { redisChaosTest, verdict, waitFor } from "./redis-helpers.js";

const JOBS = 20;
// A long poll keeps the parked registration alive for ~12 s, so the pushes surely reach the
// dead worker; a short lease keeps the rescue quick.
const OPTIONS = { concurrency: 4, lease: "2s", pollInterval: "30s", shutdownGrace: "1s" };

redisChaosTest(
  "jobs pushed to a worker that died while parked are rescued after their lease and run once elsewhere",
  "parked-kill",
  async (e) => {
    const parked = await e.spawnWorker(OPTIONS);
    await waitFor(async () => (await e.redis.admin.keys("{spool}:park:*")).length === 1, {
      timeout: 10_000,
      interval: 20,
      message: "the first worker parked",
    });
    parked.kill("SIGKILL");
    expect((await parked.exited).signal).toBe("SIGKILL");

    const handles = await e.tasks.work.enqueueMany(
      Array.from({ length: JOBS }, (_, i) => ({ input: { i } })),
    );
    const ids = new Set(handles.map((h) => h.id));
    // Pushed to the dead worker: leased (running), waiting in its inbox.
    expect(await e.counts()).toMatchObject({
      running: OPTIONS.concurrency,
      queued: JOBS - OPTIONS.concurrency,
    });
    const inbox = await e.redis.admin.keys("{spool}:inbox:*");
    expect(inbox).toHaveLength(1);
    expect(await e.redis.admin.pttl(inbox[0]!)).toBeGreaterThan(0);

    const rescuer = await e.spawnWorker(OPTIONS);
    await waitFor(async () => (await e.counts()).completed === JOBS, {
      timeout: 60_000,
      interval: 50,
      message: `all ${JOBS} jobs completed`,
    });
    const records = await e.records();
    const pushed = [...records.values()].filter((r) => r.attempt === 2);
    expect(pushed).toHaveLength(OPTIONS.concurrency);
    for (const r of pushed) expect(r.errors.map((x) => x.code)).toEqual(["LEASE_EXPIRED"]);
    const out = verdict(ids, records, e.effects(), new Set([parked.pid]));
    expect(out.problems).toEqual([]);
    expect(out.duplicates).toBe(0);
    expect(e.effects().every((x) => x.pid === rescuer.pid)).toBe(true);
    console.log(
      `redis parked kill -9: ${JOBS} jobs, ${pushed.length} pushed to the dead worker and rescued after their lease, 0 run twice, 0 lost`,
    );
  },
  120_000,
);
