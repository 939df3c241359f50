/**
 * The Redis list indexes (src/backend/redis/scripts/includes/list-index.lua): after every kind
 * of transition each job is in exactly the indexes its state, queue and task say, as the member
 * (createdAt, id) that orders them; a store written before the indexes existed (layout version
 * 1) or with layout 2's id-ordered ones lists correctly before and after `migrate` builds them,
 * slice by slice.
 */
import { Redis } from "ioredis";
import { afterEach, describe, expect, test } from "vitest";
import type { Backend, JobListParams } from "../../src/backend/backend.js";
import { createRedisBackend, type RedisBackend } from "../../src/backend/redis/index.js";
import { LAYOUT_VERSION, LIST_BACKFILL_SLICE } from "../../src/backend/redis/redis-backend.js";
import type { JobState } from "../../src/core/types.js";
import { claim, enqueueMany, enqueueOne, errorRecord, newJob } from "../conformance/suite/helpers.js";
import { REDIS_URL_BASE, redisReachable, redisUrl, requireRedis } from "../support/redis.js";

requireRedis("Redis list index tests");

const FINAL: readonly JobState[] = ["completed", "failed", "cancelled"];
const STATES: readonly JobState[] = ["waiting", "scheduled", "queued", "running", ...FINAL];

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function open(): Promise<{ backend: RedisBackend; admin: Redis; url: string }> {
  const { url, cleanup } = redisUrl();
  const backend = await createRedisBackend(url);
  await backend.migrate();
  const admin = new Redis(REDIS_URL_BASE);
  cleanups.push(async () => {
    await backend.close();
    admin.disconnect();
    await cleanup();
  });
  return { backend, admin, url };
}

/** Keys matching `pattern` (SCAN: the Redis is shared). */
async function scanKeys(admin: Redis, pattern: string): Promise<string[]> {
  const out: string[] = [];
  let cursor = "0";
  do {
    const [next, keys] = await admin.scan(cursor, "MATCH", pattern, "COUNT", 1000);
    cursor = next;
    out.push(...keys);
  } while (cursor !== "0");
  return out;
}

/** Every job's state, queue and task, read from the job hashes (not from any list index). */
interface Truth {
  state: string;
  queue: string;
  task: string;
  createdAt: number;
}

/** A job's member of the list indexes: createdAt as 13 digits, then the id. */
const member = (id: string, j: Truth) => `${String(j.createdAt).padStart(13, "0")}${id}`;

async function truth(admin: Redis, prefix: string): Promise<Map<string, Truth>> {
  const ids = await admin.zrange(`${prefix}jobs`, "0", "-1");
  const out = new Map<string, Truth>();
  const pipeline = admin.pipeline();
  for (const id of ids) pipeline.hmget(`${prefix}job:${id}`, "state", "queue", "task", "createdAt");
  const replies = (await pipeline.exec()) ?? [];
  ids.forEach((id, i) => {
    const [state, queue, task, createdAt] = replies[i]![1] as [string, string, string, string];
    out.set(id, { state, queue, task, createdAt: Number(createdAt) });
  });
  return out;
}

/** Fails unless every list index holds exactly the jobs it should. */
async function expectIndexesExact(admin: Redis, prefix: string): Promise<void> {
  const jobs = await truth(admin, prefix);
  const sorted = (ids: Iterable<string>) => [...ids].sort();
  const where = (pred: (j: Truth) => boolean) =>
    sorted([...jobs].filter(([, j]) => pred(j)).map(([id, j]) => member(id, j)));
  const index = async (key: string) => sorted(await admin.zrange(`${prefix}${key}`, "0", "-1"));
  expect(await index("lt:all")).toEqual(where(() => true));
  expect(await index("lt:live")).toEqual(where((j) => !FINAL.includes(j.state as JobState)));
  for (const s of FINAL) expect(await index(`lt:s:${s}`), s).toEqual(where((j) => j.state === s));
  const queues = new Set([...jobs.values()].map((j) => j.queue));
  for (const q of queues) expect(await index(`lt:q:${q}`), q).toEqual(where((j) => j.queue === q));
  const tasks = new Set([...jobs.values()].map((j) => j.task));
  for (const t of tasks) expect(await index(`lt:k:${t}`), t).toEqual(where((j) => j.task === t));
  // No index left for a queue or task without jobs, and none of layout 2's.
  for (const key of await scanKeys(admin, `${prefix}lt:q:*`))
    expect(queues.has(key.slice(`${prefix}lt:q:`.length)), key).toBe(true);
  for (const key of await scanKeys(admin, `${prefix}lt:k:*`))
    expect(tasks.has(key.slice(`${prefix}lt:k:`.length)), key).toBe(true);
  expect(await scanKeys(admin, `${prefix}lx:*`)).toEqual([]);
}

