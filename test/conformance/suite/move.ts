/**
 * Move (seam/move.ts): taking a batch out of circulation, importing full records by id, and
 * deleting what moved. Each test moves jobs out of the store and back into the same store (the
 * cross-backend runs are test/move/), which exercises both halves on every backend.
 */
import { expect } from "vitest";
import type { Backend } from "../../../src/backend/backend.js";
import { MOVE_WORKER_PREFIX } from "../../../src/backend/backend.js";
import { InvalidArgumentError } from "../../../src/core/errors/index.js";
import { newJobId } from "../../../src/core/ids.js";
import { defineTopic } from "./define.js";
import {
  claim,
  claimOne,
  enqueueOne,
  getJob,
  LEASE_MS,
  newJob,
  QUEUE,
  runningJob,
  WORKER,
} from "./helpers.js";

const MOVER = `${MOVE_WORKER_PREFIX}conformance`;
const TOKEN = "move-token-1";

async function take(backend: Backend, ids: string[]) {
  return backend.jobMoveTake({ ids, workerId: MOVER, token: TOKEN });
}

/** Takes, deletes and re-imports `ids`: the round trip a move makes, on one store. */
async function roundTrip(backend: Backend, ids: string[], order: "as-is" | "reversed" = "as-is") {
  const out = await take(backend, ids);
  expect(out.blocked).toEqual([]);
  expect(out.needs).toEqual([]);
  const del = await backend.jobMoveDelete({ ids, token: TOKEN, workflows: [] });
  expect(del.removed.sort()).toEqual([...ids].sort());
  const jobs = order === "reversed" ? [...out.taken].reverse() : out.taken;
  return { taken: out.taken, imported: await backend.jobImport({ jobs, workflows: [] }) };
}

