import { expect } from "vitest";
import { defineTopic } from "./define.js";
import {
  claim,
  enqueueMany,
  enqueueOne,
  errorRecord,
  freshLease,
  getJob,
  LEASE_MS,
  newJob,
  QUEUE,
  runningJob,
  TASK,
  WORKER,
} from "./helpers.js";

export const claimTopic = defineTopic("claim", (test) => {
  test("a claimed job is running with a lease, a worker and a start time", async ({ backend, clock }) => {
    const id = await enqueueOne(backend);
    const { jobs } = await claim(backend);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject(freshLease(id, clock));
    expect(typeof jobs[0]?.leaseToken).toBe("string");
    expect(jobs[0]?.leaseToken.length).toBeGreaterThan(0);
    expect(await getJob(backend, id)).toMatchObject({
      state: "running",
      leaseExpiresAt: clock.now() + LEASE_MS,
    });
  });

  test("higher priority jobs are claimed first", async ({ backend }) => {
    const low = await enqueueOne(backend, { priority: 0 });
    const high = await enqueueOne(backend, { priority: 10 });
    const mid = await enqueueOne(backend, { priority: 5 });
    const negative = await enqueueOne(backend, { priority: -3 });
    const order: string[] = [];
    for (let i = 0; i < 4; i++) order.push(...(await claim(backend, [QUEUE], 1)).jobs.map((j) => j.id));
    expect(order).toEqual([high, mid, low, negative]);
  });

  test("one claim returns its jobs highest priority first", async ({ backend }) => {
    const low = await enqueueOne(backend, { priority: 1 });
    const high = await enqueueOne(backend, { priority: 9 });
    const mid = await enqueueOne(backend, { priority: 5 });
    const { jobs } = await claim(backend, [QUEUE], 3);
    expect(jobs.map((j) => j.id)).toEqual([high, mid, low]);
  });

  test("jobs of equal priority are claimed oldest first", async ({ backend, clock }) => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(await enqueueOne(backend));
      clock.advance(1);
    }
    ids.push(...(await enqueueMany(backend, 5)));
    const order: string[] = [];
    for (let i = 0; i < 10; i++) order.push(...(await claim(backend, [QUEUE], 1)).jobs.map((j) => j.id));
    expect(order).toEqual(ids);
  });

  test("a claim over several queues takes jobs from each listed queue and no other", async ({ backend }) => {
    const a = await enqueueOne(backend, { queue: "a" });
    const b = await enqueueOne(backend, { queue: "b" });
    const c = await enqueueOne(backend, { queue: "c" });
    const { jobs } = await claim(backend, ["a", "b"], 10);
    expect(jobs.map((j) => j.id).sort()).toEqual([a, b].sort());
    expect((await getJob(backend, c)).state).toBe("queued");
  });

  test("a claim with `tasks` takes only jobs of those tasks; the others stay queued, untouched, and do not block those behind them", async ({
    backend,
  }) => {
    const theirs = await enqueueOne(backend, { task: "other.app", priority: 5 });
    const mine1 = await enqueueOne(backend, { task: "mine.a" });
    const theirs2 = await enqueueOne(backend, { task: "other.app" });
    const mine2 = await enqueueOne(backend, { task: "mine.b" });
    const first = await backend.jobClaim({
      queues: [QUEUE],
      limit: 1,
      tasks: ["mine.a", "mine.b"],
      workerId: WORKER,
      leaseMs: LEASE_MS,
    });
    expect(first.jobs.map((j) => j.id)).toEqual([mine1]);
    const rest = await backend.jobClaim({
      queues: [QUEUE],
      limit: 10,
      tasks: ["mine.a", "mine.b"],
      workerId: WORKER,
      leaseMs: LEASE_MS,
    });
    expect(rest.jobs.map((j) => j.id)).toEqual([mine2]);
    for (const id of [theirs, theirs2])
      expect(await getJob(backend, id)).toMatchObject({ state: "queued", attempt: 0, workerId: null });
    // An empty list claims nothing; no filter claims any task, in claim order.
    const none = await backend.jobClaim({
      queues: [QUEUE],
      limit: 10,
      tasks: [],
      workerId: WORKER,
      leaseMs: LEASE_MS,
    });
    expect(none.jobs).toEqual([]);
    expect((await claim(backend, [QUEUE], 10)).jobs.map((j) => j.id)).toEqual([theirs, theirs2]);
  });

  test("a claim never returns more jobs than its limit", async ({ backend }) => {
    await enqueueMany(backend, 7);
    expect((await claim(backend, [QUEUE], 3)).jobs).toHaveLength(3);
    expect((await claim(backend, [QUEUE], 3)).jobs).toHaveLength(3);
    expect((await claim(backend, [QUEUE], 3)).jobs).toHaveLength(1);
    expect((await claim(backend, [QUEUE], 3)).jobs).toHaveLength(0);
  });

  test("paused queues are skipped until resumed", async ({ backend }) => {
    const paused = await enqueueOne(backend, { queue: "paused" });
    const open = await enqueueOne(backend, { queue: "open" });
    await backend.queuePause({ queue: "paused" });
    const first = await claim(backend, ["paused", "open"]);
    expect(first.jobs.map((j) => j.id)).toEqual([open]);
    expect((await getJob(backend, paused)).state).toBe("queued");
    await backend.queueResume({ queue: "paused" });
    expect((await claim(backend, ["paused", "open"])).jobs.map((j) => j.id)).toEqual([paused]);
  });

  test("a delayed job is not claimable before its runAt and is claimable once due", async ({
    backend,
    clock,
  }) => {
    const id = await enqueueOne(backend, { runAt: clock.now() + 5_000 });
    expect((await claim(backend)).jobs).toEqual([]);
    clock.advance(4_999);
    expect((await claim(backend)).jobs).toEqual([]);
    clock.advance(1);
    expect((await claim(backend)).jobs.map((j) => j.id)).toEqual([id]);
  });

  test("nextRunAt is the earliest scheduled runAt of the claimed, unpaused queues", async ({
    backend,
    clock,
  }) => {
    const t0 = clock.now();
    expect((await claim(backend, ["a", "b"])).nextRunAt).toBeNull();
    await enqueueOne(backend, { queue: "a", runAt: t0 + 9_000 });
    await enqueueOne(backend, { queue: "b", runAt: t0 + 7_000 });
    await enqueueOne(backend, { queue: "c", runAt: t0 + 1_000 });
    await enqueueOne(backend, { queue: "paused", runAt: t0 + 2_000 });
    await backend.queuePause({ queue: "paused" });
    expect((await claim(backend, ["a", "b", "paused"])).nextRunAt).toBe(t0 + 7_000);
    expect((await claim(backend, ["a"])).nextRunAt).toBe(t0 + 9_000);
    clock.advance(7_000);
    const due = await claim(backend, ["a", "b"]);
    expect(due.jobs).toHaveLength(1);
    expect(due.nextRunAt).toBe(t0 + 9_000);
  });

  test("parallel claimers claim each job exactly once", async ({ backend }) => {
    const ids = await enqueueMany(backend, 60);
    const claimer = async (n: number) => {
      const got: string[] = [];
      for (;;) {
        const { jobs } = await backend.jobClaim({
          queues: [QUEUE],
          limit: 4,
          workerId: `w${n}`,
          leaseMs: LEASE_MS,
        });
        if (jobs.length === 0) return got;
        got.push(...jobs.map((j) => j.id));
      }
    };
    const results = await Promise.all(Array.from({ length: 8 }, (_, n) => claimer(n)));
    const all = results.flat();
    expect(all).toHaveLength(ids.length);
    expect(new Set(all)).toEqual(new Set(ids));
  });

  test("each claim issues a fresh lease token that differs from every earlier one", async ({
    backend,
    clock,
  }) => {
    const ids = await enqueueMany(backend, 3);
    const first = await claim(backend, [QUEUE], 2);
    const second = await claim(backend, [QUEUE], 1);
    const firstTokens = new Set(first.jobs.map((j) => j.leaseToken));
    expect(firstTokens.has(second.jobs[0]!.leaseToken)).toBe(false);
    // The same job claimed again (after a retry) must carry a new token.
    const again = first.jobs[0]!;
    await backend.jobFail({
      jobs: [
        {
          id: again.id,
          token: again.leaseToken,
          error: { attempt: 1, name: "Error", message: "x", at: clock.now() },
          retryAt: clock.now(),
        },
      ],
    });
    const reclaimed = await claim(backend, [QUEUE], 1);
    expect(reclaimed.jobs[0]?.id).toBe(again.id);
    expect(reclaimed.jobs[0]?.leaseToken).not.toBe(again.leaseToken);
    expect(ids).toContain(again.id);
  });

  test("the attempt number increments with every claim", async ({ backend, clock }) => {
    const id = await enqueueOne(backend, { maxAttempts: 5 });
    for (let attempt = 1; attempt <= 3; attempt++) {
      const { jobs } = await claim(backend, [QUEUE], 1);
      expect(jobs[0]).toMatchObject({ id, attempt });
      await backend.jobFail({
        jobs: [
          {
            id,
            token: jobs[0]!.leaseToken,
            error: { attempt, name: "Error", message: "x", at: clock.now() },
            retryAt: clock.now(),
          },
        ],
      });
    }
  });

  test("a claim in a queue with nothing ready returns no jobs", async ({ backend, clock }) => {
    await backend.jobEnqueue({ jobs: [newJob(clock, { queue: "elsewhere" })] });
    expect(await claim(backend, ["empty"])).toEqual({ jobs: [], nextRunAt: null });
  });

  test("a delayed job that became due competes by priority with jobs queued earlier", async ({
    backend,
    clock,
  }) => {
    const early = await enqueueOne(backend, { priority: 0 });
    const delayed = await enqueueOne(backend, { priority: 5, runAt: clock.now() + 1_000 });
    clock.advance(1_000);
    const { jobs } = await claim(backend, [QUEUE], 1);
    expect(jobs.map((j) => j.id)).toEqual([delayed]);
    expect((await claim(backend, [QUEUE], 1)).jobs.map((j) => j.id)).toEqual([early]);
  });

  test("a claimed job carries every field the store holds for it, retried, with progress, metadata, a key and a dependency", async ({
    backend,
    clock,
  }) => {
    const parent = await runningJob(backend, { queue: "parents" });
    await backend.jobComplete({ jobs: [{ id: parent.id, token: parent.leaseToken, result: '"p"' }] });
    const id = await enqueueOne(backend, {
      key: "k-1",
      meta: { from: "test", n: 2 },
      dependsOn: [parent.id],
      leaseMs: 12_345,
      timeoutMs: 6_789,
      priority: 3,
      maxAttempts: 4,
      input: '{"big":"input"}',
    });
    const {
      jobs: [first],
    } = await claim(backend, [QUEUE], 1);
    if (!first) throw new Error("nothing claimed");
    expect(first.id).toBe(id);
    await backend.jobProgress({ id, token: first.leaseToken, progress: { percent: 40, message: "m" } });
    await backend.jobFail({
      jobs: [{ id, token: first.leaseToken, error: errorRecord(1, clock.now()), retryAt: clock.now() }],
    });
    clock.advance(10);
    // Both claim forms: every queued job, and only the listed tasks.
    for (const tasks of [undefined, [TASK]]) {
      const { jobs } = await backend.jobClaim({
        queues: [QUEUE],
        limit: 5,
        workerId: WORKER,
        leaseMs: LEASE_MS,
        tasks,
      });
      expect(jobs).toHaveLength(1);
      const { leaseToken, ...claimed } = jobs[0]!;
      expect(typeof leaseToken).toBe("string");
      expect(claimed).toEqual(await getJob(backend, id));
      expect(claimed).toMatchObject({
        state: "running",
        key: "k-1",
        meta: { from: "test", n: 2 },
        dependsOn: [parent.id],
        leaseMs: 12_345,
        timeoutMs: 6_789,
        leaseExpiresAt: clock.now() + 12_345,
        errors: [errorRecord(1, clock.now() - 10)],
      });
      await backend.jobRelease({ leases: [{ id, token: leaseToken }] });
    }
  });
});
