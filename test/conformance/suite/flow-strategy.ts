/**
 * The strategy at the cap (issue 15): `cancel-in-progress` and `drop-newest`, decided inside the
 * enqueue's own atomic write (docs/flow-control.md, "Strategy at the cap").
 */
import { expect } from "vitest";
import type { Backend, JobFlow, NewJob } from "../../../src/backend/backend.js";
import type { Clock } from "../../../src/core/clock.js";
import { InvalidArgumentError } from "../../../src/core/errors/index.js";
import type { CapStrategy } from "../../../src/core/flow.js";
import { defineTopic } from "./define.js";
import { LEASE_MS, newJob, recordEvents } from "./helpers.js";

const flowOf = (key: string, limit: number, strategy: CapStrategy, keyed = true): JobFlow => ({
  key,
  concurrency: { limit, keyed, strategy },
  rateLimit: null,
});

const job = (clock: Clock, key: string, limit: number, strategy: CapStrategy, extra: Partial<NewJob> = {}) =>
  newJob(clock, { queue: "q", task: "t", flow: flowOf(key, limit, strategy), ...extra });

const claimAs = (backend: Backend, workerId: string, limit = 10) =>
  backend.jobClaim({ queues: ["q"], limit, workerId, leaseMs: LEASE_MS });

async function states(backend: Backend, ids: readonly string[]): Promise<(string | null)[]> {
  return Promise.all(ids.map(async (id) => (await backend.jobGet({ id }))?.state ?? null));
}

const live = (s: string | null) => s === "queued" || s === "running";

