import { expect } from "vitest";
import type { NewJob } from "../../../src/backend/backend.js";
import { newJobId } from "../../../src/core/ids.js";
import { defineTopic } from "./define.js";
import { allJobs, claimOne, enqueueOne, getJob, newJob } from "./helpers.js";

export const enqueueTopic = defineTopic("enqueue", (test) => {
  test("a single job is stored queued and readable by id", async ({ backend, clock }) => {
    const job = newJob(clock);
    const { jobs } = await backend.jobEnqueue({ jobs: [job] });
    expect(jobs).toEqual([{ id: job.id, state: "queued", created: true }]);
    expect((await getJob(backend, job.id)).state).toBe("queued");
  });

  test("a batch returns one result per job in input order", async ({ backend, clock }) => {
    const batch = Array.from({ length: 25 }, (_, i) => newJob(clock, { priority: i % 3 }));
    const { jobs } = await backend.jobEnqueue({ jobs: batch });
    expect(jobs.map((j) => j.id)).toEqual(batch.map((j) => j.id));
    expect(jobs.every((j) => j.created && j.state === "queued")).toBe(true);
    expect(await allJobs(backend)).toHaveLength(25);
  });

  test("a batch with an unknown dependency throws NotFoundError and writes nothing", async ({
    backend,
    clock,
  }) => {
    const batch = [newJob(clock), newJob(clock), newJob(clock, { dependsOn: [newJobId()] })];
    await expect(backend.jobEnqueue({ jobs: batch })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await allJobs(backend)).toEqual([]);
  });

  test("a dependency on a job later in the same batch is refused and writes nothing", async ({
    backend,
    clock,
  }) => {
    const later = newJob(clock);
    const batch = [newJob(clock, { dependsOn: [later.id] }), later];
    await expect(backend.jobEnqueue({ jobs: batch })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await allJobs(backend)).toEqual([]);
  });

  const invalid: [string, (job: NewJob) => Partial<NewJob>][] = [
    ["an empty task name", () => ({ task: "" })],
    ["an empty queue name", () => ({ queue: "" })],
    ["a fractional priority", () => ({ priority: 1.5 })],
    ["maxAttempts of zero", () => ({ maxAttempts: 0 })],
    ["a non-finite runAt", () => ({ runAt: Number.NaN })],
    ["a job depending on itself", (job) => ({ dependsOn: [job.id] })],
  ];
  for (const [what, change] of invalid) {
    test(`${what} throws InvalidArgumentError and the batch writes nothing`, async ({ backend, clock }) => {
      const bad = newJob(clock);
      Object.assign(bad, change(bad));
      await expect(backend.jobEnqueue({ jobs: [newJob(clock), bad] })).rejects.toMatchObject({
        code: "INVALID_ARGUMENT",
      });
      expect(await allJobs(backend)).toEqual([]);
    });
  }

  test("a duplicate id inside one batch throws InvalidArgumentError and writes nothing", async ({
    backend,
    clock,
  }) => {
    const job = newJob(clock);
    await expect(backend.jobEnqueue({ jobs: [job, { ...job }] })).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
    });
    expect(await allJobs(backend)).toEqual([]);
  });

  test("an id that already exists throws InvalidArgumentError and the batch writes nothing", async ({
    backend,
    clock,
  }) => {
    const id = await enqueueOne(backend);
    const fresh = newJob(clock);
    await expect(backend.jobEnqueue({ jobs: [fresh, newJob(clock, { id })] })).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
    });
    expect((await allJobs(backend)).map((j) => j.id)).toEqual([id]);
  });

  test("an idempotency key returns the existing job with its current state", async ({ backend, clock }) => {
    const id = await enqueueOne(backend, { key: "order-1" });
    await claimOne(backend);
    const again = newJob(clock, { key: "order-1" });
    const { jobs } = await backend.jobEnqueue({ jobs: [again] });
    expect(jobs).toEqual([{ id, state: "running", created: false }]);
    expect(await backend.jobGet({ id: again.id })).toBeNull();
    expect(await allJobs(backend)).toHaveLength(1);
  });

  test("an idempotency key still matches the job after it completed", async ({ backend, clock }) => {
    const id = await enqueueOne(backend, { key: "k" });
    const leased = await claimOne(backend);
    await backend.jobComplete({ jobs: [{ id, token: leased.leaseToken, result: "1" }] });
    const { jobs } = await backend.jobEnqueue({ jobs: [newJob(clock, { key: "k" })] });
    expect(jobs).toEqual([{ id, state: "completed", created: false }]);
  });

  test("two jobs with one key in the same batch make one job", async ({ backend, clock }) => {
    const first = newJob(clock, { key: "same" });
    const second = newJob(clock, { key: "same" });
    const { jobs } = await backend.jobEnqueue({ jobs: [first, second, newJob(clock)] });
    expect(jobs[0]).toEqual({ id: first.id, state: "queued", created: true });
    expect(jobs[1]).toEqual({ id: first.id, state: "queued", created: false });
    expect(jobs[2]?.created).toBe(true);
    expect(await allJobs(backend)).toHaveLength(2);
  });

  test("parallel enqueues racing with one key make exactly one job", async ({ backend, clock }) => {
    const racers = Array.from({ length: 12 }, () =>
      backend.jobEnqueue({ jobs: [newJob(clock, { key: "race" })] }),
    );
    const results = (await Promise.all(racers)).map((r) => r.jobs[0]!);
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(await backend.jobList({ key: "race" })).toMatchObject({ jobs: [{ id: results[0]!.id }] });
  });

  test("idempotency keys are scoped per task", async ({ backend }) => {
    const a = await enqueueOne(backend, { task: "a.task", key: "k" });
    const b = await enqueueOne(backend, { task: "b.task", key: "k" });
    expect(a).not.toBe(b);
    expect(await allJobs(backend)).toHaveLength(2);
  });

  test("a job with runAt in the future is scheduled", async ({ backend, clock }) => {
    const job = newJob(clock, { runAt: clock.now() + 10_000 });
    const { jobs } = await backend.jobEnqueue({ jobs: [job] });
    expect(jobs[0]?.state).toBe("scheduled");
    expect(await getJob(backend, job.id)).toMatchObject({ state: "scheduled", runAt: clock.now() + 10_000 });
  });

  test("a job with runAt now or in the past is queued", async ({ backend, clock }) => {
    const now = newJob(clock, { runAt: clock.now() });
    const past = newJob(clock, { runAt: clock.now() - 60_000 });
    const { jobs } = await backend.jobEnqueue({ jobs: [now, past] });
    expect(jobs.map((j) => j.state)).toEqual(["queued", "queued"]);
  });

  test("every JobRecord field round-trips through the backend", async ({ backend, clock }) => {
    const input = JSON.stringify({
      text: 'ünïcødé ✓ "quotes" \\ \n\t',
      big: 2 ** 53 - 1,
      list: [1, null, true],
    });
    const meta = {
      schedule: "nightly",
      nested: { deep: [1, "two", { three: 3 }] },
      flag: false,
      none: null,
      n: 1.5,
    };
    const job = newJob(clock, {
      task: "pdf.render",
      queue: "pdf",
      input,
      priority: -7,
      runAt: clock.now() + 5_000,
      maxAttempts: 9,
      key: "Key/With:Odd Chars",
      meta,
      leaseMs: 12_345,
      timeoutMs: 67_890,
    });
    const createdAt = clock.now();
    await backend.jobEnqueue({ jobs: [job] });
    expect(await getJob(backend, job.id)).toEqual({
      id: job.id,
      task: "pdf.render",
      queue: "pdf",
      state: "scheduled",
      priority: -7,
      runAt: createdAt + 5_000,
      attempt: 0,
      maxAttempts: 9,
      input,
      result: null,
      errors: [],
      progress: null,
      key: "Key/With:Odd Chars",
      meta,
      dependsOn: [],
      pendingDependencies: 0,
      leaseMs: 12_345,
      timeoutMs: 67_890,
      workerId: null,
      leaseExpiresAt: null,
      createdAt,
      startedAt: null,
      finishedAt: null,
      updatedAt: createdAt,
    });
  });

  test("run-time fields round-trip after claim, failure, retry and completion", async ({
    backend,
    clock,
  }) => {
    const parent = await enqueueOne(backend, { queue: "other" });
    const id = await enqueueOne(backend, { dependsOn: [parent], queue: "other" });
    const p = await claimOne(backend, "other");
    await backend.jobComplete({ jobs: [{ id: parent, token: p.leaseToken, result: "null" }] });
    clock.advance(1_000);
    const first = await claimOne(backend, "other");
    const error = { ...errorWithCode(1, clock.now()) };
    await backend.jobFail({ jobs: [{ id, token: first.leaseToken, error, retryAt: clock.now() }] });
    clock.advance(1_000);
    const second = await claimOne(backend, "other");
    const startedAt = clock.now();
    await backend.jobProgress({ id, token: second.leaseToken, progress: { percent: 50, message: "half" } });
    clock.advance(2_000);
    await backend.jobComplete({ jobs: [{ id, token: second.leaseToken, result: '{"url":"/f.pdf"}' }] });
    const record = await getJob(backend, id);
    expect(record).toMatchObject({
      state: "completed",
      attempt: 2,
      result: '{"url":"/f.pdf"}',
      errors: [error],
      dependsOn: [parent],
      pendingDependencies: 0,
      workerId: second.workerId,
      leaseExpiresAt: null,
      startedAt,
      finishedAt: clock.now(),
      updatedAt: clock.now(),
    });
    expect(record.progress?.message).toBe("half");
  });

  test("a large input round-trips byte for byte", async ({ backend, clock }) => {
    const input = JSON.stringify({ blob: "x€\u0000y".repeat(200_000) });
    const job = newJob(clock, { input });
    await backend.jobEnqueue({ jobs: [job] });
    expect((await getJob(backend, job.id)).input).toBe(input);
  });
});

function errorWithCode(attempt: number, at: number) {
  return {
    attempt,
    name: "TimeoutError",
    code: "TIMEOUT",
    message: "took too long",
    stack: "TimeoutError: x\n  at y",
    at,
  };
}
