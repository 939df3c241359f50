/**
 * The Redis list walk is bounded by its indexes (src/backend/redis/scripts/includes/job-walk.lua):
 * a page deep in the store, an old created-time range, and a range with a state, queue or task
 * filter are each found in ONE script call that examines only the page and one job more, as the
 * first page is. A walk that applied the cursor or the range as a filter would examine every
 * newer job first, and hand back a short page after its per-call cap.
 */

import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, test } from "vitest";
import type { JobListParams } from "../../src/backend/backend.js";
import { createRedisBackend, type RedisBackend } from "../../src/backend/redis/index.js";
import { walkJobs } from "../../src/backend/redis/job-walk.js";
import type { ScriptName } from "../../src/backend/redis/scripts.js";
import type { RedisStore } from "../../src/backend/redis/store.js";
import { claim, errorRecord, newJob } from "../conformance/suite/helpers.js";
import { redisReachable, redisUrl, requireRedis } from "../support/redis.js";

requireRedis("Redis list bound tests");

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const BATCH = 600;
const PAGE = 10;

/** Three batches created at distinct times: 2 of 3 jobs in queue "bulk" of task "t.bulk". */
async function store(): Promise<{ backend: RedisBackend; bounds: number[] }> {
  const { url, cleanup } = redisUrl();
  const backend = await createRedisBackend(url);
  await backend.migrate();
  cleanups.push(async () => {
    await backend.close();
    await cleanup();
  });
  const bounds: number[] = [];
  for (let b = 0; b < 3; b++) {
    const jobs = Array.from({ length: BATCH }, (_, i) =>
      i % 3 === 0
        ? newJob(backend.clock, { queue: `rare${b}`, task: `t.rare${b}` })
        : newJob(backend.clock, { queue: "bulk", task: "t.bulk" }),
    );
    await backend.jobEnqueue({ jobs });
    const created = (await backend.jobGetMany({ ids: [jobs[0]!.id] }))[0]!.createdAt;
    bounds.push(created);
    // The rare queue's jobs of this batch: a few failed, the rest completed.
    const { jobs: leased } = await claim(backend, [`rare${b}`], BATCH);
    await backend.jobFail({
      jobs: leased
        .slice(0, 30)
        .map((j) => ({ id: j.id, token: j.leaseToken, error: errorRecord(1, created), retryAt: null })),
    });
    await backend.jobComplete({
      jobs: leased.slice(30).map((j) => ({ id: j.id, token: j.leaseToken, result: "1" })),
    });
    // The next batch is created at a later millisecond.
    while (backend.clock.now() <= created + 2) await sleep(2);
  }
  return { backend, bounds };
}

/** One walk with a per-call cap of a page and one job: its calls and what it found. */
async function walk(backend: RedisBackend, params: JobListParams) {
  const host = (backend as unknown as { store: RedisStore }).store;
  let calls = 0;
  const counting = {
    run: (name: ScriptName, args: (string | number)[], writes?: boolean) => {
      calls++;
      return host.run(name, args, writes);
    },
  };
  const { found } = await walkJobs(counting, "job-list", { limit: PAGE, ...params }, { scanMax: PAGE + 1 });
  return { calls, found };
}

describe.runIf(redisReachable)("Redis list walk bounds", () => {
  test("deep pages and old ranges take one call examining a page and one job, with any filter", async () => {
    const { backend, bounds } = await store();
    const [, second, third] = bounds as [number, number, number];
    const middle: JobListParams = { createdAfter: second, createdBefore: third };
    // A cursor in the first batch: everything newer lies before it in newest-first order.
    const all = (await backend.jobList({ limit: 1000, order: "asc" })).jobs;
    const deep = await backend.jobList({ limit: 50, createdBefore: second });
    expect(deep.nextCursor).not.toBeNull();
    const cases: [
      string,
      JobListParams,
      (j: { queue: string; state: string; createdAt: number }) => boolean,
    ][] = [
      ["old range", { createdBefore: second }, (j) => j.createdAt < second],
      ["middle range", middle, (j) => j.createdAt >= second && j.createdAt < third],
      ["middle range, oldest first", { ...middle, order: "asc" }, (j) => j.createdAt >= second],
      [
        "middle range + state",
        { ...middle, state: "failed" },
        (j) => j.state === "failed" && j.queue === "rare1",
      ],
      ["middle range + queue", { ...middle, queue: "rare1" }, (j) => j.queue === "rare1"],
      ["middle range + task", { ...middle, task: "t.rare1" }, (j) => j.queue === "rare1"],
      ["deep cursor", { cursor: deep.nextCursor! }, (j) => j.createdAt < second],
      [
        "deep cursor + state",
        { cursor: deep.nextCursor!, state: "completed" },
        (j) => j.state === "completed",
      ],
    ];
    expect(all.length).toBeGreaterThan(0);
    for (const [name, params, expected] of cases) {
      const { calls, found } = await walk(backend, params);
      expect(calls, name).toBe(1);
      expect(found.length, name).toBe(PAGE + 1);
      for (const j of found) expect(expected(j), `${name}: ${j.id}`).toBe(true);
    }
  }, 120_000);
});
