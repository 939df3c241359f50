/**
 * `spool move` killed with SIGKILL mid-run, several times, then run again: after every kill no
 * job is missing and none is runnable in both stores (a job in both is held by the mover in the
 * source); the rerun finishes the interrupted batch and the rest, and at the end every id is in
 * the target exactly once, workflows with their records.
 */
import { afterAll, expect, test } from "vitest";
import type { Backend } from "../../src/backend/backend.js";
import { MOVE_WORKER_PREFIX } from "../../src/backend/backend.js";
import { postgresReachable, requirePostgres } from "../support/postgres.js";
import { redisReachable, requireRedis } from "../support/redis.js";
import { waitFor } from "../support/wait-for.js";
import { app, census, makeStores, runCli, spoolCli } from "./helpers.js";

requireRedis("the spool move kill -9 test");
requirePostgres("the spool move kill -9 test");

const stores = makeStores();
afterAll(() => stores.cleanup());

async function total(backend: Backend): Promise<number> {
  const queues = await backend.queueList();
  return queues.reduce((n, q) => n + Object.values(q.counts).reduce((a, b) => a + b, 0), 0);
}

async function seed(url: string) {
  const spool = app(url, stores.dir, "seed");
  const { work, step } = spool.tasks;
  const ids: string[] = [];
  const workflows: string[] = [];
  const plain = Array.from({ length: 2000 }, (_, i) => work.with({ i }));
  for (let i = 0; i < plain.length; i += 500)
    ids.push(...(await spool.enqueueMany(plain.slice(i, i + 500))).map((j) => j.id));
  for (let i = 0; i < 300; i++) ids.push((await work.enqueue({ i }, { delay: "1h" })).id);
  for (let i = 0; i < 100; i++) {
    const parent = await work.enqueue({ i }, { delay: "1h" });
    ids.push(parent.id, (await work.enqueue({ i }, { dependsOn: [parent.id] })).id);
  }
  for (let i = 0; i < 100; i++)
    workflows.push((await spool.chain(step.with(i), step.with(), step.with()).enqueue()).id);
  const backend = await spool.backend();
  for (const wf of workflows)
    ids.push(...(JSON.parse((await backend.workflowGet({ id: wf }))!.spec) as { jobs: string[] }).jobs);
  await spool.close();
  return { ids, workflows };
}

const pairs = [
  { name: "SQLite -> PostgreSQL", from: () => stores.sqlite, to: () => stores.postgres },
  { name: "Redis -> SQLite", from: () => stores.redis, to: () => stores.sqlite2 },
];

for (const pair of pairs) {
  test.skipIf(!redisReachable || !postgresReachable)(
    `${pair.name}: a mover killed with SIGKILL three times, then rerun, loses and doubles nothing`,
    async () => {
      const from = pair.from();
      const to = pair.to();
      const { ids, workflows } = await seed(from);
      const source = app(from, stores.dir, "source");
      const target = app(to, stores.dir, "target");
      const [src, tgt] = [await source.backend(), await target.backend()];
      let heldSeen = 0;
      for (const threshold of [300, 1300, 2300]) {
        const mover = spoolCli(["move", "--from", from, "--to", to, "--batch", "50"]);
        const finished = await waitFor(
          async () =>
            mover.child.exitCode !== null ? "exited" : (await total(tgt)) >= threshold ? "reached" : null,
          { timeout: 180_000, interval: 10, message: `target holds ${threshold} jobs` },
        );
        if (finished === "reached") mover.child.kill("SIGKILL");
        await mover.exited;
        const c = await census([src, tgt], ids);
        expect(c.missing).toEqual([]);
        expect(c.runnableTwice).toEqual([]);
        // A job in both stores is one the killed mover held in the source.
        for (const id of c.doubled) {
          const inSource = c.where.get(id)!.find((e) => e.store === 0)!.job;
          expect(inSource.workerId?.startsWith(MOVE_WORKER_PREFIX)).toBe(true);
        }
        heldSeen += (await src.jobList({ state: "running", limit: 1000 })).jobs.length;
      }
      const rerun = await runCli(["move", "--from", from, "--to", to, "--batch", "50", "--json"]);
      expect(rerun.code, rerun.err).toBe(0);
      const report = JSON.parse(rerun.out) as { verify: { ok: boolean }; recovered: number };
      expect(report.verify.ok).toBe(true);
      const c = await census([src, tgt], ids);
      expect(c.missing).toEqual([]);
      expect(c.doubled).toEqual([]);
      expect([...c.where.values()].every((e) => e[0]!.store === 1)).toBe(true);
      expect((await src.jobList({ state: "running", limit: 10 })).jobs).toEqual([]);
      for (const wf of workflows) {
        expect(await src.workflowGet({ id: wf })).toBeNull();
        expect((await tgt.workflowGet({ id: wf }))?.total).toBe(3);
      }
      console.info(
        `${pair.name}: ${ids.length} jobs, held in the source after the kills: ${heldSeen}, recovered by the rerun: ${report.recovered}`,
      );
      await source.close();
      await target.close();
    },
    600_000,
  );
}