/** The same lists answered by the job hashes alone, for comparing pages. */
async function allPages(backend: Backend, params: JobListParams, limit: number): Promise<string[]> {
  const out: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await backend.jobList({ ...params, limit, ...(cursor ? { cursor } : {}) });
    out.push(...page.jobs.map((j) => j.id));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out;
}

async function expectListsMatch(backend: Backend, admin: Redis, prefix: string, limit = 7): Promise<void> {
  const jobs = await truth(admin, prefix);
  // The order of the lists: (createdAt, id), the order of the indexes' members.
  const ids = [...jobs.keys()].sort((a, b) => (member(a, jobs.get(a)!) < member(b, jobs.get(b)!) ? -1 : 1));
  const tasks = [...new Set([...jobs.values()].map((j) => j.task))];
  const queues = [...new Set([...jobs.values()].map((j) => j.queue))];
  const cases: JobListParams[] = [
    {},
    ...STATES.map((state) => ({ state })),
    { state: ["failed", "queued"] },
    { state: ["completed", "failed", "cancelled"] },
    ...queues.map((queue) => ({ queue })),
    ...queues.map((queue) => ({ queue, state: "completed" as const })),
    ...tasks.map((task) => ({ task })),
    ...tasks.map((task) => ({ task, state: ["queued", "failed"] as JobState[] })),
  ];
  // Created-time ranges: an empty one, one before every job, and a middle third.
  const created = [...jobs.values()].map((j) => j.createdAt).sort((a, b) => a - b);
  const lo = created[Math.floor(created.length / 3)]!;
  const hi = created[Math.floor((2 * created.length) / 3)]!;
  cases.push(
    { createdAfter: lo, createdBefore: hi + 1 },
    { createdAfter: lo, createdBefore: hi + 1, state: "completed" },
    { createdAfter: lo },
    { createdBefore: hi },
    { createdBefore: created[0]! },
    { createdAfter: created[created.length - 1]! + 1 },
  );
  for (const params of cases) {
    const want = ids.filter((id) => {
      const j = jobs.get(id)!;
      const states = params.state === undefined ? null : ([] as JobState[]).concat(params.state);
      return (
        (!states || states.includes(j.state as JobState)) &&
        (!params.queue || j.queue === params.queue) &&
        (!params.task || j.task === params.task) &&
        (params.createdAfter === undefined || j.createdAt >= params.createdAfter) &&
        (params.createdBefore === undefined || j.createdAt < params.createdBefore)
      );
    });
    expect(await allPages(backend, { ...params, order: "asc" }, limit), JSON.stringify(params)).toEqual(want);
    expect(await allPages(backend, params, limit), JSON.stringify(params)).toEqual([...want].reverse());
  }
}

