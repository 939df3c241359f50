import { expect } from "vitest";
import type { Backend } from "../../../src/backend/backend.js";
import { defineTopic } from "./define.js";
import {
  claim,
  claimOne,
  enqueueOne,
  errorRecord,
  getJob,
  newJob,
  recordEvents,
  stateOf,
} from "./helpers.js";

/** Parents live in queue "p" and children in "default", so claims pick exactly what a test means. */
async function complete(backend: Backend, queue = "p"): Promise<string> {
  const leased = await claimOne(backend, queue);
  const out = await backend.jobComplete({ jobs: [{ id: leased.id, token: leased.leaseToken, result: "1" }] });
  expect(out.ok).toEqual([leased.id]);
  return leased.id;
}

export const dependenciesTopic = defineTopic("dependencies", (test) => {
  test("a job waits until every parent completed, then becomes queued", async ({ backend }) => {
    const a = await enqueueOne(backend, { queue: "p" });
    const b = await enqueueOne(backend, { queue: "p" });
    const child = await enqueueOne(backend, { dependsOn: [a, b] });
    expect(await getJob(backend, child)).toMatchObject({
      state: "waiting",
      pendingDependencies: 2,
      dependsOn: [a, b],
    });
    expect((await claim(backend)).jobs).toEqual([]);
    await complete(backend);
    expect(await getJob(backend, child)).toMatchObject({ state: "waiting", pendingDependencies: 1 });
    expect((await claim(backend)).jobs).toEqual([]);
    await complete(backend);
    expect(await getJob(backend, child)).toMatchObject({ state: "queued", pendingDependencies: 0 });
    expect((await claimOne(backend)).id).toBe(child);
  });

  test("parents completing concurrently release their child exactly once", async ({ backend }) => {
    const parents = [];
    for (let i = 0; i < 6; i++) parents.push(await enqueueOne(backend, { queue: "p" }));
    const child = await enqueueOne(backend, { dependsOn: parents });
    const { jobs } = await claim(backend, ["p"], 10);
    const recorder = recordEvents(backend);
    await Promise.all(
      jobs.map((j) => backend.jobComplete({ jobs: [{ id: j.id, token: j.leaseToken, result: "1" }] })),
    );
    expect(await getJob(backend, child)).toMatchObject({ state: "queued", pendingDependencies: 0 });
    const first = await claim(backend, ["default"], 10);
    expect(first.jobs.map((j) => j.id)).toEqual([child]);
    expect((await claim(backend, ["default"], 10)).jobs).toEqual([]);
    await recorder.until(
      (events) => events.filter((e) => e.type === "job:completed").length === parents.length,
    );
    const releases = () => recorder.events.filter((e) => e.jobId === child && e.state === "queued");
    await recorder.until(() => releases().length >= 1);
    expect(releases()).toHaveLength(1);
    recorder.stop();
  });

  test("a parent listed twice counts once and its completion releases the child", async ({ backend }) => {
    const parent = await enqueueOne(backend, { queue: "p" });
    const child = await enqueueOne(backend, { dependsOn: [parent, parent] });
    expect(await getJob(backend, child)).toMatchObject({ state: "waiting", pendingDependencies: 1 });
    await complete(backend);
    expect(await getJob(backend, child)).toMatchObject({ state: "queued", pendingDependencies: 0 });
  });

  test("a diamond releases its join only after both branches completed", async ({ backend }) => {
    const top = await enqueueOne(backend, { queue: "p" });
    const left = await enqueueOne(backend, { queue: "p", dependsOn: [top] });
    const right = await enqueueOne(backend, { queue: "p", dependsOn: [top] });
    const join = await enqueueOne(backend, { dependsOn: [left, right] });
    expect(await complete(backend)).toBe(top);
    expect([await stateOf(backend, left), await stateOf(backend, right)]).toEqual(["queued", "queued"]);
    await complete(backend);
    expect(await getJob(backend, join)).toMatchObject({ state: "waiting", pendingDependencies: 1 });
    await complete(backend);
    expect(await stateOf(backend, join)).toBe("queued");
  });

  test("a parent already completed at enqueue does not make the child wait", async ({ backend }) => {
    const parent = await enqueueOne(backend, { queue: "p" });
    await complete(backend);
    const child = await enqueueOne(backend, { dependsOn: [parent] });
    expect(await getJob(backend, child)).toMatchObject({
      state: "queued",
      pendingDependencies: 0,
      dependsOn: [parent],
    });
  });

  test("a dependency on a job earlier in the same batch is honoured", async ({ backend, clock }) => {
    const parent = newJob(clock, { queue: "p" });
    const child = newJob(clock, { dependsOn: [parent.id] });
    const { jobs } = await backend.jobEnqueue({ jobs: [parent, child] });
    expect(jobs.map((j) => j.state)).toEqual(["queued", "waiting"]);
    await complete(backend);
    expect(await stateOf(backend, child.id)).toBe("queued");
  });

  test("a dependency on a job deduplicated by its key waits for the existing job", async ({
    backend,
    clock,
  }) => {
    const existing = await enqueueOne(backend, { queue: "p", key: "shared" });
    const duplicate = newJob(clock, { queue: "p", key: "shared" });
    const child = newJob(clock, { dependsOn: [duplicate.id] });
    const { jobs } = await backend.jobEnqueue({ jobs: [duplicate, child] });
    expect(jobs[0]).toMatchObject({ id: existing, created: false });
    expect(await getJob(backend, child.id)).toMatchObject({ state: "waiting", dependsOn: [existing] });
    await complete(backend);
    expect(await stateOf(backend, child.id)).toBe("queued");
  });

  test("a parent's final failure cancels its descendants transitively", async ({ backend, clock }) => {
    const parent = await enqueueOne(backend, { queue: "p", maxAttempts: 1 });
    const child = await enqueueOne(backend, { queue: "c", dependsOn: [parent] });
    const grandchild = await enqueueOne(backend, { dependsOn: [child] });
    const sibling = await enqueueOne(backend, { queue: "p2" });
    const other = await enqueueOne(backend, { dependsOn: [sibling] });
    const leased = await claimOne(backend, "p");
    await backend.jobFail({
      jobs: [{ id: parent, token: leased.leaseToken, error: errorRecord(1, clock.now()), retryAt: null }],
    });
    expect(await getJob(backend, child)).toMatchObject({ state: "cancelled", finishedAt: clock.now() });
    expect(await stateOf(backend, grandchild)).toBe("cancelled");
    expect(await stateOf(backend, other)).toBe("waiting");
  });

  test("a child enqueued after its parent failed or was cancelled is cancelled at once", async ({
    backend,
    clock,
  }) => {
    const failed = await enqueueOne(backend, { queue: "p" });
    const leased = await claimOne(backend, "p");
    await backend.jobFail({
      jobs: [{ id: failed, token: leased.leaseToken, error: errorRecord(1, clock.now()), retryAt: null }],
    });
    const cancelled = await enqueueOne(backend, { queue: "p" });
    await backend.jobCancel({ ids: [cancelled] });
    const a = newJob(clock, { dependsOn: [failed] });
    const b = newJob(clock, { dependsOn: [cancelled] });
    const { jobs } = await backend.jobEnqueue({ jobs: [a, b] });
    expect(jobs.map((j) => j.state)).toEqual(["cancelled", "cancelled"]);
    expect((await claim(backend)).jobs).toEqual([]);
  });

  test("a released child whose runAt is still ahead becomes scheduled", async ({ backend, clock }) => {
    const parent = await enqueueOne(backend, { queue: "p" });
    const child = await enqueueOne(backend, { dependsOn: [parent], runAt: clock.now() + 60_000 });
    expect(await stateOf(backend, child)).toBe("waiting");
    await complete(backend);
    expect(await getJob(backend, child)).toMatchObject({ state: "scheduled", runAt: clock.now() + 60_000 });
    expect((await claim(backend)).jobs).toEqual([]);
    clock.advance(60_000);
    expect((await claimOne(backend)).id).toBe(child);
  });

  test("a released child whose runAt passed while it waited becomes queued", async ({ backend, clock }) => {
    const parent = await enqueueOne(backend, { queue: "p" });
    const child = await enqueueOne(backend, { dependsOn: [parent], runAt: clock.now() + 1_000 });
    clock.advance(5_000);
    await complete(backend);
    expect(await stateOf(backend, child)).toBe("queued");
  });
});
