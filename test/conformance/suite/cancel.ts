import { expect } from "vitest";
import type { JobState } from "../../../src/core/types.js";
import { defineTopic } from "./define.js";
import {
  claim,
  claimOne,
  enqueueOne,
  errorRecord,
  getJob,
  LEASE_MS,
  runningJob,
  stateOf,
} from "./helpers.js";

export const cancelTopic = defineTopic("cancel", (test) => {
  test("a queued job is cancelled and never claimed", async ({ backend, clock }) => {
    const id = await enqueueOne(backend);
    clock.advance(10);
    expect(await backend.jobCancel({ ids: [id], reason: "not needed" })).toEqual({
      cancelled: [id],
      skipped: [],
    });
    expect(await getJob(backend, id)).toMatchObject({ state: "cancelled", finishedAt: clock.now() });
    expect((await claim(backend)).jobs).toEqual([]);
  });

  test("a scheduled job is cancelled and not claimable after its runAt", async ({ backend, clock }) => {
    const id = await enqueueOne(backend, { runAt: clock.now() + 1_000 });
    expect((await backend.jobCancel({ ids: [id] })).cancelled).toEqual([id]);
    clock.advance(2_000);
    expect(await claim(backend)).toEqual({ jobs: [], nextRunAt: null });
    expect(await stateOf(backend, id)).toBe("cancelled");
  });

  test("a waiting job is cancelled and stays cancelled when its parent completes", async ({ backend }) => {
    const parent = await enqueueOne(backend, { queue: "p" });
    const child = await enqueueOne(backend, { dependsOn: [parent] });
    expect((await backend.jobCancel({ ids: [child] })).cancelled).toEqual([child]);
    const leased = await claimOne(backend, "p");
    await backend.jobComplete({ jobs: [{ id: parent, token: leased.leaseToken, result: "1" }] });
    expect(await stateOf(backend, child)).toBe("cancelled");
    expect((await claim(backend)).jobs).toEqual([]);
  });

  test("cancelling a running job refuses its holder's completion, renewal and failure", async ({
    backend,
    clock,
  }) => {
    const job = await runningJob(backend);
    expect((await backend.jobCancel({ ids: [job.id] })).cancelled).toEqual([job.id]);
    const ref = { id: job.id, token: job.leaseToken };
    expect(await backend.jobComplete({ jobs: [{ ...ref, result: "1" }] })).toEqual({
      ok: [],
      refused: [job.id],
    });
    expect(await backend.leaseRenew({ leases: [ref], leaseMs: LEASE_MS })).toEqual({
      renewed: [],
      lost: [job.id],
    });
    expect(
      (await backend.jobFail({ jobs: [{ ...ref, error: errorRecord(1, clock.now()), retryAt: null }] }))
        .refused,
    ).toEqual([job.id]);
    expect(await getJob(backend, job.id)).toMatchObject({ state: "cancelled", result: null, errors: [] });
  });

  test("a cancelled running job is not rescued when its lease would have expired", async ({
    backend,
    clock,
  }) => {
    const job = await runningJob(backend);
    await backend.jobCancel({ ids: [job.id] });
    clock.advance(LEASE_MS * 2);
    expect(await backend.leaseRescue({ limit: 100 })).toEqual({ requeued: [], failed: [] });
    expect(await stateOf(backend, job.id)).toBe("cancelled");
  });

  test("jobs already in a final state are skipped and keep their state", async ({ backend, clock }) => {
    const done = await runningJob(backend, { queue: "a" });
    await backend.jobComplete({ jobs: [{ id: done.id, token: done.leaseToken, result: "1" }] });
    const dead = await runningJob(backend, { queue: "b" });
    await backend.jobFail({
      jobs: [{ id: dead.id, token: dead.leaseToken, error: errorRecord(1, clock.now()), retryAt: null }],
    });
    const gone = await enqueueOne(backend, { queue: "c" });
    await backend.jobCancel({ ids: [gone] });
    const out = await backend.jobCancel({
      ids: [done.id, dead.id, gone, "01970000-0000-7000-8000-00000000abcd"],
    });
    expect(out.cancelled).toEqual([]);
    expect(out.skipped.sort()).toEqual(
      [done.id, dead.id, gone, "01970000-0000-7000-8000-00000000abcd"].sort(),
    );
    const states: (JobState | null)[] = [await stateOf(backend, done.id), await stateOf(backend, dead.id)];
    expect(states).toEqual(["completed", "failed"]);
  });

  test("cancelling a job cancels its dependents transitively and reports them", async ({ backend }) => {
    const root = await enqueueOne(backend, { queue: "p" });
    const child = await enqueueOne(backend, { dependsOn: [root] });
    const grandchild = await enqueueOne(backend, { dependsOn: [child] });
    const unrelated = await enqueueOne(backend);
    const out = await backend.jobCancel({ ids: [root] });
    expect(out.cancelled.sort()).toEqual([root, child, grandchild].sort());
    expect(await stateOf(backend, grandchild)).toBe("cancelled");
    expect(await stateOf(backend, unrelated)).toBe("queued");
  });
});
