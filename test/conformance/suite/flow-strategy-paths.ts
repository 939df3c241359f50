/**
 * The strategy at the cap on every path that creates a job, not only `jobEnqueue`
 * (docs/flow-control.md, "Strategy at the cap"): schedule fires (`scheduleFire`, timed and
 * manual), workflow nodes (`workflowEnqueue`) and spawned children (`jobSpawn`). Each decision
 * is made in the path's own atomic write; a dropped graph member is written and cancelled.
 */
import { expect } from "vitest";
import type { Backend, JobFlow, NewJob } from "../../../src/backend/backend.js";
import type { Clock } from "../../../src/core/clock.js";
import type { CapStrategy } from "../../../src/core/flow.js";
import { newJobId } from "../../../src/core/ids.js";
import { defineTopic } from "./define.js";
import { LEASE_MS, newJob, recordEvents, runningJob } from "./helpers.js";

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

  test("workflow node, cancel-in-progress: a root node cancels the running job of its group; its own chain goes on", async ({
    backend,
    clock,
  }) => {
    const first = job(clock, "acct", 1, "cancel-in-progress");
    await backend.jobEnqueue({ jobs: [first] });
    const running = (await claimAs(backend, "w1")).jobs;
    expect(running.map((j) => j.id)).toEqual([first.id]);
    const root = job(clock, "acct", 1, "cancel-in-progress");
    const next = newJob(clock, { queue: "q", dependsOn: [root.id] });
    const wf = { id: newJobId(), name: "sync-chain", policy: "failFast" as const, spec: "{}" };
    await backend.workflowEnqueue({ workflow: wf, jobs: [root, next] });
    expect(await stateOf(backend, first.id)).toBe("cancelled");
    expect(await stateOf(backend, root.id)).toBe("queued");
    expect(await stateOf(backend, next.id)).toBe("waiting");
    const late = await backend.jobComplete({
      jobs: [{ id: running[0]!.id, token: running[0]!.leaseToken, result: "1" }],
    });
    expect(late.refused).toEqual([first.id]);
    expect((await claimAs(backend, "w2")).jobs.map((j) => j.id)).toEqual([root.id]);
  });

  test("workflow node, drop-newest: a root node of a full group is written cancelled, and its dependents with it", async ({
    backend,
    clock,
  }) => {
    const first = job(clock, "acct", 1, "drop-newest");
    await backend.jobEnqueue({ jobs: [first] });
    expect((await claimAs(backend, "w1")).jobs.map((j) => j.id)).toEqual([first.id]);
    const rec = recordEvents(backend);
    const root = job(clock, "acct", 1, "drop-newest");
    const next = newJob(clock, { queue: "q", dependsOn: [root.id] });
    const otherKey = job(clock, "other", 1, "drop-newest");
    const wf = { id: newJobId(), name: "sync-chain", policy: "continue" as const, spec: "{}" };
    await backend.workflowEnqueue({ workflow: wf, jobs: [root, next, otherKey] });
    expect(await stateOf(backend, first.id)).toBe("running");
    expect(await stateOf(backend, root.id)).toBe("cancelled");
    expect(await stateOf(backend, next.id)).toBe("cancelled");
    expect(await stateOf(backend, otherKey.id)).toBe("queued");
    await rec.until((seen) => seen.some((e) => e.type === "job:cancelled" && e.jobId === root.id));
    const ev = rec.events.find((e) => e.type === "job:cancelled" && e.jobId === root.id)!;
    expect(String(ev.data?.reason)).toContain("drop-newest");
    rec.stop();
    // Two roots of one group in one workflow: the first fills the cap, the second is dropped.
    const a = job(clock, "pair", 1, "drop-newest");
    const b = job(clock, "pair", 1, "drop-newest");
    const wf2 = { id: newJobId(), name: "pair", policy: "continue" as const, spec: "{}" };
    await backend.workflowEnqueue({ workflow: wf2, jobs: [a, b] });
    expect([await stateOf(backend, a.id), await stateOf(backend, b.id)]).toEqual(["queued", "cancelled"]);
  });

  test("spawned child, cancel-in-progress and drop-newest: the child obeys its task's strategy, the parent its policy", async ({
    backend,
    clock,
  }) => {
    const first = job(clock, "acct", 1, "cancel-in-progress");
    await backend.jobEnqueue({ jobs: [first] });
    const running = (await claimAs(backend, "w1")).jobs;
    expect(running.map((j) => j.id)).toEqual([first.id]);
    const parent = await runningJob(backend, { queue: "parents" });
    const child = job(clock, "acct", 1, "cancel-in-progress");
    const spawn = (p: typeof parent, kids: NewJob[], policy: "fail" | "continue") =>
      backend.jobSpawn({
        id: p.id,
        token: p.leaseToken,
        children: kids,
        policy,
        meta: { ...p.meta, spawn: { round: 1, from: 0, count: kids.length } },
      });
    expect(await spawn(parent, [child], "fail")).toEqual({ ok: true, state: "waiting" });
    expect(await stateOf(backend, first.id)).toBe("cancelled");
    expect(await stateOf(backend, child.id)).toBe("queued");
    expect(await stateOf(backend, parent.id)).toBe("waiting");

    // drop-newest: the child of a full group is written cancelled; the parent's policy applies.
    const holder = job(clock, "d", 1, "drop-newest");
    await backend.jobEnqueue({ jobs: [holder] });
    // (The claim also starts the first spawn's child, whose group now has room.)
    expect((await claimAs(backend, "w3")).jobs.map((j) => j.id)).toContain(holder.id);
    const parent2 = await runningJob(backend, { queue: "parents" });
    const dropped = job(clock, "d", 1, "drop-newest");
    const fine = job(clock, "e", 1, "drop-newest");
    expect(await spawn(parent2, [dropped, fine], "continue")).toEqual({ ok: true, state: "waiting" });
    expect(await stateOf(backend, dropped.id)).toBe("cancelled");
    expect(await stateOf(backend, fine.id)).toBe("queued");
    expect(await stateOf(backend, holder.id)).toBe("running");
    // "continue": the dropped child counts as settled; the parent waits only for the other.
    expect((await backend.jobGet({ id: parent2.id }))?.pendingDependencies).toBe(1);
  });
});
