/**
 * The strategy at the cap on schedule fires (docs/flow-control.md, "Strategy at the cap"): a
 * schedule of a task with `concurrency.strategy` fires a job that carries the task's limits,
 * and the fire applies the strategy in its own write. "Sync every minute; if the previous sync
 * still runs, cancel it (or skip this one)."
 */
import { afterEach, describe, expect, test } from "vitest";
import type { CapStrategy } from "../../src/core/flow.js";
import { RunDroppedError } from "../../src/scheduler/client.js";
import { BACKEND_KINDS, harness, type SchedulerHarness } from "./harness.js";

const M = 60_000;
const H = 60 * M;
const T0 = Date.UTC(2026, 0, 1);

describe.each(BACKEND_KINDS)("schedule fires and the strategy at the cap on %s", (kind) => {
  const open: SchedulerHarness[] = [];
  afterEach(async () => {
    for (const x of open.reverse()) await x.close();
    open.length = 0;
  });

  /** A schedule "sync" every minute of a task capped at 1 per account with `strategy`. */
  async function setup(strategy: CapStrategy) {
    const h = await harness(kind);
    open.push(h);
    const sync = h.spool.task({
      name: "account.sync",
      queue: "sync",
      concurrency: { limit: 1, key: (input: { account: string }) => input.account, strategy },
      run: () => 1,
    });
    await h.spool.schedule("sync", { every: "1m" }, sync.with({ account: "acme" })).ready;
    const s = h.scheduler();
    h.clock.set(T0 + M);
    const first = (await s.runOnce()).fired[0]!;
    const { jobs } = await h.backend.jobClaim({ queues: ["sync"], limit: 5, workerId: "w", leaseMs: H });
    expect(jobs.map((j) => j.id)).toEqual([first.jobId]);
    h.clock.set(T0 + 2 * M);
    return { h, s, sync, running: jobs[0]! };
  }

  test("the fired job carries the task's limits: its limit key, capped with enqueued jobs", async () => {
    const { h, sync, running } = await setup("queue");
    expect((await h.spool.job(running.id).get()).limitKey).toBe("acme");
    // An enqueued job of the same key waits behind the running scheduled one (cap 1).
    const queued = await sync.enqueue({ account: "acme" });
    const next = await h.backend.jobClaim({ queues: ["sync"], limit: 5, workerId: "w2", leaseMs: H });
    expect(next.jobs).toEqual([]);
    await h.backend.jobComplete({ jobs: [{ id: running.id, token: running.leaseToken, result: "1" }] });
    const after = await h.backend.jobClaim({ queues: ["sync"], limit: 5, workerId: "w2", leaseMs: H });
    expect(after.jobs.map((j) => j.id)).toEqual([queued.id]);
  });

  test("cancel-in-progress: the next fire cancels the running sync and its own job runs", async () => {
    const { h, s, running } = await setup("cancel-in-progress");
    const fired = (await s.runOnce()).fired[0]!;
    expect(fired.jobId).not.toBeNull();
    const old = await h.spool.job(running.id).get();
    expect(old.state).toBe("cancelled");
    const late = await h.backend.jobComplete({
      jobs: [{ id: running.id, token: running.leaseToken, result: "1" }],
    });
    expect(late.refused).toEqual([running.id]);
    const { jobs } = await h.backend.jobClaim({ queues: ["sync"], limit: 5, workerId: "w", leaseMs: H });
    expect(jobs.map((j) => j.id)).toEqual([fired.jobId]);
  });

  test("drop-newest: a fire while the sync runs is skipped (dropped) in the run history; a manual run throws", async () => {
    const { h, s, running } = await setup("drop-newest");
    const fired = (await s.runOnce()).fired[0]!;
    expect(fired).toMatchObject({ jobId: null, data: { skipped: "dropped" } });
    expect((await h.fired("sync")).map((j) => j.id)).toEqual([running.id]);
    const runs = await h.spool.schedules.runs("sync");
    expect(runs.map((r) => [r.jobId, r.skipped])).toEqual([
      [null, "dropped"],
      [running.id, null],
    ]);
    await expect(h.spool.schedules.run("sync")).rejects.toBeInstanceOf(RunDroppedError);
    const info = await h.spool.schedules.get("sync");
    expect(info).toMatchObject({ runs: 1 });
    // Once the sync ended, the next fire enqueues again.
    await h.backend.jobComplete({ jobs: [{ id: running.id, token: running.leaseToken, result: "1" }] });
    h.clock.set(T0 + 3 * M);
    const again = (await s.runOnce()).fired[0]!;
    expect(again.jobId).not.toBeNull();
    expect((await h.spool.job(again.jobId!).get()).state).toBe("queued");
  });
});
