/**
 * The strategy at the cap on every path that creates a job, not only `jobEnqueue`
 * (docs/flow-control.md, "Strategy at the cap"): schedule fires (`scheduleFire`, timed and
 * manual). Each decision is made in the path's own atomic write.
 */
import { expect } from "vitest";
import type { Backend, JobFlow, NewJob } from "../../../src/backend/backend.js";
import type { Clock } from "../../../src/core/clock.js";
import type { CapStrategy } from "../../../src/core/flow.js";
import { defineTopic } from "./define.js";
import { LEASE_MS, newJob, recordEvents } from "./helpers.js";

const MIN = 60_000;

const flowOf = (key: string, limit: number, strategy: CapStrategy): JobFlow => ({
  key,
  concurrency: { limit, keyed: true, strategy },
  rateLimit: null,
});

const job = (clock: Clock, key: string, limit: number, strategy: CapStrategy, extra: Partial<NewJob> = {}) =>
  newJob(clock, { queue: "q", task: "sync", flow: flowOf(key, limit, strategy), ...extra });

const claimAs = (backend: Backend, workerId: string, limit = 10) =>
  backend.jobClaim({ queues: ["q"], limit, workerId, leaseMs: LEASE_MS });

const stateOf = async (backend: Backend, id: string) => (await backend.jobGet({ id }))?.state ?? null;

async function schedule(backend: Backend, name = "sync-every-minute") {
  const now = backend.clock.now();
  const { schedule } = await backend.scheduleUpsert({
    name,
    spec: '{"v":1}',
    triggerKey: "every 1m",
    anchorAt: now,
    nextFireAt: now + MIN,
    paused: false,
  });
  return schedule;
}

