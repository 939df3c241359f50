/** Flow control per task and per key (issue 15): caps, rate limits, holds and fairness, enforced inside the claim. */
import { expect } from "vitest";
import type { Backend, JobFlow, NewJob } from "../../../src/backend/backend.js";
import type { Clock } from "../../../src/core/clock.js";
import { InvalidArgumentError } from "../../../src/core/errors/index.js";
import { defineTopic } from "./define.js";
import { LEASE_MS, newJob } from "./helpers.js";

const claimAs = (backend: Backend, workerId: string, limit = 10, queues: string[] = ["q"]) =>
  backend.jobClaim({ queues, limit, workerId, leaseMs: LEASE_MS });

const capFlow = (key: string, limit: number, keyed = true): JobFlow => ({
  key,
  concurrency: { limit, keyed },
  rateLimit: null,
});

/** `count` jobs of task "t" in queue "q" with `flow`, enqueued in one batch; their ids. */
async function flowJobs(
  backend: Backend,
  clock: Clock,
  count: number,
  flow: JobFlow | null,
  overrides: Partial<NewJob> = {},
): Promise<string[]> {
  const jobs = Array.from({ length: count }, () =>
    newJob(clock, { queue: "q", task: "t", flow, ...overrides }),
  );
  await backend.jobEnqueue({ jobs });
  return jobs.map((j) => j.id);
}

const byKey = (jobs: readonly { limitKey?: string }[]) => {
  const out: Record<string, number> = {};
  for (const j of jobs) out[j.limitKey ?? "-"] = (out[j.limitKey ?? "-"] ?? 0) + 1;
  return out;
};

