/**
 * `jobSpawn`: a running job writes children and waits on them in one fenced, atomic call.
 * A stale token or a bad batch writes nothing; completions count the parent down; a failed or
 * cancelled child follows the spawn policy (never cancels the parent); cancelling the waiting
 * parent cancels its unfinished children; children join the parent's workflow.
 */
import { expect } from "vitest";
import type { Backend, JobFlow, JobSpawnParams, NewJob } from "../../../src/backend/backend.js";
import { newJobId, newLeaseToken } from "../../../src/core/ids.js";
import type { LeasedJob } from "../../../src/core/types.js";
import { defineTopic } from "./define.js";
import { allJobs, claim, claimOne, errorRecord, getJob, newJob, runningJob } from "./helpers.js";

const CHILD_QUEUE = "children";

function children(backend: Backend, n: number, overrides: Partial<NewJob> = {}): NewJob[] {
  return Array.from({ length: n }, () => newJob(backend.clock, { queue: CHILD_QUEUE, ...overrides }));
}

function spawnParams(
  parent: LeasedJob,
  kids: NewJob[],
  policy: JobSpawnParams["policy"] = "fail",
): JobSpawnParams {
  return {
    id: parent.id,
    token: parent.leaseToken,
    children: kids,
    policy,
    meta: { ...parent.meta, spawn: { round: 1, from: parent.dependsOn.length, count: kids.length } },
  };
}

/** Claims and completes every ready child (one claim), returning their ids. */
async function completeChildren(backend: Backend, limit = 100): Promise<string[]> {
  const { jobs } = await claim(backend, [CHILD_QUEUE], limit);
  const out = await backend.jobComplete({
    jobs: jobs.map((j) => ({ id: j.id, token: j.leaseToken, result: JSON.stringify(j.id) })),
  });
  return out.ok;
}