export const flowStrategyPathsTopic = defineTopic("flow-strategy paths", (test) => {
  test("schedule fire, cancel-in-progress: the running job is cancelled in the fire's write, the new one runs", async ({
    backend,
    clock,
  }) => {
    const s = await schedule(backend);
    const t0 = s.nextFireAt!;
    clock.advance(MIN);
    const first = await backend.scheduleFire({
      name: s.name,
      expectedFireAt: t0,
      nextFireAt: t0 + MIN,
      job: job(clock, "acct", 1, "cancel-in-progress"),
    });
    expect(first.won).toBe(true);
    const running = (await claimAs(backend, "w1")).jobs;
    expect(running.map((j) => j.id)).toEqual([first.jobId]);
    const rec = recordEvents(backend);
    clock.advance(MIN);
    const second = await backend.scheduleFire({
      name: s.name,
      expectedFireAt: t0 + MIN,
      nextFireAt: t0 + 2 * MIN,
      job: job(clock, "acct", 1, "cancel-in-progress"),
    });
    expect(second).toMatchObject({ won: true });
    expect(second.dropped).toBeUndefined();
    expect(second.jobId).not.toBe(first.jobId);
    expect(await stateOf(backend, first.jobId!)).toBe("cancelled");
    expect(await stateOf(backend, second.jobId!)).toBe("queued");
    await rec.until((seen) => seen.some((e) => e.type === "job:cancelled" && e.jobId === first.jobId));
    const ev = rec.events.find((e) => e.type === "job:cancelled" && e.jobId === first.jobId)!;
    expect(String(ev.data?.reason)).toContain(second.jobId!);
    rec.stop();
    // The cancelled run's late result is refused; the new one takes the slot and runs.
    const late = await backend.jobComplete({
      jobs: [{ id: running[0]!.id, token: running[0]!.leaseToken, result: "1" }],
    });
    expect(late.refused).toEqual([running[0]!.id]);
    const next = (await claimAs(backend, "w2")).jobs;
    expect(next.map((j) => j.id)).toEqual([second.jobId]);
    expect(second.schedule).toMatchObject({ runs: 2, lastJobId: second.jobId, lastFireAt: t0 + MIN });
    const runs = await backend.scheduleRuns({ name: s.name, limit: 5 });
    expect(runs.map((r) => [r.jobId, r.skipped])).toEqual([
      [second.jobId, null],
      [first.jobId, null],
    ]);
  });

  test("schedule fire, drop-newest: a fire while the previous one runs writes no job, recorded as skipped: dropped", async ({
    backend,
    clock,
  }) => {
    const s = await schedule(backend);
    const t0 = s.nextFireAt!;
    clock.advance(MIN);
    const first = await backend.scheduleFire({
      name: s.name,
      expectedFireAt: t0,
      nextFireAt: t0 + MIN,
      job: job(clock, "acct", 1, "drop-newest"),
    });
    const running = (await claimAs(backend, "w1")).jobs;
    expect(running.map((j) => j.id)).toEqual([first.jobId]);
    const rec = recordEvents(backend);
    clock.advance(MIN);
    const extra = job(clock, "acct", 1, "drop-newest");
    const second = await backend.scheduleFire({
      name: s.name,
      expectedFireAt: t0 + MIN,
      nextFireAt: t0 + 2 * MIN,
      job: extra,
    });
    expect(second).toMatchObject({ won: true, jobId: null, dropped: true });
    // The fire moved the schedule on, but counts as skipped: runs and lastJobId stay.
    expect(second.schedule).toMatchObject({
      nextFireAt: t0 + 2 * MIN,
      runs: 1,
      lastJobId: first.jobId,
      lastFireAt: t0,
    });
    expect(await backend.jobGet({ id: extra.id })).toBeNull();
    expect(await stateOf(backend, first.jobId!)).toBe("running");
    const runs = await backend.scheduleRuns({ name: s.name, limit: 5 });
    expect(runs.map((r) => [r.fireAt, r.jobId, r.skipped])).toEqual([
      [t0 + MIN, null, "dropped"],
      [t0, first.jobId, null],
    ]);
    await rec.until((seen) => seen.some((e) => e.type === "schedule:fired"));
    const fired = rec.events.find((e) => e.type === "schedule:fired")!;
    expect(fired.data).toMatchObject({ jobId: null, skipped: "dropped", fireAt: t0 + MIN });
    expect(rec.events.some((e) => e.jobId === extra.id)).toBe(false);
    rec.stop();
    // A manual run while it still runs is dropped too; once it ends, the next fire enqueues.
    const manual = await backend.scheduleFire({
      name: s.name,
      expectedFireAt: null,
      nextFireAt: null,
      job: job(clock, "acct", 1, "drop-newest"),
    });
    expect(manual).toMatchObject({ won: true, jobId: null, dropped: true });
    await backend.jobComplete({
      jobs: [{ id: running[0]!.id, token: running[0]!.leaseToken, result: "1" }],
    });
    clock.advance(MIN);
    const third = await backend.scheduleFire({
      name: s.name,
      expectedFireAt: t0 + 2 * MIN,
      nextFireAt: t0 + 3 * MIN,
      job: job(clock, "acct", 1, "drop-newest"),
    });
    expect(third.dropped).toBeUndefined();
    expect(await stateOf(backend, third.jobId!)).toBe("queued");
    expect(third.schedule).toMatchObject({ runs: 2, lastJobId: third.jobId });
    expect((await backend.scheduleRuns({ name: s.name, limit: 5 })).map((r) => r.skipped)).toEqual([
      null,
      "dropped",
      "dropped",
      null,
    ]);
  });

  test("schedule fire, drop-newest: a group with room (another key, or under the cap) gets the job", async ({
    backend,
    clock,
  }) => {
    const s = await schedule(backend);
    const t0 = s.nextFireAt!;
    await backend.jobEnqueue({ jobs: [job(clock, "a", 2, "drop-newest")] });
    clock.advance(MIN);
    const underCap = await backend.scheduleFire({
      name: s.name,
      expectedFireAt: t0,
      nextFireAt: t0 + MIN,
      job: job(clock, "a", 2, "drop-newest"),
    });
    expect(underCap.dropped).toBeUndefined();
    expect(await stateOf(backend, underCap.jobId!)).toBe("queued");
    clock.advance(MIN);
    const full = await backend.scheduleFire({
      name: s.name,
      expectedFireAt: t0 + MIN,
      nextFireAt: t0 + 2 * MIN,
      job: job(clock, "a", 2, "drop-newest"),
    });
    expect(full.dropped).toBe(true);
    clock.advance(MIN);
    const otherKey = await backend.scheduleFire({
      name: s.name,
      expectedFireAt: t0 + 2 * MIN,
      nextFireAt: t0 + 3 * MIN,
      job: job(clock, "b", 2, "drop-newest"),
    });
    expect(otherKey.dropped).toBeUndefined();
    expect(await stateOf(backend, otherKey.jobId!)).toBe("queued");
  });
});
