/**
 * Retention and its election (issue 12): count-based keeps ("keep the last N failed"), an
 * expiry for jobs that never start, and one pruning worker per store. On memory and SQLite,
 * with an injected clock; passes run through the public `runOnce()`.
 */
import { describe, expect, test } from "vitest";
import { FakeClock } from "../../src/core/clock.js";
import { InvalidArgumentError, JobFailedError, NonRetriableError } from "../../src/core/errors/index.js";
import { isElected } from "../../src/maintenance/election.js";
import { RetentionPruner } from "../../src/maintenance/retention.js";
import { waitFor } from "../support/wait-for.js";
import { BACKEND_KINDS, type Harness, harnessPerTest } from "../worker/harness.js";

describe.each(BACKEND_KINDS)("retention on %s", (kind) => {
  const harness = harnessPerTest(kind);

  test("keep: { failed: 2 } removes all but the two newest failed jobs, whatever their age", async () => {
    const clock = new FakeClock();
    const h = await harness({ clock });
    const t = h.spool.task({
      name: "doomed",
      run: async (input: { i: number }) => {
        clock.advance(1000); // each job finishes a second after the previous one
        throw new NonRetriableError(`no ${input.i}`);
      },
    });
    const ok = h.spool.task({ name: "fine", run: () => "ok" });
    const jobs = [];
    for (let i = 0; i < 5; i++) jobs.push(await t.enqueue({ i }));
    const done = await ok.enqueue(undefined);
    await h.worker({ concurrency: 1, prefetch: 0, retention: false, queues: ["default"] }).start();
    for (const job of jobs) await job.result({ timeout: "10s" }).catch((e: unknown) => e);
    await done.result({ timeout: "10s" });
    // Durations off: only the count rule prunes.
    const pruner = new RetentionPruner(h.backend, clock, {
      completed: false,
      failed: false,
      cancelled: false,
      keep: { failed: 2 },
    });
    expect(await pruner.runOnce()).toEqual({ removed: 3, expired: 0 });
    const left = await h.spool.jobs.list({ state: "failed" });
    expect(left.jobs.map((j) => j.id).sort()).toEqual([jobs[3]!.id, jobs[4]!.id].sort());
    expect((await done.get()).state).toBe("completed");
    // Idempotent: a second pass removes nothing.
    expect(await pruner.runOnce()).toEqual({ removed: 0, expired: 0 });
  });

  test("expireUnstarted cancels jobs not started long after they were due, and only those", async () => {
    const clock = new FakeClock();
    const h = await harness({ clock });
    const t = h.spool.task({ name: "late", run: () => "ran" });
    const stale = await t.enqueue(undefined);
    const child = await t.enqueue(undefined, { dependsOn: [stale] });
    const delayed = await t.enqueue(undefined, { delay: "2h" });
    clock.advance(30 * 60_000);
    const recent = await t.enqueue(undefined);
    clock.advance(60 * 60_000); // stale: due 90 min ago; recent: 60 min ago; delayed: due in 30 min
    const pruner = new RetentionPruner(h.backend, clock, { expireUnstarted: "61m" });
    expect(await pruner.runOnce()).toEqual({ removed: 0, expired: 2 }); // stale and its dependent
    const err = await stale.result({ timeout: "5s" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JobFailedError);
    expect(await stale.get()).toMatchObject({ state: "cancelled", attempt: 0 });
    expect((await child.get()).state).toBe("cancelled");
    expect((await recent.get()).state).toBe("queued");
    expect((await delayed.get()).state).toBe("scheduled");
    // Without the option nothing expires, however old.
    clock.advance(24 * 3600_000);
    expect(await new RetentionPruner(h.backend, clock, {}).runOnce()).toMatchObject({ expired: 0 });
    expect((await recent.get()).state).toBe("queued");
  });

  test("bad retention options fail when the worker is created", async () => {
    const h = await harness();
    for (const retention of [
      { keep: { failed: -1 } },
      { kept: 5 },
      { expireUnstarted: "soon" },
      { failed: "7 days" },
    ])
      expect(() => h.worker({ retention } as Parameters<Harness["worker"]>[0])).toThrow(InvalidArgumentError);
  });

  test("one worker per store is elected to prune; when it stops, another takes over", async () => {
    const a = await harness();
    const b = await harness({ shareWith: a });
    const wa = a.worker();
    const wb = b.worker();
    await wa.start();
    await wb.start();
    await waitFor(async () => (await a.backend.workerList()).length === 2, {
      message: "both workers listed",
    });
    const elected = [await isElected(a.backend, wa.id), await isElected(b.backend, wb.id)];
    expect(elected.filter(Boolean)).toHaveLength(1);
    const [winner, other, otherBackend] = elected[0] ? [wa, wb, b.backend] : [wb, wa, a.backend];
    expect(winner.id < other.id).toBe(true);
    expect(await isElected(otherBackend, other.id)).toBe(false);
    await winner.stop();
    expect(await isElected(otherBackend, other.id)).toBe(true);
  });
});
