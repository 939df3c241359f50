/**
 * Redis group commit (src/backend/redis/enqueue-group.ts): concurrent enqueue calls share one
 * script call, and each caller still gets its own answer. Behaviour only; the speed is measured
 * by `npm run bench` (B1).
 */
import { Redis } from "ioredis";
import { describe, expect, test } from "vitest";
import type { JobEnqueueResult } from "../../src/backend/backend.js";
import { createRedisBackend } from "../../src/backend/redis/index.js";
import { InvalidArgumentError, NotFoundError } from "../../src/core/errors/index.js";
import { newJobId } from "../../src/core/ids.js";
import { REDIS_URL_BASE, redisReachable, redisUrl, requireRedis } from "../support/redis.js";
import { newJob } from "./sqlite-helpers.js";

async function withBackend(
  fn: (backend: Awaited<ReturnType<typeof createRedisBackend>>, url: string) => Promise<void>,
): Promise<void> {
  const { url, cleanup } = redisUrl();
  const backend = await createRedisBackend(url);
  try {
    await fn(backend, url);
  } finally {
    await backend.close();
    await cleanup();
  }
}

describe.runIf(redisReachable)("Redis enqueue group commit", () => {
  test("concurrent single enqueues share one script call and each caller gets its own id", async () => {
    await withBackend(async (backend) => {
      // Every enqueue script publishes one change-feed message: count them.
      const admin = new Redis(REDIS_URL_BASE);
      let messages = 0;
      try {
        await admin.subscribe(`${backend.keyPrefix}events`);
        admin.on("message", () => messages++);
        const jobs = Array.from({ length: 200 }, () => newJob("q"));
        const results = await Promise.all(jobs.map((job) => backend.jobEnqueue({ jobs: [job] })));
        expect(results.map((r) => r.jobs)).toEqual(
          jobs.map((j) => [{ id: j.id, state: "queued", created: true }]),
        );
        const got = await backend.jobGetMany({ ids: jobs.map((j) => j.id) });
        expect(got.map((j) => j?.id)).toEqual(jobs.map((j) => j.id));
        // A marker write after them: its message arrives after theirs.
        await backend.queuePause({ queue: "marker" });
        await expect.poll(() => messages, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
        // 200 calls made in one turn (a clock tick may split them): far fewer than 200 scripts.
        expect(messages - 1).toBeLessThanOrEqual(5);
      } finally {
        admin.disconnect();
      }
    });
  });

  test("a bad job in a group fails only its own call; the others are written", async () => {
    await withBackend(async (backend) => {
      const existing = newJob("q");
      await backend.jobEnqueue({ jobs: [existing] });
      const good1 = newJob("q");
      const missingParent = newJob("q", "t", { dependsOn: [newJobId()] });
      const taken = { ...newJob("q"), id: existing.id };
      const bulkGood = [newJob("q"), newJob("q")];
      const bulkBad = [newJob("q"), { ...newJob("q"), id: existing.id }];
      const good2 = newJob("q", "t", { key: "k" });
      const out = await Promise.allSettled([
        backend.jobEnqueue({ jobs: [good1] }),
        backend.jobEnqueue({ jobs: [missingParent] }),
        backend.jobEnqueue({ jobs: [taken] }),
        backend.jobEnqueue({ jobs: bulkGood }),
        backend.jobEnqueue({ jobs: bulkBad }),
        backend.jobEnqueue({ jobs: [good2] }),
      ]);
      expect(out.map((o) => o.status)).toEqual([
        "fulfilled",
        "rejected",
        "rejected",
        "fulfilled",
        "rejected",
        "fulfilled",
      ]);
      const ids = (i: number) =>
        (out[i] as PromiseFulfilledResult<JobEnqueueResult>).value.jobs.map((j) => j.id);
      const reason = (i: number) => (out[i] as PromiseRejectedResult).reason as Error;
      expect(ids(0)).toEqual([good1.id]);
      expect(ids(3)).toEqual(bulkGood.map((j) => j.id));
      expect(ids(5)).toEqual([good2.id]);
      expect(reason(1)).toBeInstanceOf(NotFoundError);
      expect(reason(2)).toBeInstanceOf(InvalidArgumentError);
      expect(reason(4)).toBeInstanceOf(InvalidArgumentError);
      const written = [good1, ...bulkGood, good2].map((j) => j.id);
      expect((await backend.jobGetMany({ ids: written })).map((j) => j?.id)).toEqual(written);
      const notWritten = await backend.jobGetMany({ ids: [missingParent.id, bulkBad[0]!.id] });
      expect(notWritten).toEqual([]);
    });
  });

  test("idempotency keys stay exact when many calls with one key land in one group and on two handles", async () => {
    await withBackend(async (a, url) => {
      const b = await createRedisBackend(url);
      try {
        const jobs = Array.from({ length: 60 }, () => newJob("q", "t", { key: "once" }));
        const results = await Promise.all(
          jobs.map((job, i) => (i % 2 ? a : b).jobEnqueue({ jobs: [job] }).then((r) => r.jobs[0]!)),
        );
        const created = results.filter((r) => r.created);
        expect(created).toHaveLength(1);
        expect(new Set(results.map((r) => r.id))).toEqual(new Set([created[0]!.id]));
      } finally {
        await b.close();
      }
    });
  });

  test("a job depending on one enqueued by an earlier call of the same group sees it", async () => {
    await withBackend(async (backend) => {
      const parent = newJob("q");
      const child = newJob("q", "t", { dependsOn: [parent.id] });
      const [p, c] = await Promise.all([
        backend.jobEnqueue({ jobs: [parent] }),
        backend.jobEnqueue({ jobs: [child] }),
      ]);
      expect(p.jobs[0]).toMatchObject({ id: parent.id, state: "queued" });
      expect(c.jobs[0]).toMatchObject({ id: child.id, state: "waiting" });
    });
  });

  test("close() sends the calls already made instead of dropping them", async () => {
    const { url, cleanup } = redisUrl();
    try {
      const backend = await createRedisBackend(url);
      const jobs = Array.from({ length: 20 }, () => newJob("q"));
      const calls = jobs.map((job) => backend.jobEnqueue({ jobs: [job] }));
      await backend.close();
      await expect(Promise.all(calls)).resolves.toHaveLength(20);
      const check = await createRedisBackend(url);
      try {
        expect((await check.jobGetMany({ ids: jobs.map((j) => j.id) })).every((j) => j !== null)).toBe(true);
      } finally {
        await check.close();
      }
    } finally {
      await cleanup();
    }
  });
});

requireRedis("the Redis enqueue group-commit test");
