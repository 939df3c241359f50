/**
 * Push delivery (`capabilities.push`): a claim with `park` leaves the worker registered for
 * its free slots, and jobs that become ready meanwhile are claimed for it by the transition
 * that made them ready and handed over through `jobAwaitPushed`. Tests declared `{ push: true }`
 * run only on backends that declare the capability (and check that they do); the first test
 * runs everywhere and pins what a backend without it must do: ignore `park`.
 */
import { expect } from "vitest";
import type { Backend } from "../../../src/backend/backend.js";
import type { LeasedJob } from "../../../src/core/types.js";
import { defineTopic } from "./define.js";
import {
  enqueueMany,
  enqueueOne,
  freshLease,
  getJob,
  LEASE_MS,
  QUEUE,
  recordEvents,
  runningJob,
  WORKER,
} from "./helpers.js";

const PARK_TTL_MS = 60_000;
/** Real time a test waits for a push that must come (the push itself is immediate). */
const PUSH_WAIT_MS = 5_000;

function parkClaim(
  backend: Backend,
  limit: number,
  queues: readonly string[] = [QUEUE],
  ttlMs = PARK_TTL_MS,
  options: { slots?: number; workerId?: string } = {},
) {
  const park = options.slots === undefined ? { ttlMs } : { ttlMs, slots: options.slots };
  const workerId = options.workerId ?? WORKER;
  return backend.jobClaim({ queues, limit, workerId, leaseMs: LEASE_MS, park, unpark: true });
}

function awaitPushed(backend: Backend, timeoutMs = PUSH_WAIT_MS, workerId = WORKER): Promise<LeasedJob[]> {
  expect(backend.capabilities.push).toBe(true);
  if (!backend.jobAwaitPushed) throw new Error("capabilities.push is true but jobAwaitPushed is missing");
  return backend.jobAwaitPushed({ workerId, timeoutMs });
}

/** Collects pushes until `n` jobs arrived (a push carries the jobs one transition readied). */
async function pushedJobs(backend: Backend, n: number, workerId = WORKER): Promise<LeasedJob[]> {
  const got: LeasedJob[] = [];
  const deadline = Date.now() + PUSH_WAIT_MS;
  while (got.length < n && Date.now() < deadline) got.push(...(await awaitPushed(backend, 500, workerId)));
  return got;
}