export const moveTopic = defineTopic("move", (test) => {
  test("a taken job is never claimed and never rescued", async ({ backend, clock }) => {
    const queued = await enqueueOne(backend);
    const scheduled = await enqueueOne(backend, { runAt: clock.now() + 1_000 });
    const out = await take(backend, [queued, scheduled]);
    expect(out.taken.map((j) => [j.id, j.state])).toEqual([
      [queued, "queued"],
      [scheduled, "scheduled"],
    ]);
    clock.advance(400 * 24 * 3600_000);
    expect((await claim(backend)).jobs).toEqual([]);
    expect(await backend.leaseRescue({ limit: 100 })).toEqual({ requeued: [], failed: [] });
    const held = await getJob(backend, queued);
    expect(held.state).toBe("running");
    expect(held.workerId).toBe(MOVER);
    expect(held.attempt).toBe(0);
  });

  test("a take is all or nothing: a running job blocks the batch", async ({ backend }) => {
    const running = await runningJob(backend);
    const queued = await enqueueOne(backend);
    const out = await take(backend, [queued, running.id]);
    expect(out).toEqual({ taken: [], blocked: [running.id], needs: [] });
    expect((await getJob(backend, queued)).state).toBe("queued");
    expect((await claim(backend)).jobs.map((j) => j.id)).toEqual([queued]);
  });

  test("a take names the unfinished parents and children its batch leaves out", async ({ backend }) => {
    const parent = await enqueueOne(backend);
    const child = await enqueueOne(backend, { dependsOn: [parent] });
    expect(await take(backend, [child])).toEqual({
      taken: [],
      blocked: [],
      needs: [{ id: parent, of: child }],
    });
    expect(await take(backend, [parent])).toEqual({
      taken: [],
      blocked: [],
      needs: [{ id: child, of: parent }],
    });
    expect((await take(backend, [parent, child])).taken.map((j) => j.id)).toEqual([parent, child]);
  });

  test("import keeps ids and fields, and a second import of the same ids changes nothing", async ({
    backend,
    clock,
  }) => {
    const job = newJob(clock, {
      key: "k1",
      priority: 7,
      maxAttempts: 5,
      meta: { trace: "abc" },
      runAt: clock.now() + 60_000,
      leaseMs: 9_000,
      timeoutMs: 4_000,
      queue: "moved",
    });
    await backend.jobEnqueue({ jobs: [job] });
    const before = await getJob(backend, job.id);
    const { imported } = await roundTrip(backend, [job.id]);
    expect(imported).toEqual({ inserted: [job.id], existing: [], conflicts: [] });
    const after = await getJob(backend, job.id);
    expect({ ...after, updatedAt: 0 }).toEqual({ ...before, updatedAt: 0 });
    const again = await backend.jobImport({ jobs: [before], workflows: [] });
    expect(again).toEqual({ inserted: [], existing: [job.id], conflicts: [] });
    // The key still deduplicates in the store it moved into.
    const dup = await backend.jobEnqueue({ jobs: [newJob(clock, { key: "k1", queue: "moved" })] });
    expect(dup.jobs[0]).toMatchObject({ id: job.id, created: false });
  });

  test("an imported child waits for its imported parent and is released when it completes", async ({
    backend,
  }) => {
    const parent = await enqueueOne(backend);
    const child = await enqueueOne(backend, { dependsOn: [parent] });
    const { imported } = await roundTrip(backend, [parent, child], "reversed");
    expect(imported.inserted.sort()).toEqual([parent, child].sort());
    expect((await getJob(backend, child)).state).toBe("waiting");
    const leased = await claimOne(backend);
    expect(leased.id).toBe(parent);
    await backend.jobComplete({ jobs: [{ id: parent, token: leased.leaseToken, result: "1" }] });
    const released = await getJob(backend, child);
    expect(released.state).toBe("queued");
    expect((await claim(backend)).jobs.map((j) => j.id)).toEqual([child]);
  });

  test("a job taken by an interrupted mover imports as the state it had", async ({ backend, clock }) => {
    const queued = await enqueueOne(backend);
    const scheduled = await enqueueOne(backend, { runAt: clock.now() + 60_000 });
    await take(backend, [queued, scheduled]);
    // A rerun reads the held jobs back from the store: their stored state is the mover's `running`.
    const held = await backend.jobGetMany({ ids: [queued, scheduled] });
    expect(held.every((j) => j.state === "running")).toBe(true);
    await backend.jobMoveDelete({ ids: [queued, scheduled], token: TOKEN, workflows: [] });
    await backend.jobImport({ jobs: held, workflows: [] });
    expect((await getJob(backend, queued)).state).toBe("queued");
    expect((await getJob(backend, scheduled)).state).toBe("scheduled");
    expect((await getJob(backend, queued)).workerId).toBeNull();
  });

  test("an import whose idempotency key another job holds is a conflict and writes nothing", async ({
    backend,
    clock,
  }) => {
    const first = await enqueueOne(backend, { key: "same" });
    const record = { ...(await getJob(backend, first)), id: newJobId() };
    const out = await backend.jobImport({ jobs: [record], workflows: [] });
    expect(out).toEqual({ inserted: [], existing: [], conflicts: [record.id] });
    expect(await backend.jobGet({ id: record.id })).toBeNull();
    expect(clock.now()).toBeGreaterThan(0);
  });

  test("delete removes held and finished jobs and skips the others", async ({ backend }) => {
    const held = await enqueueOne(backend);
    const waitingForWorker = await enqueueOne(backend, { queue: "other" });
    await take(backend, [held]);
    const done = await runningJob(backend);
    await backend.jobComplete({ jobs: [{ id: done.id, token: done.leaseToken, result: "1" }] });
    const running = await runningJob(backend);
    const wrong = await backend.jobMoveDelete({ ids: [held], token: "another-token", workflows: [] });
    expect(wrong).toEqual({ removed: [], skipped: [held] });
    const out = await backend.jobMoveDelete({
      ids: [held, done.id, waitingForWorker, running.id],
      token: TOKEN,
      workflows: [],
    });
    expect(out.removed.sort()).toEqual([held, done.id].sort());
    expect(out.skipped.sort()).toEqual([waitingForWorker, running.id].sort());
    expect(await backend.jobGet({ id: held })).toBeNull();
    expect((await getJob(backend, running.id)).state).toBe("running");
    expect((await backend.queueList()).find((q) => q.name === QUEUE)?.counts.completed ?? 0).toBe(0);
  });

  test("a workflow moves with its record, and its counts follow its jobs", async ({ backend, clock }) => {
    const wf = newJobId();
    const a = newJob(clock, { meta: { workflow: { id: wf, node: "0" } } });
    const b = newJob(clock, { meta: { workflow: { id: wf, node: "1" } }, dependsOn: [a.id] });
    await backend.workflowEnqueue({
      workflow: { id: wf, name: "pair", policy: "failFast", spec: '{"v":1}' },
      jobs: [a, b],
    });
    const record = (await backend.workflowGet({ id: wf }))!;
    const out = await take(backend, [a.id, b.id]);
    await backend.jobMoveDelete({ ids: [a.id, b.id], token: TOKEN, workflows: [wf] });
    expect(await backend.workflowGet({ id: wf })).toBeNull();
    await backend.jobImport({ jobs: out.taken, workflows: [record] });
    const moved = (await backend.workflowGet({ id: wf }))!;
    expect(moved).toMatchObject({ id: wf, name: "pair", policy: "failFast", state: "running", total: 2 });
    expect(moved.counts).toMatchObject({ queued: 1, waiting: 1 });
    const leased = await claimOne(backend);
    await backend.jobComplete({ jobs: [{ id: leased.id, token: leased.leaseToken, result: "2" }] });
    expect((await backend.workflowGet({ id: wf }))!.counts).toMatchObject({ completed: 1, queued: 1 });
  });

  test("scheduleImport keeps every field and never overwrites an existing schedule", async ({
    backend,
    clock,
  }) => {
    const now = clock.now();
    const schedule = {
      name: "nightly",
      spec: '{"v":1}',
      triggerKey: "cron 0 3 * * *",
      anchorAt: now - 1_000,
      nextFireAt: now + 60_000,
      lastFireAt: now - 500,
      lastJobId: newJobId(),
      runs: 12,
      paused: true,
      createdAt: now - 9_000,
      updatedAt: now - 100,
    };
    expect(await backend.scheduleImport({ schedule })).toEqual({ created: true });
    expect(await backend.scheduleGet({ name: "nightly" })).toEqual(schedule);
    expect(await backend.scheduleImport({ schedule: { ...schedule, runs: 1, paused: false } })).toEqual({
      created: false,
    });
    expect((await backend.scheduleGet({ name: "nightly" }))!.runs).toBe(12);
  });

  test("bad move arguments are typed errors and write nothing", async ({ backend }) => {
    const id = await enqueueOne(backend);
    await expect(backend.jobMoveTake({ ids: [id], workerId: WORKER, token: TOKEN })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    const running = await claimOne(backend, QUEUE, LEASE_MS);
    await expect(
      backend.jobImport({ jobs: [{ ...running, id: newJobId() }], workflows: [] }),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
    expect((await getJob(backend, id)).state).toBe("running");
  });
});
