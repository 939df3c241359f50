/** The Redis change-feed decoder: compact groups expand to BackendEvents, unless no listener wants their type. */
import { describe, expect, test } from "vitest";
import { decodeFeed } from "../../src/backend/redis/feed.js";

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
