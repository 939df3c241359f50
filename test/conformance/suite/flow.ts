/** Flow control: queue concurrency caps and rate limits, enforced inside the claim. */
import { expect } from "vitest";
import type { Backend } from "../../../src/backend/backend.js";
import { InvalidArgumentError } from "../../../src/core/errors/index.js";
import { defineTopic } from "./define.js";
import { claim, enqueueMany, LEASE_MS, newJob } from "./helpers.js";

const claimAs = (backend: Backend, workerId: string, queues: string[] = ["q"], limit = 10) =>
  backend.jobClaim({ queues, limit, workerId, leaseMs: LEASE_MS });

export const flowTopic = defineTopic("flow", (test) => {
  test("a concurrency cap bounds running jobs across claims until one finishes", async ({ backend }) => {
    await enqueueMany(backend, 5, { queue: "q" });
    await backend.queueLimit({ queue: "q", concurrency: 2 });
    const first = await claimAs(backend, "w1");
    expect(first.jobs).toHaveLength(2);
    expect(first.limited).toBe(true);
    const none = await claimAs(backend, "w2");
    expect(none.jobs).toEqual([]);
    expect(none.limited).toBe(true);
    const done = first.jobs[0]!;
    await backend.jobComplete({ jobs: [{ id: done.id, token: done.leaseToken, result: "1" }] });
    expect((await claimAs(backend, "w2")).jobs).toHaveLength(1);
    expect((await claimAs(backend, "w3")).jobs).toEqual([]);
    const freed = first.jobs[1]!;
    await backend.jobRelease({ leases: [{ id: freed.id, token: freed.leaseToken }] });
    expect((await claimAs(backend, "w3")).jobs).toHaveLength(1);
  });

  test("a capped queue does not stop the claim from filling up from other queues", async ({ backend }) => {
    await enqueueMany(backend, 3, { queue: "q" });
    await enqueueMany(backend, 3, { queue: "free" });
    await backend.queueLimit({ queue: "q", concurrency: 1 });
    const { jobs } = await claimAs(backend, "w1", ["q", "free"], 10);
    expect(jobs.filter((j) => j.queue === "q")).toHaveLength(1);
    expect(jobs.filter((j) => j.queue === "free")).toHaveLength(3);
  });

  test("limits are listed, changed and removed; an unlimited queue claims freely again", async ({
    backend,
  }) => {
    await backend.queueLimit({ queue: "q", concurrency: 3 });
    await backend.queueLimit({ queue: "q", rateLimit: { limit: 10, perMs: 1000, burst: 2 } });
    let info = (await backend.queueList()).find((q) => q.name === "q");
    expect(info?.limits).toEqual({ concurrency: 3, rateLimit: { limit: 10, perMs: 1000, burst: 2 } });
    await backend.queueLimit({ queue: "q", concurrency: null });
    info = (await backend.queueList()).find((q) => q.name === "q");
    expect(info?.limits).toEqual({ concurrency: null, rateLimit: { limit: 10, perMs: 1000, burst: 2 } });
    await backend.queueLimit({ queue: "q", rateLimit: null });
    expect((await backend.queueList()).find((q) => q.name === "q")).toBeUndefined();
    await enqueueMany(backend, 4, { queue: "q" });
    expect((await claim(backend, ["q"])).jobs).toHaveLength(4);
    expect((await backend.queueList()).find((q) => q.name === "q")?.limits).toEqual({
      concurrency: null,
      rateLimit: null,
    });
  });

  test("a rate limit allows limit + burst at once, then one start every per / limit", async ({
    backend,
    clock,
  }) => {
    await enqueueMany(backend, 10, { queue: "q" });
    await backend.queueLimit({ queue: "q", rateLimit: { limit: 2, perMs: 1000, burst: 1 } });
    const t0 = clock.now();
    const first = await claimAs(backend, "w1");
    expect(first.jobs).toHaveLength(2);
    // The next start is allowed half a window later: the worker can sleep until then.
    expect(first.nextRunAt).toBe(t0 + 500);
    expect((await claimAs(backend, "w2")).jobs).toEqual([]);
    clock.advance(499);
    expect((await claimAs(backend, "w2")).jobs).toEqual([]);
    clock.advance(1);
    expect((await claimAs(backend, "w2")).jobs).toHaveLength(1);
    clock.advance(500);
    expect((await claimAs(backend, "w3")).jobs).toHaveLength(1);
    // After an idle period the burst is available again, and no more.
    clock.advance(10_000);
    expect((await claimAs(backend, "w3")).jobs).toHaveLength(2);
  });

  test("rate-limited starts keep claim order (priority, then FIFO)", async ({ backend, clock }) => {
    const low = newJob(clock, { queue: "q", priority: 0 });
    const high = newJob(clock, { queue: "q", priority: 5 });
    await backend.jobEnqueue({ jobs: [low, high] });
    await backend.queueLimit({ queue: "q", rateLimit: { limit: 1, perMs: 1000, burst: 0 } });
    expect((await claimAs(backend, "w1")).jobs.map((j) => j.id)).toEqual([high.id]);
    clock.advance(1000);
    expect((await claimAs(backend, "w1")).jobs.map((j) => j.id)).toEqual([low.id]);
  });

  test("bad limits are refused with InvalidArgumentError and write nothing", async ({ backend }) => {
    for (const concurrency of [0, -1, 1.5, Number.NaN]) {
      await expect(backend.queueLimit({ queue: "q", concurrency })).rejects.toBeInstanceOf(
        InvalidArgumentError,
      );
    }
    for (const rateLimit of [
      { limit: 0, perMs: 1000, burst: 0 },
      { limit: 1, perMs: 0, burst: 0 },
      { limit: 1, perMs: 1000, burst: -1 },
      { limit: 2.5, perMs: 1000, burst: 0 },
    ]) {
      await expect(backend.queueLimit({ queue: "q", rateLimit })).rejects.toBeInstanceOf(
        InvalidArgumentError,
      );
    }
    expect(await backend.queueList()).toEqual([]);
  });

  test("a held queue starts nothing until the hold ends, and a hold only extends", async ({
    backend,
    clock,
  }) => {
    await enqueueMany(backend, 3, { queue: "q" });
    await enqueueMany(backend, 1, { queue: "free" });
    const t0 = clock.now();
    await backend.queueHold({ queue: "q", until: t0 + 5_000 });
    await backend.queueHold({ queue: "q", until: t0 + 1_000 });
    const held = await claimAs(backend, "w1", ["q", "free"]);
    expect(held.jobs.map((j) => j.queue)).toEqual(["free"]);
    expect(held.nextRunAt).toBe(t0 + 5_000);
    expect(held.limited).toBe(true);
    clock.advance(4_999);
    expect((await claimAs(backend, "w1")).jobs).toEqual([]);
    clock.advance(1);
    expect((await claimAs(backend, "w1")).jobs).toHaveLength(3);
  });

  test("a backoff puts a running job back to scheduled at runAt without counting the attempt", async ({
    backend,
    clock,
  }) => {
    const [id] = await enqueueMany(backend, 1, { queue: "q" });
    const [job] = (await claimAs(backend, "w1")).jobs;
    expect(job?.attempt).toBe(1);
    const runAt = clock.now() + 2_000;
    expect(await backend.jobBackoff({ jobs: [{ id: id!, token: "stale", runAt }] })).toEqual({
      ok: [],
      refused: [id],
    });
    expect(await backend.jobBackoff({ jobs: [{ id: id!, token: job!.leaseToken, runAt }] })).toEqual({
      ok: [id],
      refused: [],
    });
    const stored = await backend.jobGet({ id: id! });
    expect(stored).toMatchObject({ state: "scheduled", attempt: 0, runAt, errors: [] });
    expect((await claimAs(backend, "w1")).jobs).toEqual([]);
    clock.advance(2_000);
    const again = (await claimAs(backend, "w1")).jobs;
    expect(again.map((j) => [j.id, j.attempt])).toEqual([[id, 1]]);
    // A runAt that is not ahead makes the job queued at once.
    expect(
      await backend.jobBackoff({ jobs: [{ id: id!, token: again[0]!.leaseToken, runAt: clock.now() }] }),
    ).toEqual({ ok: [id], refused: [] });
    expect(await backend.jobGet({ id: id! })).toMatchObject({ state: "queued", attempt: 0 });
  });

  test(
    "a cap holds for concurrent claims from two processes",
    async ({ backend, peer }) => {
      const other = await peer();
      await enqueueMany(backend, 30, { queue: "q" });
      await backend.queueLimit({ queue: "q", concurrency: 3 });
      const claims = await Promise.all(
        Array.from({ length: 8 }, (_, i) => claimAs(i % 2 === 0 ? backend : other, `w${i}`, ["q"], 2)),
      );
      expect(claims.reduce((n, c) => n + c.jobs.length, 0)).toBe(3);
      expect((await backend.queueList()).find((q) => q.name === "q")?.counts.running).toBe(3);
    },
    { peer: true },
  );
});