export const spawnTopic = defineTopic("spawn", (test) => {
  test("the parent waits on its new children, lease released and attempt given back, in one call", async ({
    backend,
  }) => {
    const parent = await runningJob(backend, { maxAttempts: 2 });
    const kids = children(backend, 3);
    const out = await backend.jobSpawn(spawnParams(parent, kids));
    expect(out).toEqual({ ok: true, state: "waiting" });
    const p = await getJob(backend, parent.id);
    expect(p).toMatchObject({ state: "waiting", attempt: 0, pendingDependencies: 3, leaseExpiresAt: null });
    expect(p.dependsOn).toEqual(kids.map((k) => k.id));
    expect(p.meta.spawn).toMatchObject({ round: 1, count: 3 });
    for (const k of kids) expect((await getJob(backend, k.id)).state).toBe("queued");
    // The old token is dead: the parent cannot be completed with it.
    const late = await backend.jobComplete({
      jobs: [{ id: parent.id, token: parent.leaseToken, result: "1" }],
    });
    expect(late.refused).toEqual([parent.id]);
  });

  test("the last child's completion re-queues the parent; the next claim is the same attempt number", async ({
    backend,
  }) => {
    const parent = await runningJob(backend);
    await backend.jobSpawn(spawnParams(parent, children(backend, 2)));
    const { jobs } = await claim(backend, [CHILD_QUEUE], 1);
    await backend.jobComplete({ jobs: [{ id: jobs[0]!.id, token: jobs[0]!.leaseToken, result: "1" }] });
    expect(await getJob(backend, parent.id)).toMatchObject({ state: "waiting", pendingDependencies: 1 });
    await completeChildren(backend);
    expect((await getJob(backend, parent.id)).state).toBe("queued");
    expect(await claimOne(backend)).toMatchObject({ id: parent.id, attempt: 1 });
  });

  test("a stale lease token writes nothing: no child, parent untouched", async ({ backend }) => {
    const parent = await runningJob(backend);
    const before = (await allJobs(backend)).length;
    const kids = children(backend, 2);
    const out = await backend.jobSpawn({ ...spawnParams(parent, kids), token: newLeaseToken() });
    expect(out).toEqual({ ok: false, state: null });
    expect((await allJobs(backend)).length).toBe(before);
    expect(await getJob(backend, parent.id)).toMatchObject({ state: "running", attempt: 1, dependsOn: [] });
    // After a rescue by another worker, the first worker's spawn is refused too.
    await backend.jobRelease({ leases: [{ id: parent.id, token: parent.leaseToken }] });
    const again = await backend.jobSpawn(spawnParams(parent, kids));
    expect(again.ok).toBe(false);
    expect((await allJobs(backend)).length).toBe(before);
  });

  test("bad batches are refused with a typed error and write nothing", async ({ backend }) => {
    const parent = await runningJob(backend);
    const before = (await allJobs(backend)).length;
    const bad: JobSpawnParams[] = [
      spawnParams(parent, []),
      spawnParams(parent, children(backend, 1, { key: "k" })),
      spawnParams(parent, children(backend, 1, { dependsOn: [parent.id] })),
      { ...spawnParams(parent, children(backend, 1)), policy: "nope" as "fail" },
      spawnParams(parent, children(backend, 10_001)),
    ];
    for (const params of bad)
      await expect(backend.jobSpawn(params)).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    // A child id that already exists aborts the whole call.
    const taken = children(backend, 2);
    taken[1]!.id = parent.id;
    await expect(backend.jobSpawn(spawnParams(parent, taken))).rejects.toThrow();
    const existing = newJob(backend.clock);
    await backend.jobEnqueue({ jobs: [existing] });
    const clash = children(backend, 2);
    clash[1]!.id = existing.id;
    await expect(backend.jobSpawn(spawnParams(parent, clash))).rejects.toThrow();
    expect((await allJobs(backend)).length).toBe(before + 1);
    expect(await getJob(backend, parent.id)).toMatchObject({ state: "running", dependsOn: [] });
  });

  test('policy "fail": a failed child releases the parent at once (not cancelled); later children do not touch it', async ({
    backend,
  }) => {
    const parent = await runningJob(backend);
    await backend.jobSpawn(spawnParams(parent, children(backend, 3, { maxAttempts: 1 }), "fail"));
    const { jobs } = await claim(backend, [CHILD_QUEUE], 3);
    const [a, b, c] = jobs;
    await backend.jobFail({
      jobs: [{ id: a!.id, token: a!.leaseToken, error: errorRecord(1, backend.clock.now()), retryAt: null }],
    });
    expect((await getJob(backend, parent.id)).state).toBe("queued");
    await backend.jobComplete({ jobs: [{ id: b!.id, token: b!.leaseToken, result: "1" }] });
    await backend.jobCancel({ ids: [c!.id] });
    expect((await getJob(backend, parent.id)).state).toBe("queued");
    expect(await claimOne(backend)).toMatchObject({ id: parent.id });
  });

  test('policy "continue": failed and cancelled children count as settled; released when all are final', async ({
    backend,
  }) => {
    const parent = await runningJob(backend);
    const kids = children(backend, 3, { maxAttempts: 1 });
    await backend.jobSpawn(spawnParams(parent, kids, "continue"));
    const { jobs } = await claim(backend, [CHILD_QUEUE], 2);
    await backend.jobFail({
      jobs: [{ id: jobs[0]!.id, token: jobs[0]!.leaseToken, error: errorRecord(1, 0), retryAt: null }],
    });
    await backend.jobCancel({ ids: [jobs[1]!.id] });
    expect(await getJob(backend, parent.id)).toMatchObject({ state: "waiting", pendingDependencies: 1 });
    await completeChildren(backend);
    expect((await getJob(backend, parent.id)).state).toBe("queued");
  });

  test("a rescued child that ran out of attempts follows the policy too", async ({ backend, clock }) => {
    const parent = await runningJob(backend);
    await backend.jobSpawn(spawnParams(parent, children(backend, 2, { maxAttempts: 1 }), "continue"));
    await claim(backend, [CHILD_QUEUE], 1, 1_000);
    clock.advance(5_000);
    await backend.leaseRescue({ limit: 100 });
    expect(await getJob(backend, parent.id)).toMatchObject({ state: "waiting", pendingDependencies: 1 });
  });

  test("cancelling the waiting parent cancels its unfinished children, grandchildren included", async ({
    backend,
  }) => {
    const parent = await runningJob(backend);
    const kids = children(backend, 3);
    await backend.jobSpawn(spawnParams(parent, kids));
    const { jobs } = await claim(backend, [CHILD_QUEUE], 2);
    await backend.jobComplete({ jobs: [{ id: jobs[0]!.id, token: jobs[0]!.leaseToken, result: "1" }] });
    // The second child spawns a grandchild and waits.
    const grandchild = newJob(backend.clock, { queue: "grand" });
    await backend.jobSpawn(spawnParams(jobs[1]!, [grandchild]));
    const out = await backend.jobCancel({ ids: [parent.id], reason: "stop" });
    expect(new Set(out.cancelled)).toEqual(new Set([parent.id, jobs[1]!.id, kids[2]!.id, grandchild.id]));
    expect((await getJob(backend, jobs[0]!.id)).state).toBe("completed");
    for (const id of [parent.id, jobs[1]!.id, kids[2]!.id, grandchild.id])
      expect((await getJob(backend, id)).state).toBe("cancelled");
  });

  test("a spawn waiter's own dependents wait for it (its children do not release them)", async ({
    backend,
  }) => {
    const parent = await runningJob(backend);
    const after = newJob(backend.clock, { dependsOn: [parent.id], queue: "after" });
    await backend.jobEnqueue({ jobs: [after] });
    await backend.jobSpawn(spawnParams(parent, children(backend, 1)));
    await completeChildren(backend);
    expect((await getJob(backend, after.id)).state).toBe("waiting");
    const resumed = await claimOne(backend);
    await backend.jobComplete({ jobs: [{ id: resumed.id, token: resumed.leaseToken, result: "1" }] });
    expect((await getJob(backend, after.id)).state).toBe("queued");
  });

  test("children join the parent's workflow (counts and total)", async ({ backend }) => {
    const wfJob = newJob(backend.clock, { meta: { workflow: { id: "x", node: "0" } } });
    const wfId = newJobId();
    await backend.workflowEnqueue({
      workflow: { id: wfId, name: "w", policy: "failFast", spec: "{}" },
      jobs: [wfJob],
    });
    const parent = await claimOne(backend);
    await backend.jobSpawn(spawnParams(parent, children(backend, 2)));
    const rec = await backend.workflowGet({ id: wfId });
    expect(rec).toMatchObject({ state: "running", total: 3 });
    expect(rec!.counts).toMatchObject({ waiting: 1, queued: 2 });
    await completeChildren(backend);
    const resumed = await claimOne(backend);
    await backend.jobComplete({ jobs: [{ id: resumed.id, token: resumed.leaseToken, result: "1" }] });
    expect(await backend.workflowGet({ id: wfId })).toMatchObject({ state: "completed", total: 3 });
  });

  test("a child of a task with limits carries them: its cap holds", async ({ backend }) => {
    const flow: JobFlow = { key: "k", concurrency: { limit: 1, keyed: true }, rateLimit: null };
    const parent = await runningJob(backend);
    const kids = children(backend, 2, { flow });
    await backend.jobSpawn(spawnParams(parent, kids));
    for (const k of kids)
      expect(await getJob(backend, k.id)).toMatchObject({ state: "queued", limitKey: "k" });
    const first = await claim(backend, [CHILD_QUEUE], 10);
    expect(first.jobs).toHaveLength(1);
    expect((await claim(backend, [CHILD_QUEUE], 10)).jobs).toHaveLength(0);
    const done = first.jobs[0]!;
    await backend.jobComplete({ jobs: [{ id: done.id, token: done.leaseToken, result: "1" }] });
    expect((await claim(backend, [CHILD_QUEUE], 10)).jobs).toHaveLength(1);
  });

  test("10,000 children in one call", async ({ backend }) => {
    const parent = await runningJob(backend);
    const out = await backend.jobSpawn(spawnParams(parent, children(backend, 10_000)));
    expect(out.ok).toBe(true);
    expect((await getJob(backend, parent.id)).pendingDependencies).toBe(10_000);
  });
});
