/**
 * Jobs waiting on a limit (issue 15, `queueList().waitingOnLimit` / `limitWaits`): counted as the
 * next claims would see them, on every backend.
 */
import { expect } from "vitest";
import type { Backend, JobFlow, NewJob, QueueInfo } from "../../../src/backend/backend.js";
import type { Clock } from "../../../src/core/clock.js";
import { defineTopic } from "./define.js";
import { LEASE_MS, newJob } from "./helpers.js";

const claimAs = (backend: Backend, workerId: string, limit = 10, queues: string[] = ["q"]) =>
  backend.jobClaim({ queues, limit, workerId, leaseMs: LEASE_MS });

const capFlow = (key: string, limit: number, keyed = true): JobFlow => ({
  key,
  concurrency: { limit, keyed },
  rateLimit: null,
});

async function jobs(
  backend: Backend,
  clock: Clock,
  count: number,
  flow: JobFlow | null,
  overrides: Partial<NewJob> = {},
): Promise<void> {
  const list = Array.from({ length: count }, () =>
    newJob(clock, { queue: "q", task: "t", flow, ...overrides }),
  );
  await backend.jobEnqueue({ jobs: list });
}

async function queue(backend: Backend, name = "q"): Promise<QueueInfo> {
  const q = (await backend.queueList()).find((x) => x.name === name);
  expect(q).toBeDefined();
  return q!;
}