export const flowKeysTopic = defineTopic("flow-keys", (test) => {
  test("a per-key cap bounds running jobs of each key, and a finished job frees its key", async ({
    backend,
    clock,
  }) => {
    await flowJobs(backend, clock, 5, capFlow("a", 2));
    await flowJobs(backend, clock, 5, capFlow("b", 2));
    const first = await claimAs(backend, "w1");
    expect(byKey(first.jobs)).toEqual({ a: 2, b: 2 });
    expect(first.limited).toBe(true);
    const none = await claimAs(backend, "w2");
    expect(none.jobs).toEqual([]);
    expect(none.limited).toBe(true);
    const doneA = first.jobs.find((j) => j.limitKey === "a")!;
    await backend.jobComplete({ jobs: [{ id: doneA.id, token: doneA.leaseToken, result: "1" }] });
    expect(byKey((await claimAs(backend, "w2")).jobs)).toEqual({ a: 1 });
    expect((await backend.jobGet({ id: doneA.id }))?.limitKey).toBe("a");
  });

  test("a task cap without a key counts every job of the task", async ({ backend, clock }) => {
    await flowJobs(backend, clock, 3, capFlow("a", 3, false));
    await flowJobs(backend, clock, 3, capFlow("b", 3, false));
    expect((await claimAs(backend, "w1", 2)).jobs).toHaveLength(2);
    expect((await claimAs(backend, "w2", 10)).jobs).toHaveLength(1);
    expect((await claimAs(backend, "w3", 10)).jobs).toEqual([]);
  });

  test("jobs held by their key's cap do not block other keys, tasks or queues", async ({
    backend,
    clock,
  }) => {
    await flowJobs(backend, clock, 20, capFlow("busy", 1));
    const others = await flowJobs(backend, clock, 3, null, { task: "plain" });
    await flowJobs(backend, clock, 2, null, { queue: "free", task: "plain" });
    const { jobs } = await claimAs(backend, "w1", 10, ["q", "free"]);
    expect(jobs.filter((j) => j.limitKey === "busy")).toHaveLength(1);
    expect(jobs.filter((j) => j.task === "plain")).toHaveLength(5);
    expect(others.every((id) => jobs.some((j) => j.id === id))).toBe(true);
  });

  test("fairness: 3 late jobs of a small key start in the first claim behind 300 of a big key", async ({
    backend,
    clock,
  }) => {
    await flowJobs(backend, clock, 300, capFlow("big", 1000));
    clock.advance(10);
    const small = await flowJobs(backend, clock, 3, capFlow("small", 1000));
    const { jobs } = await claimAs(backend, "w1", 6);
    expect(byKey(jobs)).toEqual({ big: 3, small: 3 });
    expect(small.every((id) => jobs.some((j) => j.id === id))).toBe(true);
  });

  test("inside a key, jobs start in priority then FIFO order", async ({ backend, clock }) => {
    const flow = capFlow("a", 1);
    const low = newJob(clock, { queue: "q", task: "t", flow, priority: 0 });
    clock.advance(1);
    const high = newJob(clock, { queue: "q", task: "t", flow, priority: 5 });
    clock.advance(1);
    const low2 = newJob(clock, { queue: "q", task: "t", flow, priority: 0 });
    await backend.jobEnqueue({ jobs: [low, high, low2] });
    const order: string[] = [];
    for (let i = 0; i < 3; i++) {
      const [job] = (await claimAs(backend, "w1")).jobs;
      order.push(job!.id);
      await backend.jobComplete({ jobs: [{ id: job!.id, token: job!.leaseToken, result: "1" }] });
    }
    expect(order).toEqual([high.id, low.id, low2.id]);
  });

  test("a per-key rate limit allows limit + burst per key, then one every per / limit", async ({
    backend,
    clock,
  }) => {
    const rated = (key: string): JobFlow => ({
      key,
      concurrency: null,
      rateLimit: { limit: 1, perMs: 1000, burst: 1, keyed: true },
    });
    await flowJobs(backend, clock, 5, rated("a"));
    await flowJobs(backend, clock, 5, rated("b"));
    const t0 = clock.now();
    const first = await claimAs(backend, "w1");
    expect(byKey(first.jobs)).toEqual({ a: 2, b: 2 });
    expect(first.nextRunAt).toBe(t0 + 1000);
    clock.advance(999);
    expect((await claimAs(backend, "w1")).jobs).toEqual([]);
    clock.advance(1);
    expect(byKey((await claimAs(backend, "w1")).jobs)).toEqual({ a: 1, b: 1 });
  });

  test("a task rate limit without a key counts every job of the task", async ({ backend, clock }) => {
    const flow = (key: string): JobFlow => ({
      key,
      concurrency: null,
      rateLimit: { limit: 2, perMs: 1000, burst: 0, keyed: false },
    });
    await flowJobs(backend, clock, 3, flow("a"));
    await flowJobs(backend, clock, 3, flow("b"));
    expect((await claimAs(backend, "w1")).jobs).toHaveLength(1);
    clock.advance(500);
    expect((await claimAs(backend, "w1")).jobs).toHaveLength(1);
    expect((await claimAs(backend, "w1")).jobs).toHaveLength(0);
  });

  test("task and key holds stop only their jobs until they end", async ({ backend, clock }) => {
    await flowJobs(backend, clock, 2, capFlow("a", 10));
    await flowJobs(backend, clock, 2, capFlow("b", 10));
    await flowJobs(backend, clock, 2, null, { task: "other" });
    const t0 = clock.now();
    await backend.queueHold({ queue: "q", task: "t", key: "a", until: t0 + 1000 });
    const first = await claimAs(backend, "w1");
    expect(byKey(first.jobs)).toEqual({ b: 2, "-": 2 });
    expect(first.limited).toBe(true);
    expect(first.nextRunAt).toBe(t0 + 1000);
    await flowJobs(backend, clock, 1, null);
    await backend.queueHold({ queue: "q", task: "t", until: t0 + 2000 });
    clock.advance(1000);
    // The task hold also stops jobs of the task without limits.
    expect((await claimAs(backend, "w1")).jobs).toEqual([]);
    clock.advance(1000);
    expect(byKey((await claimAs(backend, "w1")).jobs)).toEqual({ a: 2, "-": 1 });
  });

  test("a hold only extends: a shorter second hold of a queue, task or key does not cut it short", async ({
    backend,
    clock,
  }) => {
    // One job per scope: a queue hold, a task hold, a key hold (each in its own queue).
    await backend.jobEnqueue({
      jobs: [
        newJob(clock, { queue: "qa", task: "pa" }),
        newJob(clock, { queue: "qb", task: "tb" }),
        newJob(clock, { queue: "qc", task: "t", flow: capFlow("a", 10) }),
      ],
    });
    const queues = ["qa", "qb", "qc"];
    const t0 = clock.now();
    // An upstream said "retry after 30s", then another call to it said "5s": still 30s.
    for (const scope of [
      { queue: "qa" },
      { queue: "qb", task: "tb" },
      { queue: "qc", task: "t", key: "a" },
    ]) {
      await backend.queueHold({ ...scope, until: t0 + 30_000 });
      await backend.queueHold({ ...scope, until: t0 + 5_000 });
    }
    const held = await claimAs(backend, "w1", 10, queues);
    expect(held.jobs).toEqual([]);
    expect(held.nextRunAt).toBe(t0 + 30_000);
    clock.advance(5_001);
    expect((await claimAs(backend, "w1", 10, queues)).jobs).toEqual([]);
    // A longer second hold moves the end on.
    await backend.queueHold({ queue: "qb", task: "tb", until: t0 + 40_000 });
    clock.advance(30_000 - 5_001);
    expect((await claimAs(backend, "w1", 10, queues)).jobs.map((j) => j.queue).sort()).toEqual(["qa", "qc"]);
    clock.advance(10_000);
    expect((await claimAs(backend, "w1", 10, queues)).jobs.map((j) => j.queue)).toEqual(["qb"]);
  });

  test("bad flow is refused with InvalidArgumentError and writes nothing", async ({ backend, clock }) => {
    for (const flow of [capFlow("a", 0), capFlow("a", 1.5), capFlow("a", -1)]) {
      const jobs = [newJob(clock, { queue: "q" }), newJob(clock, { queue: "q", flow })];
      await expect(backend.jobEnqueue({ jobs })).rejects.toBeInstanceOf(InvalidArgumentError);
    }
    expect((await backend.jobList({})).jobs).toEqual([]);
  });

  test(
    "a per-key cap holds for concurrent claims from two processes",
    async ({ backend, clock, peer }) => {
      const other = await peer();
      await flowJobs(backend, clock, 20, capFlow("a", 3));
      await flowJobs(backend, clock, 20, capFlow("b", 2));
      const claims = await Promise.all(
        Array.from({ length: 10 }, (_, i) => claimAs(i % 2 === 0 ? backend : other, `w${i}`, 2)),
      );
      expect(byKey(claims.flatMap((c) => c.jobs))).toEqual({ a: 3, b: 2 });
    },
    { peer: true },
  );
});
