/**
 * Dropped connections: while workers run, every client connection to a private redis-server
 * is killed again and again (`CLIENT KILL TYPE normal` and `TYPE pubsub`), so calls in flight
 * fail and subscribers lose their subscription. The workers reconnect and re-subscribe by
 * themselves; every job completes, none is lost, and a side effect repeats only for a job
 * whose lease was lost (a claim whose reply was cut off leaves its jobs to lease expiry).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { redisChaosTest, verdict, waitFor } from "./redis-helpers.js";

const JOBS = 2000;
const ROUNDS = 8;
const WORKER_OPTIONS = { concurrency: 8, lease: "2s", pollInterval: 100, shutdownGrace: "1s" };

redisChaosTest(
  "workers survive their connections being killed mid-run: all jobs complete, none lost",
  "client-kill",
  async (e) => {
    const handles = await e.tasks.work.enqueueMany(
      Array.from({ length: JOBS }, (_, i) => ({ input: { i } })),
    );
    const ids = new Set(handles.map((h) => h.id));
    await e.spawnWorker(WORKER_OPTIONS);
    await e.spawnWorker(WORKER_OPTIONS);
    await waitFor(async () => (await e.counts()).completed >= JOBS * 0.1, {
      timeout: 60_000,
      interval: 10,
      message: "the run is under way",
    });

    let killedConnections = 0;
    for (let r = 0; r < ROUNDS; r++) {
      killedConnections += Number(await e.redis.admin.call("CLIENT", "KILL", "TYPE", "normal"));
      killedConnections += Number(await e.redis.admin.call("CLIENT", "KILL", "TYPE", "pubsub"));
      await new Promise((res) => setTimeout(res, 200 + Math.random() * 400));
    }

    // Wait until every job has settled (completed or failed), and say what was seen if not:
    // a stall must leave the counts and the workers' last log lines in the failure.
    try {
      await waitFor(
        async () => {
          const c = await e.counts();
          if (c.completed + c.failed < JOBS) throw new Error(`not settled yet: ${JSON.stringify(c)}`);
          return true;
        },
        { timeout: 180_000, interval: 100, message: `all ${JOBS} jobs settled` },
      );
    } catch (err) {
      throw new Error(`${(err as Error).message}\n${workerLogTails(e.dir)}`);
    }
    expect(await e.counts()).toMatchObject({
      total: JOBS,
      completed: JOBS,
      running: 0,
      queued: 0,
      failed: 0,
    });
    const out = verdict(ids, await e.records(), e.effects(), new Set());
    expect(out.problems).toEqual([]);
    // The feed came back too: a fresh job is picked up by a push, well before any lease matters.
    const probe = await e.tasks.work.enqueue({ i: -1 });
    await probe.result({ timeout: "30s" });
    console.log(
      `redis CLIENT KILL: ${out.jobs} jobs, ${ROUNDS} rounds, ${killedConnections} connections killed, ${out.rerun} jobs re-run after a lost lease, ${out.duplicates} executed twice, 0 lost`,
    );
  },
  300_000,
);

/** The last lines of each worker's log, for a failure message. */
function workerLogTails(dir: string, lines = 15): string {
  return readdirSync(dir)
    .filter((f) => /^worker-.*\.log$/.test(f))
    .map((f) => {
      const tail = readFileSync(join(dir, f), "utf8").trimEnd().split("\n").slice(-lines);
      return `--- ${f} (last ${tail.length} lines)\n${tail.join("\n")}`;
    })
    .join("\n");
}
