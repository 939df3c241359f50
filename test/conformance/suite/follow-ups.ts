/**
 * Durable follow-ups (backend/follow-ups.ts, docs/flow-control.md): the `then` / `catch` job is
 * inserted in the same write as the outcome, exactly once, never for a stale lease.
 */
import { expect } from "vitest";
import type { Backend, JobFlow } from "../../../src/backend/backend.js";
import type { FollowUpJob } from "../../../src/core/follow-ups.js";
import { newJobId } from "../../../src/core/ids.js";
import { deserialize } from "../../../src/core/serializer.js";
import { defineTopic } from "./define.js";
import { allJobs, claim, claimOne, errorRecord, getJob, newJob } from "./helpers.js";

export function tpl(
  parentId: string,
  outcome: "completed" | "failed",
  over: Partial<FollowUpJob> = {},
): FollowUpJob {
  return {
    id: newJobId(),
    task: outcome === "completed" ? "t.then" : "t.catch",
    queue: "follow",
    input: '{"fixed":true}',
    priority: 2,
    maxAttempts: 4,
    meta: JSON.stringify({ user: 1, parent: { id: parentId, outcome } }),
    leaseMs: 5_000,
    timeoutMs: null,
    flow: null,
    ...over,
  };
}

/** Enqueues a parent with both follow-ups (`maxAttempts` attempts) and claims it. */
export async function parentWithFollowUps(backend: Backend, maxAttempts = 1, piped = false) {
  const parent = newJob(backend.clock, { maxAttempts, queue: "main" });
  const then = tpl(parent.id, "completed", piped ? { input: null } : {});
  const onFail = tpl(parent.id, "failed", piped ? { input: null } : {});
  parent.followUps = { completed: then, failed: onFail };
  await backend.jobEnqueue({ jobs: [parent] });
  const leased = await claimOne(backend, "main");
  return { leased, then, onFail };
}

const ids = async (backend: Backend) => (await allJobs(backend)).map((j) => j.id).sort();

