import { expect } from "vitest";
import { defineTopic } from "./define.js";
import { claimOne, enqueueOne, errorRecord, getJob, runningJob } from "./helpers.js";

export const retryTopic = defineTopic("retry", (test) => {
  test("a failed job is retried: queued again with its attempt count starting over", async ({
    backend,
    clock,
  }) => {
    const job = await runningJob(backend, { maxAttempts: 1 });
    const error = errorRecord(1, clock.now());
    await backend.jobFail({ jobs: [{ id: job.id, token: job.leaseToken, error, retryAt: null }] });
    clock.advance(1_000);
    expect(await backend.jobRetry({ ids: [job.id] })).toEqual({ ok: [job.id], refused: [] });
    expect(await getJob(backend, job.id)).toMatchObject({
      state: "queued",
      attempt: 0,
      finishedAt: null,
      errors: [error],
    });
    const again = await claimOne(backend);
    expect(again).toMatchObject({ id: job.id, attempt: 1 });
  });

  test("a cancelled job is retried and becomes claimable", async ({ backend }) => {
    const id = await enqueueOne(backend);
    await backend.jobCancel({ ids: [id] });
    expect(await backend.jobRetry({ ids: [id] })).toEqual({ ok: [id], refused: [] });
    expect((await claimOne(backend)).id).toBe(id);
  });

  test("a retry is refused for jobs that are not failed or cancelled", async ({ backend, clock }) => {
    const queued = await enqueueOne(backend, { queue: "q" });
    const scheduled = await enqueueOne(backend, { queue: "s", runAt: clock.now() + 60_000 });
    const waiting = await enqueueOne(backend, { queue: "w", dependsOn: [queued] });
    const running = await runningJob(backend, { queue: "r" });
    const completed = await runningJob(backend, { queue: "c" });
    await backend.jobComplete({ jobs: [{ id: completed.id, token: completed.leaseToken, result: "1" }] });
    const unknown = "01970000-0000-7000-8000-0000000000ff";
    const ids = [queued, scheduled, waiting, running.id, completed.id, unknown];
    const out = await backend.jobRetry({ ids });
    expect(out.ok).toEqual([]);
    expect(out.refused.sort()).toEqual([...ids].sort());
    const states = (await backend.jobGetMany({ ids })).map((j) => [j.id, j.state] as const);
    expect(new Map(states)).toEqual(
      new Map([
        [queued, "queued"],
        [scheduled, "scheduled"],
        [waiting, "waiting"],
        [running.id, "running"],
        [completed.id, "completed"],
      ]),
    );
    expect(await getJob(backend, running.id)).toMatchObject({ attempt: 1 });
  });
});