export const pushTopic = defineTopic("push", (test) => {
  test("a backend without push delivery ignores park; one with it parks an idle worker", async ({
    backend,
  }) => {
    const { jobs, parked } = await parkClaim(backend, 5);
    expect(jobs).toEqual([]);
    const id = await enqueueOne(backend);
    if (!backend.capabilities.push) {
      expect(parked).toBeUndefined();
      expect((await getJob(backend, id)).state).toBe("queued");
      return;
    }
    expect(parked).toBe(true);
    expect((await getJob(backend, id)).state).toBe("running");
  });

  test(
    "a worker parked with `tasks` is pushed only jobs of those tasks",
    async ({ backend }) => {
      const park = await backend.jobClaim({
        queues: [QUEUE],
        limit: 5,
        tasks: ["mine"],
        workerId: WORKER,
        leaseMs: LEASE_MS,
        park: { ttlMs: PARK_TTL_MS },
        unpark: true,
      });
      expect(park.parked).toBe(true);
      const theirs = await enqueueOne(backend, { task: "theirs" });
      const mine = await enqueueOne(backend, { task: "mine" });
      const pushed = await pushedJobs(backend, 1);
      expect(pushed.map((j) => j.id)).toEqual([mine]);
      expect(await getJob(backend, theirs)).toMatchObject({ state: "queued", attempt: 0 });
    },
    { push: true },
  );

  test(
    "a job enqueued while a worker is parked is leased to it and handed over",
    async ({ backend, clock }) => {
      const park = await parkClaim(backend, 5);
      const feed = recordEvents(backend);
      await feed.ready();
      const waiting = awaitPushed(backend);
      const id = await enqueueOne(backend);
      const pushed = await waiting;
      expect(pushed).toHaveLength(1);
      expect(pushed[0]).toMatchObject(freshLease(id, clock));
      expect(pushed[0]!.leaseToken.length).toBeGreaterThan(0);
      expect(await getJob(backend, id)).toMatchObject({ state: "running", attempt: 1, workerId: WORKER });
      // The push is a claim: it is fenced by its token and shows on the feed.
      const done = await backend.jobComplete({ jobs: [{ id, token: pushed[0]!.leaseToken, result: "1" }] });
      expect(done).toEqual({ ok: [id], refused: [] });
      await feed.until((events) => events.some((e) => e.type === "job:started" && e.jobId === id));
      feed.stop();
      expect(park.parked).toBe(true);
    },
    { push: true },
  );

  test(
    "a parked worker gets no more jobs than the slots it left free; the rest stay queued",
    async ({ backend }) => {
      await parkClaim(backend, 2);
      const ids = await enqueueMany(backend, 5);
      const pushed = await pushedJobs(backend, 2);
      expect(pushed.map((j) => j.id)).toEqual(ids.slice(0, 2));
      expect(await awaitPushed(backend, 50)).toEqual([]);
      const states = await Promise.all(ids.map(async (id) => (await getJob(backend, id)).state));
      expect(states).toEqual(["running", "running", "queued", "queued", "queued"]);
      const [info] = (await backend.queueList()).filter((q) => q.name === QUEUE);
      expect(info?.counts).toMatchObject({ running: 2, queued: 3 });
    },
    { push: true },
  );

  test(
    "park.slots caps what is pushed, counting the parking claim's own jobs",
    async ({ backend }) => {
      const first = await enqueueOne(backend);
      const park = await parkClaim(backend, 10, [QUEUE], PARK_TTL_MS, { slots: 3 });
      expect(park.jobs.map((j) => j.id)).toEqual([first]);
      expect(park.parked).toBe(true);
      const ids = await enqueueMany(backend, 5);
      expect((await pushedJobs(backend, 2)).map((j) => j.id)).toEqual(ids.slice(0, 2));
      expect(await awaitPushed(backend, 50)).toEqual([]);
      const states = await Promise.all(ids.map(async (id) => (await getJob(backend, id)).state));
      expect(states).toEqual(["running", "running", "queued", "queued", "queued"]);
    },
    { push: true },
  );

  test(
    "every lease has a token of its own: a job leased by the parking claim and pushed again gets a new one",
    async ({ backend }) => {
      // The parking claim leases the job itself and parks for its other slots; the job goes
      // back to queued and is pushed to the same registration. With the claim's token reused
      // for pushes, both leases were (id, token) alike: the worker dropped the second as one
      // it held, and the store would take the first lease's late outcome for the second's.
      const id = await enqueueOne(backend);
      const park = await parkClaim(backend, 5);
      expect(park.jobs.map((j) => j.id)).toEqual([id]);
      expect(park.parked).toBe(true);
      const first = park.jobs[0]!;
      await backend.jobRelease({ leases: [{ id, token: first.leaseToken }] });
      const [again] = await pushedJobs(backend, 1);
      expect(again?.id).toBe(id);
      expect(again!.leaseToken).not.toBe(first.leaseToken);
      // Pushed once more after a second release: a third token.
      await backend.jobRelease({ leases: [{ id, token: again!.leaseToken }] });
      const [third] = await pushedJobs(backend, 1);
      expect(new Set([first.leaseToken, again!.leaseToken, third!.leaseToken]).size).toBe(3);
      // Only the live lease settles the job.
      const stale = await backend.jobComplete({ jobs: [{ id, token: first.leaseToken, result: "1" }] });
      expect(stale.refused).toEqual([id]);
      const live = await backend.jobComplete({ jobs: [{ id, token: third!.leaseToken, result: "2" }] });
      expect(live.ok).toEqual([id]);
    },
    { push: true },
  );

  test(
    "a burst is spread over the parked workers, each up to its slots",
    async ({ backend }) => {
      await parkClaim(backend, 10, [QUEUE], PARK_TTL_MS, { slots: 2, workerId: "worker-a" });
      await parkClaim(backend, 10, [QUEUE], PARK_TTL_MS, { slots: 2, workerId: "worker-b" });
      const ids = await enqueueMany(backend, 5);
      const a = await pushedJobs(backend, 2, "worker-a");
      const b = await pushedJobs(backend, 2, "worker-b");
      expect([...a, ...b].map((j) => j.id).sort()).toEqual(ids.slice(0, 4).sort());
      expect(a.every((j) => j.workerId === "worker-a")).toBe(true);
      expect(b.every((j) => j.workerId === "worker-b")).toBe(true);
      expect((await getJob(backend, ids[4]!)).state).toBe("queued");
    },
    { push: true },
  );

  test(
    "the next claim unparks: it returns what was pushed but not yet received, and later jobs stay queued",
    async ({ backend }) => {
      const first = await parkClaim(backend, 5);
      const pushedId = await enqueueOne(backend);
      const next = await backend.jobClaim({
        queues: [QUEUE],
        limit: 5,
        workerId: WORKER,
        leaseMs: LEASE_MS,
        unpark: true,
      });
      expect(next.parked).toBeUndefined();
      expect(next.jobs.map((j) => j.id)).toEqual([pushedId]);
      expect(next.jobs[0]!.leaseToken).not.toBe("");
      const later = await enqueueOne(backend);
      expect((await getJob(backend, later)).state).toBe("queued");
      expect(await awaitPushed(backend, 50)).toEqual([]);
      expect(first.parked).toBe(true);
    },
    { push: true },
  );

  test(
    "nothing is pushed into a paused queue; resuming it pushes its jobs",
    async ({ backend }) => {
      await backend.queuePause({ queue: QUEUE });
      await parkClaim(backend, 5);
      const id = await enqueueOne(backend);
      expect(await awaitPushed(backend, 50)).toEqual([]);
      expect((await getJob(backend, id)).state).toBe("queued");
      await backend.queueResume({ queue: QUEUE });
      expect((await awaitPushed(backend)).map((j) => j.id)).toEqual([id]);
      const [info] = (await backend.queueList()).filter((q) => q.name === QUEUE);
      expect(info?.counts).toMatchObject({ running: 1, queued: 0 });
    },
    { push: true },
  );

  test(
    "a registration that outlived its TTL gets nothing",
    async ({ backend, clock }) => {
      await parkClaim(backend, 5, [QUEUE], 1_000);
      clock.advance(1_001);
      const id = await enqueueOne(backend);
      expect(await awaitPushed(backend, 50)).toEqual([]);
      expect((await getJob(backend, id)).state).toBe("queued");
    },
    { push: true },
  );

  test(
    "jobs released or rescued back to queued are pushed to a parked worker",
    async ({ backend, clock }) => {
      const a = await runningJob(backend);
      const b = await runningJob(backend);
      // runningJob claimed them as WORKER; park WORKER now, so returns go to it.
      await parkClaim(backend, 5);
      await backend.jobRelease({ leases: [{ id: a.id, token: a.leaseToken }] });
      const released = await pushedJobs(backend, 1);
      expect(released.map((j) => j.id)).toEqual([a.id]);
      expect(released[0]!.attempt).toBe(1);
      await backend.jobComplete({ jobs: [{ id: a.id, token: released[0]!.leaseToken, result: "1" }] });
      // b's lease expires; the rescue puts it back to queued and straight into the parked worker.
      clock.advance(LEASE_MS + 1);
      await parkClaim(backend, 5);
      await backend.leaseRescue({ limit: 10 });
      const rescued = await pushedJobs(backend, 1);
      expect(rescued.map((j) => j.id)).toEqual([b.id]);
      expect(rescued[0]!.attempt).toBe(2);
    },
    { push: true },
  );

  test(
    "a job enqueued through another handle is pushed to a worker parked on this one",
    async ({ backend, peer }) => {
      const other = await peer();
      await parkClaim(backend, 5);
      const waiting = awaitPushed(backend);
      const id = await enqueueOne(other);
      expect((await waiting).map((j) => j.id)).toEqual([id]);
    },
    { push: true, peer: true },
  );

  test(
    "an interrupt ends a pending wait at once",
    async ({ backend }) => {
      await parkClaim(backend, 5);
      const started = Date.now();
      const waiting = awaitPushed(backend, 10_000);
      await new Promise((resolve) => setTimeout(resolve, 50));
      await backend.jobInterruptPushed!({ workerId: WORKER });
      expect(await waiting).toEqual([]);
      expect(Date.now() - started).toBeLessThan(5_000);
    },
    { push: true },
  );
});
