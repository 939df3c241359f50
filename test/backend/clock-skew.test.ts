/**
 * One clock per store (issue 12, fault 10): processes whose wall clocks are 2 minutes ahead or
 * behind share a SQLite file or a Redis prefix with a correct one. Leases, due times and the
 * worker list are judged on the store's clock, and each process's own times (runAt, the lease
 * expiry it is handed back) are translated from and to its frame. On wall-clock judging, the
 * process ahead rescued live leases and ran delayed jobs at once; the one behind stalled due
 * jobs and dropped out of the worker list.
 */
import { afterAll, afterEach, describe, expect, test } from "vitest";
import type { Backend, NewJob } from "../../src/backend/backend.js";
import { createRedisBackend } from "../../src/backend/redis/index.js";
import { createSqliteBackend } from "../../src/backend/sqlite/index.js";
import { type Clock, systemClock } from "../../src/core/clock.js";
import { redisReachable, redisUrl, requireRedis } from "../support/redis.js";
import { waitFor } from "../support/wait-for.js";
import { newJob, tempDir } from "./sqlite-helpers.js";

const SKEW = 2 * 60_000;
const LEASE = 30_000;

/** This process's wall clock, set `offset` ms wrong (as a second machine's or a stepped one). */
function wallClock(offset: number): Clock {
  return { wall: true, now: () => Date.now() + offset, sleep: systemClock.sleep };
}

const tmp = tempDir();
const open: Backend[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const b of open.splice(0)) await b.close();
  for (const c of cleanups.splice(0)) await c();
});
afterAll(() => tmp.cleanup());

interface Store {
  /** Opens another handle (another process) on the same store with `clock`. */
  open(clock: Clock): Promise<Backend>;
}

const stores: [string, boolean, () => Store][] = [
  [
    "sqlite",
    true,
    () => {
      const file = tmp.file();
      return {
        open: async (clock) => {
          const b = await createSqliteBackend(`sqlite://${file}`, { clock });
          open.push(b);
          return b;
        },
      };
    },
  ],
  [
    "redis",
    redisReachable,
    () => {
      const { url, cleanup } = redisUrl();
      cleanups.push(cleanup);
      return {
        open: async (clock) => {
          const b = await createRedisBackend(url, { clock });
          open.push(b);
          return b;
        },
      };
    },
  ],
];

requireRedis("the Redis clock-skew tests");

function job(clock: Clock, extra: Partial<NewJob> = {}): NewJob {
  return newJob("q", "t", { runAt: clock.now(), ...extra });
}

describe.each(stores)("%s: clocks 2 minutes apart", (_name, available, makeStore) => {
  const right = wallClock(0);
  const ahead = wallClock(SKEW);
  const behind = wallClock(-SKEW);

  /** Three processes on one store: the first one opened (right) sets the store clock. */
  async function processes() {
    const store = makeStore();
    const n = await store.open(right);
    return { n, a: await store.open(ahead), b: await store.open(behind) };
  }

  test.skipIf(!available)("a process ahead does not rescue a live worker's lease", async () => {
    const { n, a } = await processes();
    const j = job(right);
    await n.jobEnqueue({ jobs: [j] });
    const { jobs } = await n.jobClaim({ queues: ["q"], limit: 1, workerId: "w-right", leaseMs: LEASE });
    expect(jobs.map((x) => x.id)).toEqual([j.id]);
    expect(await a.leaseRescue({ limit: 100 })).toEqual({ requeued: [], failed: [] });
    expect((await n.jobGet({ id: j.id }))?.state).toBe("running");
  });

  test.skipIf(!available)("a process ahead does not run a job delayed 60 s early", async () => {
    const { n, a } = await processes();
    await n.jobEnqueue({ jobs: [job(right, { runAt: right.now() + 60_000 })] });
    const claim = await a.jobClaim({ queues: ["q"], limit: 1, workerId: "w-ahead", leaseMs: LEASE });
    expect(claim.jobs).toEqual([]);
    // It is told when to look again in its own frame: about 60 s from its now.
    const wait = claim.nextRunAt! - ahead.now();
    expect(wait).toBeGreaterThan(50_000);
    expect(wait).toBeLessThan(70_000);
  });

  test.skipIf(!available)(
    "a job delayed 1 s by a process ahead is due 1 s later for the others",
    async () => {
      const { n, a } = await processes();
      const j = job(ahead, { runAt: ahead.now() + 1_000 });
      expect((await a.jobEnqueue({ jobs: [j] })).jobs[0]?.state).toBe("scheduled");
      // Judged on the writer's wall clock, the job would be due only 2 minutes later.
      const jobs = await waitFor(
        async () => {
          const claim = await n.jobClaim({ queues: ["q"], limit: 1, workerId: "w-right", leaseMs: LEASE });
          return claim.jobs.length > 0 ? claim.jobs : null;
        },
        { message: "the delayed job claimed", timeout: 20_000, interval: 100 },
      );
      expect(jobs.map((x) => x.id)).toEqual([j.id]);
    },
  );

  test.skipIf(!available)(
    "a process behind claims a delayed job once due, its lease expiry in its frame",
    async () => {
      const { n, b } = await processes();
      const j = job(right, { runAt: right.now() + 1_000 });
      await n.jobEnqueue({ jobs: [j] });
      // Judged on the claimer's wall clock, the job would be due only 2 minutes later.
      const jobs = await waitFor(
        async () => {
          const claim = await b.jobClaim({ queues: ["q"], limit: 1, workerId: "w-behind", leaseMs: LEASE });
          return claim.jobs.length > 0 ? claim.jobs : null;
        },
        { message: "the delayed job claimed by the process behind", timeout: 20_000, interval: 100 },
      );
      expect(jobs.map((x) => x.id)).toEqual([j.id]);
      const left = jobs[0]!.leaseExpiresAt - behind.now();
      expect(left).toBeGreaterThan(LEASE - 10_000);
      expect(left).toBeLessThanOrEqual(LEASE);
      const renewed = await b.leaseRenew({
        leases: [{ id: j.id, token: jobs[0]!.leaseToken }],
        leaseMs: LEASE,
      });
      expect(renewed.renewed[0]!.leaseExpiresAt - behind.now()).toBeGreaterThan(LEASE - 10_000);
    },
  );

  test.skipIf(!available)("a process behind stays in the worker list", async () => {
    const { n, b } = await processes();
    await b.workerHeartbeat({
      worker: {
        id: "w-behind",
        host: "h",
        pid: 1,
        queues: ["q"],
        concurrency: 1,
        running: [],
        startedAt: behind.now(),
      },
      ttlMs: LEASE,
    });
    expect((await n.workerList()).map((w) => w.id)).toEqual(["w-behind"]);
  });
});