/** Puts jobs through every kind of transition the scripts make. */
async function churn(backend: Backend): Promise<void> {
  const clock = backend.clock;
  await enqueueMany(backend, 12, { queue: "qa" });
  await enqueueMany(backend, 5, { queue: "qb", task: "t.later", runAt: clock.now() + 3_600_000 }); // scheduled
  const parent = await enqueueOne(backend, { queue: "qb" });
  await enqueueOne(backend, { queue: "qc", task: "t.child", dependsOn: [parent] }); // waiting
  const doomedParent = await enqueueOne(backend, { queue: "qc" });
  await backend.jobCancel({ ids: [doomedParent] });
  await enqueueOne(backend, { queue: "qc", dependsOn: [doomedParent] }); // born cancelled
  await enqueueOne(backend, { queue: "qa", maxAttempts: 1 });

  const { jobs: leased } = await claim(backend, ["qa", "qb"], 10);
  const [c1, c2, c3, f1, f2, f3, r1, ...rest] = leased;
  await backend.jobComplete({
    jobs: [c1!, c2!, c3!].map((j) => ({ id: j.id, token: j.leaseToken, result: "1" })),
  });
  await backend.jobFail({
    jobs: [f1!, f2!, f3!].map((j) => ({
      id: j.id,
      token: j.leaseToken,
      error: errorRecord(1, clock.now()),
      retryAt: null,
    })),
  });
  await backend.jobFail({
    jobs: [
      {
        id: r1!.id,
        token: r1!.leaseToken,
        error: errorRecord(1, clock.now()),
        retryAt: clock.now() + 60_000,
      },
    ],
  });
  // The parent completes: its waiting child is released.
  const parentLease = rest.find((j) => j.id === parent);
  if (parentLease)
    await backend.jobComplete({ jobs: [{ id: parent, token: parentLease.leaseToken, result: "1" }] });

  await backend.jobRetry({ ids: [f1!.id] }); // failed -> queued
  await backend.jobCancel({ ids: [rest[rest.length - 1]!.id] }); // running -> cancelled
  await backend.jobRemove({ ids: [c1!.id, f2!.id] });
  await backend.retentionPrune({ completedKeep: 1, limit: 100 });
  await backend.jobEnqueue({ jobs: [newJob(clock, { queue: "qd" })] });
  await backend.jobRemove({ ids: (await backend.jobList({ queue: "qd" })).jobs.map((j) => j.id) });
}

describe.runIf(redisReachable)("Redis list indexes", () => {
  test("after every kind of transition each job is in exactly its state's and its queue's index", async () => {
    const { backend, admin } = await open();
    const prefix = backend.keyPrefix;
    await churn(backend);
    const jobs = await truth(admin, prefix);
    // The churn reached every state, so every index was exercised.
    expect(new Set([...jobs.values()].map((j) => j.state))).toEqual(new Set(STATES));
    await expectIndexesExact(admin, prefix);
    await expectListsMatch(backend, admin, prefix);
  });

  for (const layout of [1, 2])
    test(`a store of layout ${layout} lists correctly before and after migrate builds the indexes`, async () => {
      const { backend, admin, url } = await open();
      const prefix = backend.keyPrefix;
      await churn(backend);
      // More jobs than one backfill slice, so the build takes several calls.
      for (let i = 0; i < LIST_BACKFILL_SLICE + 500; i += 1000)
        await enqueueMany(backend, 1000, { queue: i % 2000 === 0 ? "qe" : "qf" });
      const want = await truth(admin, prefix);
      // What an earlier layout wrote: the same keys without these indexes; layout 2 had
      // id-ordered ones under lx:*, which migrate drops.
      const lt = await scanKeys(admin, `${prefix}lt:*`);
      expect(lt.length).toBeGreaterThan(0);
      await admin.del(...lt);
      if (layout === 2) {
        const ids = [...want.keys()];
        await admin.zadd(`${prefix}lx:live`, ...ids.flatMap((id) => [0, id]));
        await admin.zadd(`${prefix}lx:q:qe`, 0, ids[0]!);
        await admin.zadd(`${prefix}lx:s:completed`, 0, ids[1]!);
        await admin.zadd(`${prefix}lx:t`, 1, ids[2]!);
      }
      await admin.set(`${prefix}version`, String(layout));

      const old = await createRedisBackend(url);
      cleanups.push(() => old.close());
      // Not migrated yet: the lists walk every job, and are still right.
      expect(await admin.get(`${prefix}version`)).toBe(String(layout));
      await expectListsMatch(old, admin, prefix, 400);

      await old.migrate();
      expect(await admin.get(`${prefix}version`)).toBe(String(LAYOUT_VERSION));
      expect(await admin.exists(`${prefix}lt:backfill`)).toBe(0);
      expect(await truth(admin, prefix)).toEqual(want);
      await expectIndexesExact(admin, prefix);
      await expectListsMatch(old, admin, prefix, 400);
      // The indexes stay exact as the upgraded store keeps working.
      await churn(old);
      await expectIndexesExact(admin, prefix);
    }, 180_000);

  test("a store newer than this spool is refused", async () => {
    const { backend, admin, url } = await open();
    await admin.set(`${backend.keyPrefix}version`, String(LAYOUT_VERSION + 1));
    const other = await createRedisBackend(url);
    cleanups.push(() => other.close());
    await expect(other.migrate()).rejects.toMatchObject({ code: "SCHEMA_TOO_NEW" });
  });
});