export const flowWaitingTopic = defineTopic("flow-waiting", (test) => {
  test("a queue without limits has nothing waiting on a limit", async ({ backend, clock }) => {
    await jobs(backend, clock, 3, null);
    const q = await queue(backend);
    expect(q.counts.queued).toBe(3);
    expect(q.waitingOnLimit).toBe(0);
    expect(q.limitWaits).toEqual([]);
  });

  test("per-key caps: queued jobs beyond each key's free room wait, largest first", async ({
    backend,
    clock,
  }) => {
    await jobs(backend, clock, 5, capFlow("a", 2));
    await jobs(backend, clock, 3, capFlow("b", 2));
    let q = await queue(backend);
    expect(q.waitingOnLimit).toBe(4);
    expect(q.limitWaits).toEqual([
      { scope: "key", task: "t", key: "a", reason: "concurrency", waiting: 3 },
      { scope: "key", task: "t", key: "b", reason: "concurrency", waiting: 1 },
    ]);
    const { jobs: claimed } = await claimAs(backend, "w1");
    expect(claimed).toHaveLength(4);
    q = await queue(backend);
    // 3 of a and 1 of b still queued, every cap full.
    expect(q.counts.queued).toBe(4);
    expect(q.waitingOnLimit).toBe(4);
    const a = claimed.find((j) => j.limitKey === "a")!;
    await backend.jobComplete({ jobs: [{ id: a.id, token: a.leaseToken, result: "1" }] });
    q = await queue(backend);
    expect(q.waitingOnLimit).toBe(3);
    expect(q.limitWaits[0]).toEqual({ scope: "key", task: "t", key: "a", reason: "concurrency", waiting: 2 });
  });

  test("a task cap without a key is shared by every key and queue of the task", async ({
    backend,
    clock,
  }) => {
    await jobs(backend, clock, 2, capFlow("a", 3, false));
    await jobs(backend, clock, 2, capFlow("b", 3, false));
    await jobs(backend, clock, 2, capFlow("c", 3, false), { queue: "other" });
    const list = await backend.queueList();
    const total = list.reduce((n, q) => n + q.waitingOnLimit, 0);
    expect(total).toBe(3);
    for (const q of list)
      for (const w of q.limitWaits) expect(w).toMatchObject({ scope: "task", task: "t", key: null });
  });

  test("rate limits: jobs beyond the window's room wait, with reason rate", async ({ backend, clock }) => {
    const flow: JobFlow = {
      key: "a",
      concurrency: null,
      rateLimit: { limit: 2, perMs: 1000, burst: 1, keyed: true },
    };
    await jobs(backend, clock, 5, flow);
    let q = await queue(backend);
    // limit + burst = 2 may start now.
    expect(q.waitingOnLimit).toBe(3);
    expect(q.limitWaits).toEqual([{ scope: "key", task: "t", key: "a", reason: "rate", waiting: 3 }]);
    expect((await claimAs(backend, "w1")).jobs).toHaveLength(2);
    q = await queue(backend);
    expect(q.waitingOnLimit).toBe(3);
    clock.advance(500);
    q = await queue(backend);
    expect(q.waitingOnLimit).toBe(2);
  });

  test("holds: a key hold stops its key's jobs, a task hold also the task's jobs without limits", async ({
    backend,
    clock,
  }) => {
    await jobs(backend, clock, 2, capFlow("a", 10));
    await jobs(backend, clock, 3, capFlow("b", 10));
    await jobs(backend, clock, 4, null);
    await jobs(backend, clock, 1, null, { task: "other" });
    const t0 = clock.now();
    await backend.queueHold({ queue: "q", task: "t", key: "a", until: t0 + 1000 });
    let q = await queue(backend);
    expect(q.waitingOnLimit).toBe(2);
    expect(q.limitWaits).toEqual([{ scope: "key", task: "t", key: "a", reason: "hold", waiting: 2 }]);
    await backend.queueHold({ queue: "q", task: "t", until: t0 + 2000 });
    q = await queue(backend);
    expect(q.waitingOnLimit).toBe(9);
    expect(q.limitWaits.reduce((n, w) => n + w.waiting, 0)).toBe(9);
    expect(q.limitWaits.every((w) => w.reason === "hold" && w.scope === "task")).toBe(true);
    clock.advance(2000);
    expect((await queue(backend)).waitingOnLimit).toBe(0);
  });

  test("the queue's own cap, rate limit and hold hold back what task and key limits let through", async ({
    backend,
    clock,
  }) => {
    await jobs(backend, clock, 3, null);
    await jobs(backend, clock, 4, capFlow("a", 2));
    await backend.queueLimit({ queue: "q", concurrency: 3 });
    let q = await queue(backend);
    // Key a lets 2 through, the jobs without limits 3: the queue's cap lets 3 of those 5 start.
    expect(q.waitingOnLimit).toBe(4);
    expect(q.limitWaits).toEqual([
      { scope: "key", task: "t", key: "a", reason: "concurrency", waiting: 2 },
      { scope: "queue", task: null, key: null, reason: "concurrency", waiting: 2 },
    ]);
    expect((await claimAs(backend, "w1")).jobs).toHaveLength(3);
    q = await queue(backend);
    expect(q.waitingOnLimit).toBe(4);
    await backend.queueLimit({
      queue: "q",
      concurrency: null,
      rateLimit: { limit: 1, perMs: 1000, burst: 0 },
    });
    q = await queue(backend);
    expect(q.limitWaits.find((w) => w.scope === "queue")?.reason).toBe("rate");
    await backend.queueHold({ queue: "q", until: clock.now() + 1000 });
    q = await queue(backend);
    expect(q.waitingOnLimit).toBe(4);
    expect(q.limitWaits.find((w) => w.scope === "queue")?.reason).toBe("hold");
  });

  test("what the listing says may start is what the next claim takes", async ({ backend, clock }) => {
    await jobs(backend, clock, 7, capFlow("a", 3));
    await jobs(backend, clock, 2, capFlow("b", 5));
    await jobs(backend, clock, 4, {
      key: "c",
      concurrency: null,
      rateLimit: { limit: 1, perMs: 1000, burst: 1, keyed: true },
    });
    await jobs(backend, clock, 6, capFlow("x", 4, false), { task: "u" });
    await jobs(backend, clock, 5, null);
    await backend.queueLimit({ queue: "q", concurrency: 12 });
    const q = await queue(backend);
    const { jobs: claimed } = await claimAs(backend, "w1", 100);
    expect(claimed).toHaveLength(q.counts.queued - q.waitingOnLimit);
    expect((await queue(backend)).counts.queued).toBe(q.waitingOnLimit);
  });
});
