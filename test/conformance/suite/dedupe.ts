/** Dedupe windows (src/backend/dedupe-rule.ts, docs/flow-control.md): throttle, debounce, replace. */
import { expect } from "vitest";
import type { NewJobDedupe } from "../../../src/core/dedupe.js";
import { defineTopic } from "./define.js";
import { allJobs, claimOne, getJob, newJob } from "./helpers.js";

const throttle = (windowMs = 10_000, key = "u1"): NewJobDedupe => ({
  key,
  mode: "throttle",
  windowMs,
  maxWaitMs: null,
});
const debounce = (windowMs = 1_000, maxWaitMs: number | null = null, key = "u1"): NewJobDedupe => ({
  key,
  mode: "debounce",
  windowMs,
  maxWaitMs,
});
const replace = (windowMs: number | null = null, key = "u1"): NewJobDedupe => ({
  key,
  mode: "replace",
  windowMs,
  maxWaitMs: null,
});

export const dedupeTopic = defineTopic("dedupe", (test) => {
  test("throttle: later enqueues within the window return the first job, marked deduplicated", async ({
    backend,
    clock,
  }) => {
    const first = newJob(clock, { dedupe: throttle(), input: '"a"' });
    const r1 = await backend.jobEnqueue({ jobs: [first] });
    expect(r1.jobs[0]).toMatchObject({ id: first.id, created: true });
    expect(r1.jobs[0]!.deduplicated ?? false).toBe(false);
    clock.advance(9_999);
    const r2 = await backend.jobEnqueue({ jobs: [newJob(clock, { dedupe: throttle(), input: '"b"' })] });
    expect(r2.jobs[0]).toEqual({ id: first.id, state: "queued", created: false, deduplicated: true });
    expect((await getJob(backend, first.id)).input).toBe('"a"');
    // Another key, or another task, is not throttled.
    const other = await backend.jobEnqueue({ jobs: [newJob(clock, { dedupe: throttle(10_000, "u2") })] });
    expect(other.jobs[0]!.created).toBe(true);
    const otherTask = await backend.jobEnqueue({
      jobs: [newJob(clock, { task: "t.other", dedupe: throttle() })],
    });
    expect(otherTask.jobs[0]!.created).toBe(true);
    expect(await allJobs(backend)).toHaveLength(3);
  });

  test("throttle: once the window has passed a new job is created, even if the first still waits", async ({
    backend,
    clock,
  }) => {
    const first = newJob(clock, { dedupe: throttle(1_000) });
    await backend.jobEnqueue({ jobs: [first] });
    clock.advance(1_000);
    const second = newJob(clock, { dedupe: throttle(1_000) });
    const r = await backend.jobEnqueue({ jobs: [second] });
    expect(r.jobs[0]).toMatchObject({ id: second.id, created: true });
    clock.advance(500);
    const third = await backend.jobEnqueue({ jobs: [newJob(clock, { dedupe: throttle(1_000) })] });
    expect(third.jobs[0]).toMatchObject({ id: second.id, created: false, deduplicated: true });
  });

  test("throttle: a running or finished job within its window is returned (at most one per window)", async ({
    backend,
    clock,
  }) => {
    const first = newJob(clock, { dedupe: throttle() });
    await backend.jobEnqueue({ jobs: [first] });
    const leased = await claimOne(backend);
    const whileRunning = await backend.jobEnqueue({ jobs: [newJob(clock, { dedupe: throttle() })] });
    expect(whileRunning.jobs[0]).toEqual({
      id: first.id,
      state: "running",
      created: false,
      deduplicated: true,
    });
    await backend.jobComplete({ jobs: [{ id: leased.id, token: leased.leaseToken, result: "1" }] });
    const afterDone = await backend.jobEnqueue({ jobs: [newJob(clock, { dedupe: throttle() })] });
    expect(afterDone.jobs[0]).toMatchObject({ id: first.id, state: "completed", created: false });
    expect(await allJobs(backend)).toHaveLength(1);
  });

  test("debounce: each enqueue pushes the pending job back to now + window and takes the new input", async ({
    backend,
    clock,
  }) => {
    const t0 = clock.now();
    const first = newJob(clock, { dedupe: debounce(1_000), runAt: t0 + 1_000, input: '"a"' });
    const r1 = await backend.jobEnqueue({ jobs: [first] });
    expect(r1.jobs[0]).toMatchObject({ id: first.id, state: "scheduled", created: true });
    clock.advance(600);
    const r2 = await backend.jobEnqueue({
      jobs: [newJob(clock, { dedupe: debounce(1_000), runAt: clock.now() + 1_000, input: '"b"' })],
    });
    expect(r2.jobs[0]).toEqual({ id: first.id, state: "scheduled", created: false, deduplicated: true });
    const job = await getJob(backend, first.id);
    expect(job.input).toBe('"b"');
    expect(job.runAt).toBe(t0 + 1_600);
    // Not claimable at the first run time any more; claimable at the pushed one.
    clock.advance(500);
    expect(
      (await backend.jobClaim({ queues: ["default"], limit: 5, workerId: "w", leaseMs: 30_000 })).jobs,
    ).toEqual([]);
    clock.advance(500);
    expect((await claimOne(backend)).input).toBe('"b"');
    expect(await allJobs(backend)).toHaveLength(1);
  });

  test("debounce: maxWait caps how far the run time moves from the first enqueue", async ({
    backend,
    clock,
  }) => {
    const t0 = clock.now();
    const first = newJob(clock, { dedupe: debounce(1_000, 2_500), runAt: t0 + 1_000 });
    await backend.jobEnqueue({ jobs: [first] });
    for (let i = 0; i < 4; i++) {
      clock.advance(800);
      await backend.jobEnqueue({
        jobs: [newJob(clock, { dedupe: debounce(1_000, 2_500), runAt: clock.now() + 1_000, input: `${i}` })],
      });
    }
    const job = await getJob(backend, first.id);
    expect(job.runAt).toBe(t0 + 2_500);
    expect(job.input).toBe("3");
    // The last enqueue came after the cap (t0 + 3200): the job is due, so queued.
    expect(job.state).toBe("queued");
    expect((await claimOne(backend)).id).toBe(first.id);
  });

  test("debounce: a queued (due, unclaimed) job moves back to scheduled when pushed", async ({
    backend,
    clock,
  }) => {
    const first = newJob(clock, { dedupe: debounce(1_000), runAt: clock.now() + 1_000 });
    await backend.jobEnqueue({ jobs: [first] });
    clock.advance(1_500);
    const r = await backend.jobEnqueue({
      jobs: [newJob(clock, { dedupe: debounce(1_000), runAt: clock.now() + 1_000 })],
    });
    expect(r.jobs[0]).toMatchObject({ id: first.id, state: "scheduled", deduplicated: true });
    expect(
      (await backend.jobClaim({ queues: ["default"], limit: 5, workerId: "w", leaseMs: 30_000 })).jobs,
    ).toEqual([]);
    clock.advance(1_000);
    expect((await claimOne(backend)).id).toBe(first.id);
  });

  test("debounce and replace: once the job runs, the next enqueue creates a new pending job", async ({
    backend,
    clock,
  }) => {
    for (const d of [debounce(1_000, null, "k-deb"), replace(null, "k-rep")]) {
      const first = newJob(clock, { dedupe: d, runAt: clock.now() });
      await backend.jobEnqueue({ jobs: [first] });
      const leased = await claimOne(backend);
      expect(leased.id).toBe(first.id);
      const next = newJob(clock, { dedupe: d, input: '"new"' });
      const r = await backend.jobEnqueue({ jobs: [next] });
      expect(r.jobs[0]).toMatchObject({ id: next.id, created: true });
      expect((await getJob(backend, first.id)).input).toBe(first.input);
      // And the new one is now the key's pending job.
      const again = await backend.jobEnqueue({ jobs: [newJob(clock, { dedupe: d, input: '"newer"' })] });
      expect(again.jobs[0]).toMatchObject({ id: next.id, deduplicated: true });
      expect((await getJob(backend, next.id)).input).toBe('"newer"');
      await backend.jobComplete({ jobs: [{ id: leased.id, token: leased.leaseToken, result: "1" }] });
      clock.advance(2_000);
      await backend.jobCancel({ ids: [next.id] });
    }
  });

  test("replace: the pending job takes the latest input and keeps its run time", async ({
    backend,
    clock,
  }) => {
    const runAt = clock.now() + 5_000;
    const first = newJob(clock, { dedupe: replace(), runAt, input: '"a"', priority: 3 });
    await backend.jobEnqueue({ jobs: [first] });
    clock.advance(1_000);
    const r = await backend.jobEnqueue({
      jobs: [newJob(clock, { dedupe: replace(), runAt: clock.now(), input: '"b"' })],
    });
    expect(r.jobs[0]).toEqual({ id: first.id, state: "scheduled", created: false, deduplicated: true });
    const job = await getJob(backend, first.id);
    expect(job).toMatchObject({ input: '"b"', runAt, priority: 3, state: "scheduled" });
    expect(await allJobs(backend)).toHaveLength(1);
  });

  test("replace with a window: matches only within it", async ({ backend, clock }) => {
    const first = newJob(clock, { dedupe: replace(1_000), runAt: clock.now() + 60_000 });
    await backend.jobEnqueue({ jobs: [first] });
    clock.advance(1_000);
    const second = newJob(clock, { dedupe: replace(1_000) });
    expect((await backend.jobEnqueue({ jobs: [second] })).jobs[0]).toMatchObject({
      id: second.id,
      created: true,
    });
  });

  test("one batch: later jobs of a key match the earlier one, and dependsOn follows the match", async ({
    backend,
    clock,
  }) => {
    const a = newJob(clock, { dedupe: replace(), input: '"1"' });
    const b = newJob(clock, { dedupe: replace(), input: '"2"' });
    const child = newJob(clock, { dependsOn: [b.id], task: "t.child" });
    const r = await backend.jobEnqueue({ jobs: [a, b, child] });
    expect(r.jobs.map((j) => j.id)).toEqual([a.id, a.id, child.id]);
    expect(r.jobs[1]).toMatchObject({ created: false, deduplicated: true });
    expect((await getJob(backend, a.id)).input).toBe('"2"');
    expect((await getJob(backend, child.id)).dependsOn).toEqual([a.id]);
  });

  test("an idempotency key is checked before the dedupe window", async ({ backend, clock }) => {
    const keyed = newJob(clock, { key: "idem" });
    await backend.jobEnqueue({ jobs: [keyed] });
    const r = await backend.jobEnqueue({ jobs: [newJob(clock, { key: "idem", dedupe: throttle() })] });
    expect(r.jobs[0]).toMatchObject({ id: keyed.id, created: false });
    expect(r.jobs[0]!.deduplicated ?? false).toBe(false);
    // That enqueue recorded nothing for the dedupe key: the next one creates a job.
    const next = newJob(clock, { dedupe: throttle() });
    expect((await backend.jobEnqueue({ jobs: [next] })).jobs[0]).toMatchObject({
      id: next.id,
      created: true,
    });
  });

  test("a removed job no longer matches", async ({ backend, clock }) => {
    const first = newJob(clock, { dedupe: throttle() });
    await backend.jobEnqueue({ jobs: [first] });
    await backend.jobRemove({ ids: [first.id] });
    const next = newJob(clock, { dedupe: throttle() });
    expect((await backend.jobEnqueue({ jobs: [next] })).jobs[0]).toMatchObject({
      id: next.id,
      created: true,
    });
  });

  test(
    "concurrent enqueues of one key through two handles: throttle makes exactly one job",
    async ({ backend, clock, peer }) => {
      const other = await peer();
      const racers = Array.from({ length: 12 }, (_, i) =>
        (i % 2 === 0 ? backend : other).jobEnqueue({ jobs: [newJob(clock, { dedupe: throttle() })] }),
      );
      const results = (await Promise.all(racers)).map((r) => r.jobs[0]!);
      expect(new Set(results.map((r) => r.id)).size).toBe(1);
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(results.filter((r) => r.deduplicated)).toHaveLength(11);
      expect(await allJobs(backend)).toHaveLength(1);
    },
    { peer: true },
  );

  test(
    "concurrent enqueues of one key through two handles: replace keeps one pending job",
    async ({ backend, clock, peer }) => {
      const other = await peer();
      const racers = Array.from({ length: 12 }, (_, i) =>
        (i % 2 === 0 ? backend : other).jobEnqueue({
          jobs: [newJob(clock, { dedupe: replace(), input: JSON.stringify(i), runAt: clock.now() + 60_000 })],
        }),
      );
      const results = (await Promise.all(racers)).map((r) => r.jobs[0]!);
      expect(new Set(results.map((r) => r.id)).size).toBe(1);
      const jobs = await allJobs(backend);
      expect(jobs).toHaveLength(1);
      expect(Number(jobs[0]!.input)).toBeGreaterThanOrEqual(0);
    },
    { peer: true },
  );
});
