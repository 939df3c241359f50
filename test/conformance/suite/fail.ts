import { expect } from "vitest";
import { newLeaseToken } from "../../../src/core/ids.js";
import { defineTopic } from "./define.js";
import { claim, claimOne, enqueueOne, errorRecord, getJob, runningJob, stateOf } from "./helpers.js";

export const failTopic = defineTopic("fail", (test) => {
  test("a failure with a future retryAt schedules the next attempt at that time", async ({
    backend,
    clock,
  }) => {
    const job = await runningJob(backend, { maxAttempts: 3 });
    const error = errorRecord(1, clock.now());
    const out = await backend.jobFail({
      jobs: [{ id: job.id, token: job.leaseToken, error, retryAt: clock.now() + 8_000 }],
    });
    expect(out).toEqual({ retried: [job.id], failed: [], refused: [] });
    expect(await getJob(backend, job.id)).toMatchObject({
      state: "scheduled",
      runAt: clock.now() + 8_000,
      attempt: 1,
      errors: [error],
      leaseExpiresAt: null,
      finishedAt: null,
    });
    clock.advance(7_999);
    expect((await claim(backend)).jobs).toEqual([]);
    clock.advance(1);
    expect((await claim(backend)).jobs).toMatchObject([{ id: job.id, attempt: 2 }]);
  });

  test("a failure with retryAt now or earlier requeues the job at once", async ({ backend, clock }) => {
    const job = await runningJob(backend);
    const out = await backend.jobFail({
      jobs: [
        {
          id: job.id,
          token: job.leaseToken,
          error: errorRecord(1, clock.now()),
          retryAt: clock.now() - 1_000,
        },
      ],
    });
    expect(out.retried).toEqual([job.id]);
    expect(await stateOf(backend, job.id)).toBe("queued");
    expect((await claim(backend)).jobs.map((j) => j.id)).toEqual([job.id]);
  });

  test("the error history keeps every attempt's error in order with its attempt number", async ({
    backend,
    clock,
  }) => {
    const id = await enqueueOne(backend, { maxAttempts: 3 });
    const errors = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      const leased = await claimOne(backend);
      const error = errorRecord(attempt, clock.now(), `failure number ${attempt}`);
      errors.push(error);
      await backend.jobFail({
        jobs: [{ id, token: leased.leaseToken, error, retryAt: clock.now() + 1_000 }],
      });
      clock.advance(1_000);
    }
    const record = await getJob(backend, id);
    expect(record.errors).toEqual(errors);
    expect(record.errors.map((e) => e.attempt)).toEqual([1, 2, 3]);
  });

  test("the failure on the last attempt ends the job failed even with a retryAt", async ({
    backend,
    clock,
  }) => {
    const id = await enqueueOne(backend, { maxAttempts: 2 });
    let leased = await claimOne(backend);
    await backend.jobFail({
      jobs: [{ id, token: leased.leaseToken, error: errorRecord(1, clock.now()), retryAt: clock.now() }],
    });
    leased = await claimOne(backend);
    clock.advance(10);
    const out = await backend.jobFail({
      jobs: [
        { id, token: leased.leaseToken, error: errorRecord(2, clock.now()), retryAt: clock.now() + 1_000 },
      ],
    });
    expect(out).toEqual({ retried: [], failed: [id], refused: [] });
    expect(await getJob(backend, id)).toMatchObject({
      state: "failed",
      attempt: 2,
      finishedAt: clock.now(),
      leaseExpiresAt: null,
    });
    clock.advance(5_000);
    expect((await claim(backend)).jobs).toEqual([]);
  });

  test("a failure with retryAt null ends the job failed although attempts remain", async ({
    backend,
    clock,
  }) => {
    const job = await runningJob(backend, { maxAttempts: 10 });
    const error = { ...errorRecord(1, clock.now()), name: "NonRetriableError", code: "NON_RETRIABLE" };
    const out = await backend.jobFail({
      jobs: [{ id: job.id, token: job.leaseToken, error, retryAt: null }],
    });
    expect(out.failed).toEqual([job.id]);
    expect(await getJob(backend, job.id)).toMatchObject({ state: "failed", attempt: 1, errors: [error] });
  });

  test("a failure with a wrong lease token is refused and leaves the job untouched", async ({
    backend,
    clock,
  }) => {
    const job = await runningJob(backend);
    const before = await getJob(backend, job.id);
    const out = await backend.jobFail({
      jobs: [{ id: job.id, token: newLeaseToken(), error: errorRecord(1, clock.now()), retryAt: null }],
    });
    expect(out).toEqual({ retried: [], failed: [], refused: [job.id] });
    expect(await getJob(backend, job.id)).toEqual(before);
  });

  test("failing a job that is not running is refused", async ({ backend, clock }) => {
    const id = await enqueueOne(backend);
    const out = await backend.jobFail({
      jobs: [{ id, token: newLeaseToken(), error: errorRecord(1, clock.now()), retryAt: null }],
    });
    expect(out.refused).toEqual([id]);
    expect(await getJob(backend, id)).toMatchObject({ state: "queued", errors: [] });
  });

  test("a final failure cancels its dependents in cascade", async ({ backend, clock }) => {
    const parent = await enqueueOne(backend, { queue: "p" });
    const child = await enqueueOne(backend, { dependsOn: [parent] });
    const grandchild = await enqueueOne(backend, { dependsOn: [child] });
    const leased = await claimOne(backend, "p");
    await backend.jobFail({
      jobs: [{ id: parent, token: leased.leaseToken, error: errorRecord(1, clock.now()), retryAt: null }],
    });
    expect(await stateOf(backend, child)).toBe("cancelled");
    expect(await stateOf(backend, grandchild)).toBe("cancelled");
  });

  test("a failure that will be retried leaves dependents waiting", async ({ backend, clock }) => {
    const parent = await enqueueOne(backend, { queue: "p" });
    const child = await enqueueOne(backend, { dependsOn: [parent] });
    const leased = await claimOne(backend, "p");
    await backend.jobFail({
      jobs: [
        { id: parent, token: leased.leaseToken, error: errorRecord(1, clock.now()), retryAt: clock.now() },
      ],
    });
    expect(await stateOf(backend, child)).toBe("waiting");
  });

  test("one call retries, fails and refuses different jobs", async ({ backend, clock }) => {
    await enqueueOne(backend, { maxAttempts: 3 });
    await enqueueOne(backend, { maxAttempts: 1 });
    await enqueueOne(backend);
    const { jobs } = await claim(backend);
    const [a, b, c] = jobs as [(typeof jobs)[0], (typeof jobs)[0], (typeof jobs)[0]];
    const out = await backend.jobFail({
      jobs: [
        { id: a.id, token: a.leaseToken, error: errorRecord(1, clock.now()), retryAt: clock.now() + 100 },
        { id: b.id, token: b.leaseToken, error: errorRecord(1, clock.now()), retryAt: clock.now() + 100 },
        { id: c.id, token: newLeaseToken(), error: errorRecord(1, clock.now()), retryAt: null },
      ],
    });
    expect(out).toEqual({ retried: [a.id], failed: [b.id], refused: [c.id] });
  });
});
