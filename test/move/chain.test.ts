// biome-ignore-all lint/suspicious/noThenProperty: `then` is the follow-up option the issue names (an options object, never awaited)
/**
 * `spool move` along SQLite -> PostgreSQL -> Redis -> SQLite, each hop with a live producer
 * enqueueing into the source and a worker running on it while the mover (the real CLI, a child
 * process) runs. After each hop: every id is in exactly one of source/target, nothing is left
 * to run in the source. At the end, a worker on the last store finishes everything: no job ran
 * twice, every workflow completed, schedules, paused queues and limits arrived, ids and runAt kept,
 * and the durable follow-ups of moved jobs are written (once) when they complete on the last store.
 */
import { afterAll, expect, test } from "vitest";
import type { Backend } from "../../src/backend/backend.js";
import type { Worker } from "../../src/worker/worker.js";
import { postgresReachable, requirePostgres } from "../support/postgres.js";
import { redisReachable, requireRedis } from "../support/redis.js";
import { waitFor } from "../support/wait-for.js";
import { app, census, makeStores, runCli, runs } from "./helpers.js";

requireRedis("the spool move chain test");
requirePostgres("the spool move chain test");

const stores = makeStores();
afterAll(() => stores.cleanup());

async function notStarted(backend: Backend) {
  const queues = await backend.queueList();
  return queues.reduce((n, q) => n + q.counts.waiting + q.counts.scheduled + q.counts.queued, 0);
}

