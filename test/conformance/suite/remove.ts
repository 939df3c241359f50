import { expect } from "vitest";
import { defineTopic } from "./define.js";
import { claim, enqueueOne, errorRecord, getJob, newJob, runningJob } from "./helpers.js";

export const removeTopic = defineTopic("remove", (test) => {
  test("jobs in any state but running are removed and no longer readable", async ({ backend, clock }) => {
    const queued = await enqueueOne(backend, { queue: "q" });
    const scheduled = await enqueueOne(backend, { queue: "s", runAt: clock.now() + 60_000 });
    const waiting = await enqueueOne(backend, { queue: "w", dependsOn: [queued] });
    const done = await runningJob(backend, { queue: "c" });
    await backend.jobComplete({ jobs: [{ id: done.id, token: done.leaseToken, result: "1" }] });
    const dead = await runningJob(backend, { queue: "f" });
    await backend.jobFail({
      jobs: [{ id: dead.id, token: dead.leaseToken, error: errorRecord(1, clock.now()), retryAt: null }],
    });
    const ids = [waiting, queued, scheduled, done.id, dead.id];
    const out = await backend.jobRemove({ ids });
    expect(out.removed.sort()).toEqual([...ids].sort());
    expect(out.skipped).toEqual([]);
    expect(await backend.jobGetMany({ ids })).toEqual([]);
    for (const id of ids) expect(await backend.jobGet({ id })).toBeNull();
  });

  test("a running job is skipped and keeps running", async ({ backend }) => {
    const job = await runningJob(backend);
    expect(await backend.jobRemove({ ids: [job.id] })).toEqual({ removed: [], skipped: [job.id] });
    expect((await getJob(backend, job.id)).state).toBe("running");
  });

  test("an unknown id is skipped", async ({ backend }) => {
    const id = "01970000-0000-7000-8000-000000000042";
    expect(await backend.jobRemove({ ids: [id] })).toEqual({ removed: [], skipped: [id] });
  });

  test("a removed queued job is never claimed", async ({ backend }) => {
    const id = await enqueueOne(backend);
    await backend.jobRemove({ ids: [id] });
    expect((await claim(backend)).jobs).toEqual([]);
  });

  test("removing a job frees its idempotency key", async ({ backend, clock }) => {
    const id = await enqueueOne(backend, { key: "k" });
    await backend.jobRemove({ ids: [id] });
    const next = newJob(clock, { key: "k" });
    expect((await backend.jobEnqueue({ jobs: [next] })).jobs).toEqual([
      { id: next.id, state: "queued", created: true },
    ]);
  });
});