export const followUpsTopic = defineTopic("follow-ups", (test) => {
  test("completion inserts the then job (queued now, its template's fields), not the catch job", async ({
    backend,
    clock,
  }) => {
    const { leased, then, onFail } = await parentWithFollowUps(backend);
    clock.advance(100);
    await backend.jobComplete({ jobs: [{ id: leased.id, token: leased.leaseToken, result: '"done"' }] });
    const job = await getJob(backend, then.id);
    expect(job).toMatchObject({
      task: "t.then",
      queue: "follow",
      state: "queued",
      input: '{"fixed":true}',
      priority: 2,
      maxAttempts: 4,
      attempt: 0,
      leaseMs: 5_000,
      meta: { user: 1, parent: { id: leased.id, outcome: "completed" } },
      createdAt: clock.now(),
    });
    expect(await backend.jobGet({ id: onFail.id })).toBeNull();
    expect((await claimOne(backend, "follow")).id).toBe(then.id);
  });

  test("a follow-up job is found by the filtered lists (state, queue, created time) like any new job", async ({
    backend,
    clock,
  }) => {
    const { leased, then } = await parentWithFollowUps(backend);
    clock.advance(100);
    await backend.jobComplete({ jobs: [{ id: leased.id, token: leased.leaseToken, result: '"done"' }] });
    const listed = async (filter: Parameters<Backend["jobList"]>[0]) =>
      (await backend.jobList(filter)).jobs.map((j) => j.id);
    expect(await listed({ state: ["queued"], limit: 50 })).toContain(then.id);
    expect(await listed({ queue: "follow", limit: 50 })).toContain(then.id);
    expect(await listed({ queue: "follow", state: ["queued"], limit: 50 })).toContain(then.id);
    expect(await listed({ createdAfter: clock.now() - 1, limit: 50 })).toContain(then.id);
    expect(await listed({ task: "t.then", state: "queued", limit: 50 })).toContain(then.id);
  });

  test("a piped then job gets the parent's serialized result as input", async ({ backend }) => {
    const { leased, then } = await parentWithFollowUps(backend, 1, true);
    await backend.jobComplete({ jobs: [{ id: leased.id, token: leased.leaseToken, result: '{"rows":3}' }] });
    expect((await getJob(backend, then.id)).input).toBe('{"rows":3}');
  });

  test("the final failure inserts the catch job; a piped one gets the last error record", async ({
    backend,
    clock,
  }) => {
    const { leased, then, onFail } = await parentWithFollowUps(backend, 2, true);
    // A failure with attempts left is no outcome: nothing is written.
    await backend.jobFail({
      jobs: [
        { id: leased.id, token: leased.leaseToken, error: errorRecord(1, clock.now()), retryAt: clock.now() },
      ],
    });
    expect(await ids(backend)).toEqual([leased.id]);
    const second = await claimOne(backend, "main");
    const last = errorRecord(2, clock.now(), "final");
    await backend.jobFail({
      jobs: [{ id: second.id, token: second.leaseToken, error: last, retryAt: null }],
    });
    const job = await getJob(backend, onFail.id);
    expect(job).toMatchObject({
      state: "queued",
      task: "t.catch",
      meta: { parent: { id: leased.id, outcome: "failed" } },
    });
    expect(deserialize(job.input)).toEqual(last);
    expect(await backend.jobGet({ id: then.id })).toBeNull();
  });

  test("a stale or repeated completion writes no follow-up: exactly one per outcome", async ({ backend }) => {
    const { leased, then } = await parentWithFollowUps(backend);
    const stale = await backend.jobComplete({ jobs: [{ id: leased.id, token: "stale", result: "1" }] });
    expect(stale.refused).toEqual([leased.id]);
    expect(await backend.jobGet({ id: then.id })).toBeNull();
    await backend.jobComplete({ jobs: [{ id: leased.id, token: leased.leaseToken, result: "1" }] });
    const again = await backend.jobComplete({
      jobs: [{ id: leased.id, token: leased.leaseToken, result: "2" }],
    });
    expect(again.refused).toEqual([leased.id]);
    expect(await ids(backend)).toEqual([leased.id, then.id].sort());
  });

  test("a lease that expires with no attempt left inserts the catch job", async ({ backend, clock }) => {
    const { leased, onFail } = await parentWithFollowUps(backend);
    clock.advance(60_000);
    const rescued = await backend.leaseRescue({ limit: 100 });
    expect(rescued.failed).toEqual([leased.id]);
    const job = await getJob(backend, onFail.id);
    expect(job.state).toBe("queued");
    // The late completion of the lost lease is refused and writes no then job.
    await backend.jobComplete({ jobs: [{ id: leased.id, token: leased.leaseToken, result: "1" }] });
    expect(await ids(backend)).toEqual([leased.id, onFail.id].sort());
  });

  test("a cancelled job writes neither follow-up", async ({ backend }) => {
    const { leased } = await parentWithFollowUps(backend);
    await backend.jobCancel({ ids: [leased.id] });
    await backend.jobComplete({ jobs: [{ id: leased.id, token: leased.leaseToken, result: "1" }] });
    expect(await ids(backend)).toEqual([leased.id]);
  });

  test("a backoff (RateLimitedError) is no outcome; the later completion writes then once", async ({
    backend,
    clock,
  }) => {
    const { leased, then } = await parentWithFollowUps(backend);
    await backend.jobBackoff({
      jobs: [{ id: leased.id, token: leased.leaseToken, runAt: clock.now() + 1_000 }],
    });
    expect(await ids(backend)).toEqual([leased.id]);
    clock.advance(1_000);
    const again = await claimOne(backend, "main");
    await backend.jobComplete({ jobs: [{ id: again.id, token: again.leaseToken, result: "1" }] });
    expect(await ids(backend)).toEqual([leased.id, then.id].sort());
  });

  test("follow-ups of completions in one batch are each written once", async ({ backend }) => {
    const parents = Array.from({ length: 5 }, () => newJob(backend.clock, { queue: "main" }));
    for (const p of parents) p.followUps = { completed: tpl(p.id, "completed") };
    await backend.jobEnqueue({ jobs: parents });
    const { jobs } = await backend.jobClaim({ queues: ["main"], limit: 5, workerId: "w", leaseMs: 30_000 });
    await backend.jobComplete({ jobs: jobs.map((j) => ({ id: j.id, token: j.leaseToken, result: "1" })) });
    const followers = (await allJobs(backend)).filter((j) => j.task === "t.then");
    expect(followers.map((f) => (f.meta.parent as { id: string }).id).sort()).toEqual(
      parents.map((p) => p.id).sort(),
    );
  });

  test("an enqueue matched by its idempotency key stores no follow-ups of its own", async ({
    backend,
    clock,
  }) => {
    const first = newJob(clock, { key: "k", queue: "main" });
    first.followUps = { completed: tpl(first.id, "completed") };
    await backend.jobEnqueue({ jobs: [first] });
    const dup = newJob(clock, { key: "k", queue: "main" });
    const other = tpl(dup.id, "completed");
    dup.followUps = { completed: other };
    await backend.jobEnqueue({ jobs: [dup] });
    const leased = await claimOne(backend, "main");
    await backend.jobComplete({ jobs: [{ id: leased.id, token: leased.leaseToken, result: "1" }] });
    expect(await getJob(backend, first.followUps.completed!.id)).toMatchObject({ state: "queued" });
    expect(await backend.jobGet({ id: other.id })).toBeNull();
  });

  test("an enqueue matched by a dedupe window (throttle, debounce, replace) stores no follow-ups of its own", async ({
    backend,
    clock,
  }) => {
    for (const mode of ["throttle", "debounce", "replace"] as const) {
      const dedupe = { key: `u-${mode}`, mode, windowMs: 10_000, maxWaitMs: null };
      const queue = `main-${mode}`;
      const first = newJob(clock, { dedupe, queue });
      first.followUps = { completed: tpl(first.id, "completed") };
      await backend.jobEnqueue({ jobs: [first] });
      const dup = newJob(clock, { dedupe, queue, input: '"second"' });
      const other = tpl(dup.id, "completed");
      dup.followUps = { completed: other };
      const r = await backend.jobEnqueue({ jobs: [dup] });
      expect(r.jobs[0], mode).toMatchObject({ id: first.id, created: false });
      // Debounce and replace took the second call's input, not its follow-ups (docs/flow-control.md).
      if (mode !== "throttle") expect((await getJob(backend, first.id)).input, mode).toBe('"second"');
      clock.advance(20_000);
      const leased = await claimOne(backend, queue);
      await backend.jobComplete({ jobs: [{ id: leased.id, token: leased.leaseToken, result: "1" }] });
      expect(await getJob(backend, first.followUps.completed!.id), mode).toMatchObject({ state: "queued" });
      expect(await backend.jobGet({ id: other.id }), mode).toBeNull();
    }
  });

  test("a release is no outcome; the later completion writes then once", async ({ backend }) => {
    const { leased, then } = await parentWithFollowUps(backend);
    await backend.jobRelease({ leases: [{ id: leased.id, token: leased.leaseToken }] });
    expect(await ids(backend)).toEqual([leased.id]);
    const again = await claimOne(backend, "main");
    await backend.jobComplete({ jobs: [{ id: again.id, token: again.leaseToken, result: "1" }] });
    expect(await ids(backend)).toEqual([leased.id, then.id].sort());
  });

  test("a parent with dependents releases them and writes its then job in the same completion", async ({
    backend,
    clock,
  }) => {
    const { leased, then } = await parentWithFollowUps(backend);
    const child = newJob(clock, { queue: "kids", dependsOn: [leased.id] });
    await backend.jobEnqueue({ jobs: [child] });
    expect((await getJob(backend, child.id)).state).toBe("waiting");
    await backend.jobComplete({ jobs: [{ id: leased.id, token: leased.leaseToken, result: "1" }] });
    expect((await getJob(backend, child.id)).state).toBe("queued");
    expect((await getJob(backend, then.id)).state).toBe("queued");
  });

  test("a parent that spawns children writes then once, when it completes after them", async ({
    backend,
    clock,
  }) => {
    const { leased, then, onFail } = await parentWithFollowUps(backend);
    const kids = [newJob(clock, { queue: "kids" }), newJob(clock, { queue: "kids" })];
    const spawned = await backend.jobSpawn({
      id: leased.id,
      token: leased.leaseToken,
      children: kids,
      policy: "fail",
      meta: { ...leased.meta, spawn: { round: 1, from: 0, count: 2, onFailure: "fail" } },
    });
    expect(spawned.ok).toBe(true);
    // Waiting on its children is no outcome.
    expect(await backend.jobGet({ id: then.id })).toBeNull();
    const { jobs } = await claim(backend, ["kids"], 10);
    await backend.jobComplete({ jobs: jobs.map((j) => ({ id: j.id, token: j.leaseToken, result: "2" })) });
    expect(await backend.jobGet({ id: then.id })).toBeNull();
    const resumed = await claimOne(backend, "main");
    expect(resumed.id).toBe(leased.id);
    await backend.jobComplete({ jobs: [{ id: resumed.id, token: resumed.leaseToken, result: '"all"' }] });
    const job = await getJob(backend, then.id);
    expect(job).toMatchObject({ state: "queued", meta: { parent: { id: leased.id, outcome: "completed" } } });
    expect(await backend.jobGet({ id: onFail.id })).toBeNull();
    expect((await allJobs(backend)).filter((j) => j.task === "t.then")).toHaveLength(1);
  });

  test("a follow-up of a task with limits carries them: its cap holds", async ({ backend, clock }) => {
    const flow: JobFlow = { key: "k", concurrency: { limit: 1, keyed: true }, rateLimit: null };
    const parents = [newJob(clock, { queue: "main" }), newJob(clock, { queue: "main" })];
    for (const p of parents) p.followUps = { completed: tpl(p.id, "completed", { flow }) };
    await backend.jobEnqueue({ jobs: parents });
    const { jobs } = await claim(backend, ["main"], 2);
    await backend.jobComplete({ jobs: jobs.map((j) => ({ id: j.id, token: j.leaseToken, result: "1" })) });
    const followers = (await allJobs(backend)).filter((j) => j.task === "t.then");
    expect(followers.map((f) => [f.state, f.limitKey])).toEqual([
      ["queued", "k"],
      ["queued", "k"],
    ]);
    const first = await claim(backend, ["follow"], 10);
    expect(first.jobs).toHaveLength(1);
    expect((await claim(backend, ["follow"], 10)).jobs).toHaveLength(0);
    const done = first.jobs[0]!;
    await backend.jobComplete({ jobs: [{ id: done.id, token: done.leaseToken, result: "1" }] });
    expect((await claim(backend, ["follow"], 10)).jobs).toHaveLength(1);
  });
});