test.skipIf(!redisReachable || !postgresReachable)(
  "jobs, workflows, schedules and queue states travel SQLite -> PostgreSQL -> Redis -> SQLite, live",
  async () => {
    const urls = [stores.sqlite, stores.postgres, stores.redis, stores.sqlite2];
    const ids: string[] = [];
    const workflows: string[] = [];
    const delayed = new Map<string, number>();

    // ── the first store: plain, delayed, dependent, workflow and paused-queue jobs ──────────
    const first = app(urls[0]!, stores.dir, "seed");
    const { work, step, held } = first.tasks;
    for (let i = 0; i < 200; i++) ids.push((await work.enqueue({ i })).id);
    for (let i = 0; i < 60; i++) {
      const job = await work.enqueue({ i }, { delay: "1h" });
      ids.push(job.id);
    }
    for (let i = 0; i < 10; i++) {
      const parent = await work.enqueue({ i }, { delay: "1h" });
      const child = await work.enqueue({ i }, { dependsOn: [parent.id] });
      ids.push(parent.id, child.id);
    }
    // Delayed parents with a durable follow-up: the templates travel every hop, and the parent's
    // completion on the last store writes the follow-up there, once.
    const followed: string[] = [];
    for (let i = 0; i < 10; i++) {
      const parent = await work.enqueue({ i }, { delay: "1h", then: held.with({ i: 900 + i }) });
      ids.push(parent.id);
      followed.push(parent.id);
    }
    for (let i = 0; i < 20; i++)
      workflows.push((await first.chain(step.with(i), step.with(), step.with()).enqueue()).id);
    for (let i = 0; i < 30; i++) ids.push((await held.enqueue({ i })).id);
    await first.queues.pause("held");
    await first.queues.limit("work", { concurrency: 3 });
    await first.schedule("hourly", { every: "1h" }, held.with({ i: -1 })).ready;
    const firstBackend = await first.backend();
    for (const wf of workflows) {
      const record = await firstBackend.workflowGet({ id: wf });
      ids.push(...(JSON.parse(record!.spec) as { jobs: string[] }).jobs);
    }
    for (const job of await firstBackend.jobGetMany({ ids }))
      if (job.state === "scheduled") delayed.set(job.id, job.runAt);
    await first.close();

    // ── three hops, each with a producer and a worker on the source ─────────────────────────
    for (let hop = 0; hop < 3; hop++) {
      const source = app(urls[hop]!, stores.dir, `hop${hop}`);
      const worker: Worker = source.worker({ queues: ["work", "flow"], concurrency: 4 });
      await worker.start();
      let producing = true;
      const producer = (async () => {
        for (let i = 0; producing; i++) {
          ids.push((await source.tasks.work.enqueue({ i: 10_000 * (hop + 1) + i })).id);
          await new Promise((r) => setTimeout(r, 15));
        }
      })();
      const move = await runCli(["move", "--from", urls[hop]!, "--to", urls[hop + 1]!, "--batch", "100"]);
      expect(move.err + move.out).toMatch(/moved \d+ jobs/);
      expect(move.code).toBe(0);
      producing = false;
      await producer;
      await worker.stop();
      // The jobs produced after its last pass, and those the worker held back, move now.
      const rerun = await runCli([
        "move",
        "--from",
        urls[hop]!,
        "--to",
        urls[hop + 1]!,
        "--batch",
        "100",
        "--json",
      ]);
      expect(rerun.code, rerun.err).toBe(0);
      const report = JSON.parse(rerun.out) as { verify: { ok: boolean }; running: number };
      expect(report.verify.ok).toBe(true);
      expect(report.running).toBe(0);

      const src = await source.backend();
      const dst = app(urls[hop + 1]!, stores.dir, `check${hop}`);
      const tgt = await dst.backend();
      expect(await notStarted(src)).toBe(0);
      // Jobs finished on earlier stores stay there: count every store seen so far.
      const earlier = urls.slice(0, hop).map((u, i) => app(u, stores.dir, `earlier${i}`));
      const c = await census([...(await Promise.all(earlier.map((e) => e.backend()))), src, tgt], ids);
      for (const e of earlier) await e.close();
      expect(c.missing).toEqual([]);
      expect(c.doubled).toEqual([]);
      expect((await src.scheduleList()).map((s) => s.name)).toEqual([]);
      const hourly = await tgt.scheduleGet({ name: "hourly" });
      expect(hourly?.name).toBe("hourly");
      const queues = await tgt.queueList();
      expect(queues.find((q) => q.name === "held")?.paused).toBe(true);
      expect(queues.find((q) => q.name === "work")?.limits.concurrency).toBe(3);
      for (const [id, runAt] of delayed) {
        const job = (await tgt.jobGet({ id })) ?? (await src.jobGet({ id }));
        expect(job?.runAt).toBe(runAt);
      }
      await dst.close();
      await source.close();
    }

    // ── the last store finishes everything ──────────────────────────────────────────────────
    const last = app(urls[3]!, stores.dir, "last");
    const backend = await last.backend();
    await last.queues.resume("held");
    const scheduled = await backend.jobList({ state: "scheduled", limit: 1000 });
    await backend.jobPromote({ ids: scheduled.jobs.map((j) => j.id) });
    const worker = last.worker({ queues: ["work", "flow", "held"], concurrency: 8 });
    await worker.start();
    await waitFor(
      async () =>
        (await notStarted(backend)) === 0 && (await backend.queueList()).every((q) => q.counts.running === 0),
      {
        timeout: 120_000,
        interval: 200,
        message: "every job finished on the last store",
      },
    );
    await worker.stop();

    const all = await Promise.all(urls.map((u, i) => app(u, stores.dir, `final${i}`)));
    const backends = await Promise.all(all.map((s) => s.backend()));
    const c = await census(backends, ids);
    expect(c.missing).toEqual([]);
    expect(c.doubled).toEqual([]);
    const ran = runs(stores.dir);
    const twice = [...ran].filter(([, n]) => n > 1);
    expect(twice).toEqual([]);
    for (const id of ids) {
      const job = c.where.get(id)![0]!.job;
      expect(job.state, `job ${id}`).toBe("completed");
      expect(ran.get(id), `runs of ${id}`).toBe(1);
    }
    for (const wf of workflows) {
      const found = (await Promise.all(backends.map((b) => b.workflowGet({ id: wf })))).filter(
        (r) => r !== null,
      );
      expect(found.length, `workflow ${wf} is in one store`).toBe(1);
      expect(found[0]!.counts.completed).toBe(3);
    }
    const parentOf = (j: { meta: Record<string, unknown> }) =>
      (j.meta.parent as { id?: string } | undefined)?.id;
    const followUps = (await backends[3]!.jobList({ task: "move.held", limit: 1000 })).jobs.filter((j) =>
      followed.includes(parentOf(j) ?? ""),
    );
    expect(followUps.map(parentOf).sort()).toEqual([...followed].sort());
    for (const j of followUps) {
      expect(j.state).toBe("completed");
      expect(ran.get(j.id), `runs of follow-up ${j.id}`).toBe(1);
    }
    expect((await backends[3]!.scheduleGet({ name: "hourly" }))?.name).toBe("hourly");
    for (const s of all) await s.close();
    await last.close();
  },
  900_000,
);