export const flowStrategyTopic = defineTopic("flow-strategy", (test) => {
  test("drop-newest: a full group (queued + running) writes nothing and says dropped", async ({
    backend,
    clock,
  }) => {
    const a = [job(clock, "a", 2, "drop-newest"), job(clock, "a", 2, "drop-newest")];
    expect((await backend.jobEnqueue({ jobs: a })).jobs.map((j) => j.created)).toEqual([true, true]);
    const claimed = await claimAs(backend, "w1", 1);
    expect(claimed.jobs.map((j) => j.id)).toEqual([a[0]!.id]);
    const rec = recordEvents(backend);
    const extra = job(clock, "a", 2, "drop-newest");
    const other = job(clock, "b", 2, "drop-newest");
    const out = await backend.jobEnqueue({ jobs: [extra, other] });
    expect(out.jobs[0]).toEqual({ id: extra.id, state: "cancelled", created: false, dropped: true });
    expect(out.jobs[1]).toMatchObject({ id: other.id, state: "queued", created: true });
    expect(out.jobs[1]?.dropped).toBeUndefined();
    expect(await backend.jobGet({ id: extra.id })).toBeNull();
    await rec.until((seen) => seen.some((e) => e.type === "job:enqueued" && e.jobId === other.id));
    expect(rec.events.some((e) => e.jobId === extra.id)).toBe(false);
    rec.stop();
    // A finished job frees the group: the next one is written.
    const done = claimed.jobs[0]!;
    await backend.jobComplete({ jobs: [{ id: done.id, token: done.leaseToken, result: "1" }] });
    const again = job(clock, "a", 2, "drop-newest");
    expect((await backend.jobEnqueue({ jobs: [again] })).jobs[0]).toMatchObject({ created: true });
    expect((await backend.jobList({})).jobs.length).toBe(4);
  });

  test("drop-newest in a batch: each job decided in order inside the one write", async ({
    backend,
    clock,
  }) => {
    const jobs = [
      job(clock, "a", 2, "drop-newest"),
      job(clock, "b", 1, "drop-newest"),
      job(clock, "a", 2, "drop-newest"),
      job(clock, "a", 2, "drop-newest"),
      job(clock, "b", 1, "drop-newest"),
      job(clock, "a", 2, "drop-newest", { runAt: clock.now() + 60_000 }), // scheduled: not subject
    ];
    const out = await backend.jobEnqueue({ jobs });
    expect(out.jobs.map((j) => j.id)).toEqual(jobs.map((j) => j.id));
    expect(out.jobs.map((j) => j.dropped === true)).toEqual([false, false, false, true, true, false]);
    expect(out.jobs.map((j) => j.state)).toEqual([
      "queued",
      "queued",
      "queued",
      "cancelled",
      "cancelled",
      "scheduled",
    ]);
    expect((await backend.jobList({})).jobs.length).toBe(4);
  });

  test("drop-newest does not count scheduled jobs, and an idempotency key match returns the job", async ({
    backend,
    clock,
  }) => {
    const later = job(clock, "a", 1, "drop-newest", { runAt: clock.now() + 60_000 });
    const now1 = job(clock, "a", 1, "drop-newest", { key: "k1" });
    const out = await backend.jobEnqueue({ jobs: [later, now1] });
    expect(out.jobs.map((j) => j.created)).toEqual([true, true]);
    // The same idempotency key returns the existing job (no strategy applies to a match).
    const same = await backend.jobEnqueue({ jobs: [job(clock, "a", 1, "drop-newest", { key: "k1" })] });
    expect(same.jobs[0]).toMatchObject({ id: now1.id, created: false });
    expect(same.jobs[0]?.dropped).toBeUndefined();
    const dropped = await backend.jobEnqueue({ jobs: [job(clock, "a", 1, "drop-newest")] });
    expect(dropped.jobs[0]?.dropped).toBe(true);
  });

  test("cancel-in-progress: the running job is cancelled in the enqueue's write, its lease fenced", async ({
    backend,
    clock,
  }) => {
    const first = job(clock, "a", 1, "cancel-in-progress");
    const otherKey = job(clock, "b", 1, "cancel-in-progress");
    await backend.jobEnqueue({ jobs: [first, otherKey] });
    const claimed = await claimAs(backend, "w1");
    expect(claimed.jobs.map((j) => j.id).sort()).toEqual([first.id, otherKey.id].sort());
    const lease = claimed.jobs.find((j) => j.id === first.id)!;
    const rec = recordEvents(backend);
    const second = job(clock, "a", 1, "cancel-in-progress");
    const out = await backend.jobEnqueue({ jobs: [second] });
    expect(out.jobs[0]).toMatchObject({ id: second.id, state: "queued", created: true });
    expect(await states(backend, [first.id, otherKey.id, second.id])).toEqual([
      "cancelled",
      "running",
      "queued",
    ]);
    await rec.until((seen) => seen.some((e) => e.type === "job:cancelled" && e.jobId === first.id));
    const ev = rec.events.find((e) => e.type === "job:cancelled" && e.jobId === first.id)!;
    expect(String(ev.data?.reason)).toContain(second.id);
    rec.stop();
    // The cancelled handler's late completion is refused (lease fencing).
    const late = await backend.jobComplete({
      jobs: [{ id: first.id, token: lease.leaseToken, result: "1" }],
    });
    expect(late.refused).toEqual([first.id]);
    expect(await states(backend, [first.id])).toEqual(["cancelled"]);
    // The new job takes the freed slot at the next claim.
    expect((await claimAs(backend, "w2")).jobs.map((j) => j.id)).toEqual([second.id]);
  });

  test("cancel-in-progress: the oldest live jobs go first, just enough to make room", async ({
    backend,
    clock,
  }) => {
    const ab = [job(clock, "a", 2, "cancel-in-progress"), job(clock, "a", 2, "cancel-in-progress")];
    await backend.jobEnqueue({ jobs: ab });
    expect((await claimAs(backend, "w1")).jobs.length).toBe(2);
    const c = job(clock, "a", 2, "cancel-in-progress");
    await backend.jobEnqueue({ jobs: [c] });
    expect(await states(backend, [ab[0]!.id, ab[1]!.id, c.id])).toEqual(["cancelled", "running", "queued"]);
    const d = job(clock, "a", 2, "cancel-in-progress");
    await backend.jobEnqueue({ jobs: [d] });
    // Live were B (running) and C (queued): the older, B, goes, although C is only queued.
    expect(await states(backend, [ab[1]!.id, c.id, d.id])).toEqual(["cancelled", "queued", "queued"]);
    expect((await claimAs(backend, "w2")).jobs.map((j) => j.id)).toEqual([c.id, d.id]);
  });

  test("cancel-in-progress in a batch: later jobs of the batch supersede earlier ones", async ({
    backend,
    clock,
  }) => {
    const jobs = [
      job(clock, "a", 1, "cancel-in-progress"),
      job(clock, "a", 1, "cancel-in-progress"),
      job(clock, "b", 1, "cancel-in-progress"),
      job(clock, "a", 1, "cancel-in-progress"),
    ];
    const out = await backend.jobEnqueue({ jobs });
    expect(out.jobs.every((j) => j.created)).toBe(true);
    expect(
      await states(
        backend,
        jobs.map((j) => j.id),
      ),
    ).toEqual(["cancelled", "cancelled", "queued", "queued"]);
    const ids = (await claimAs(backend, "w1")).jobs.map((j) => j.id).sort();
    expect(ids).toEqual([jobs[2]!.id, jobs[3]!.id].sort());
  });

  test("cancel-in-progress with a task cap (no key) counts every job of the task", async ({
    backend,
    clock,
  }) => {
    const mk = (key: string) =>
      newJob(clock, { queue: "q", task: "t", flow: flowOf(key, 2, "cancel-in-progress", false) });
    const first = [mk("x"), mk("y")];
    await backend.jobEnqueue({ jobs: first });
    await claimAs(backend, "w1");
    const third = mk("z");
    await backend.jobEnqueue({ jobs: [third] });
    expect(await states(backend, [first[0]!.id, first[1]!.id, third.id])).toEqual([
      "cancelled",
      "running",
      "queued",
    ]);
  });

  test("concurrent enqueues on one handle: drop-newest keeps exactly the cap, cancel-in-progress leaves the cap live", async ({
    backend,
    clock,
  }) => {
    const drops = Array.from({ length: 12 }, () => job(clock, "d", 3, "drop-newest"));
    const cancels = Array.from({ length: 12 }, () => job(clock, "c", 2, "cancel-in-progress"));
    const outs = await Promise.all([...drops, ...cancels].map((j) => backend.jobEnqueue({ jobs: [j] })));
    const refs = outs.map((o) => o.jobs[0]!);
    expect(refs.slice(0, 12).filter((r) => r.created).length).toBe(3);
    expect(refs.slice(0, 12).filter((r) => r.dropped).length).toBe(9);
    const cs = await states(
      backend,
      cancels.map((j) => j.id),
    );
    expect(cs.filter(live).length).toBe(2);
    expect(cs.filter((s) => s === "cancelled").length).toBe(10);
  });

  test(
    "concurrent enqueues from two processes: never more live jobs than the cap",
    async ({ backend, clock, peer }) => {
      const other = await peer();
      // One job already running, so cancel-in-progress must cancel a running job too.
      const running = job(clock, "c", 2, "cancel-in-progress");
      await backend.jobEnqueue({ jobs: [running] });
      await claimAs(backend, "w0");
      const drops = Array.from({ length: 16 }, () => job(clock, "d", 3, "drop-newest"));
      const cancels = Array.from({ length: 16 }, () => job(clock, "c", 2, "cancel-in-progress"));
      const all = [...drops, ...cancels];
      const outs = await Promise.all(
        all.map((j, i) => (i % 2 === 0 ? backend : other).jobEnqueue({ jobs: [j] })),
      );
      const refs = outs.map((o) => o.jobs[0]!);
      expect(refs.slice(0, 16).filter((r) => r.created).length).toBe(3);
      const cs = await states(
        backend,
        cancels.map((j) => j.id),
      );
      expect(cs.filter(live).length).toBe(2);
      const listed = (await backend.jobList({})).jobs.filter((j) => live(j.state));
      expect(listed.length).toBe(3 + 2);
    },
    { peer: true },
  );

  test("a bad strategy is refused with InvalidArgumentError and nothing is written", async ({
    backend,
    clock,
  }) => {
    const bad = newJob(clock, {
      queue: "q",
      task: "t",
      flow: {
        key: "a",
        concurrency: { limit: 1, keyed: true, strategy: "newest" as never },
        rateLimit: null,
      },
    });
    await expect(
      backend.jobEnqueue({ jobs: [job(clock, "a", 1, "drop-newest"), bad] }),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
    expect((await backend.jobList({})).jobs).toEqual([]);
  });
});
