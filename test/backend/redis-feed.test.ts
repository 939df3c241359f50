/**
 * The Redis change feed: compact groups expand to BackendEvents unless no listener wants their
 * type, and the per-job flow channel is only subscribed when some listener wants it.
 */
import { Redis } from "ioredis";
import { describe, expect, test } from "vitest";
import { decodeFeed } from "../../src/backend/redis/feed.js";
import { createRedisBackend } from "../../src/backend/redis/index.js";
import { REDIS_URL_BASE, redisReachable, redisUrl, requireRedis } from "../support/redis.js";

const message = JSON.stringify([
  ["e", "q", 1, "queued", ["a", "b"]],
  ["s", "q", 2, "w1", ["a", "b"], [1, 1]],
  ["c", "q", 3, ["a"], [1]],
  { type: "job:cancelled", jobId: "b", queue: "q", at: 4, state: "cancelled" },
]);

describe("decodeFeed", () => {
  test("expands every group when every type is wanted", () => {
    const events = decodeFeed(message);
    expect(events.map((e) => `${e.type}:${e.jobId}`)).toEqual([
      "job:enqueued:a",
      "job:enqueued:b",
      "job:started:a",
      "job:started:b",
      "job:completed:a",
      "job:cancelled:b",
    ]);
    expect(events[2]).toEqual({
      type: "job:started",
      jobId: "a",
      queue: "q",
      at: 2,
      state: "running",
      data: { attempt: 1, workerId: "w1" },
    });
  });

  test("skips the groups of unwanted types and keeps plain events", () => {
    const events = decodeFeed(message, new Set(["job:enqueued", "job:cancelled"]));
    expect(events.map((e) => `${e.type}:${e.jobId}`)).toEqual([
      "job:enqueued:a",
      "job:enqueued:b",
      "job:cancelled:b",
    ]);
  });
});

describe.runIf(redisReachable)("Redis feed channels", () => {
  test("the per-job flow channel is subscribed only once a listener wants started or completed events", async () => {
    const { url, cleanup } = redisUrl();
    const backend = await createRedisBackend(url);
    const admin = new Redis(REDIS_URL_BASE);
    try {
      const flow = `${backend.keyPrefix}events:flow`;
      const control = `${backend.keyPrefix}events`;
      const subscribers = async (channel: string) =>
        Number(((await admin.pubsub("NUMSUB", channel)) as [string, number])[1]);
      const seen: string[] = [];
      backend.subscribe((events) => seen.push(...events.map((e) => e.type)), { types: ["job:cancelled"] });
      // A write waits for the SUBSCRIBE to be confirmed, so after it the server knows.
      await backend.queuePause({ queue: "probe" });
      expect(await subscribers(control)).toBe(1);
      expect(await subscribers(flow)).toBe(0);
      backend.subscribe(() => {});
      await backend.queueResume({ queue: "probe" });
      expect(await subscribers(flow)).toBe(1);
    } finally {
      await backend.close();
      admin.disconnect();
      await cleanup();
    }
  });
});

requireRedis("the Redis feed channel test");
