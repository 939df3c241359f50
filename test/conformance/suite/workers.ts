import { expect } from "vitest";
import type { WorkerInfo } from "../../../src/backend/backend.js";
import { defineTopic } from "./define.js";

function info(id: string, startedAt: number): Omit<WorkerInfo, "lastSeenAt"> {
  return {
    id,
    host: "host-a",
    pid: 4242,
    queues: ["pdf", "default"],
    concurrency: 8,
    running: ["job-1"],
    startedAt,
  };
}

export const workersTopic = defineTopic("workers", (test) => {
  test("a heartbeat lists the worker with everything it reported", async ({ backend, clock }) => {
    const worker = info("w-1", clock.now());
    await backend.workerHeartbeat({ worker, ttlMs: 10_000 });
    expect(await backend.workerList()).toEqual([{ ...worker, lastSeenAt: clock.now() }]);
  });

  test("a later heartbeat updates the listing", async ({ backend, clock }) => {
    const t0 = clock.now();
    await backend.workerHeartbeat({ worker: info("w-1", t0), ttlMs: 10_000 });
    clock.advance(3_000);
    await backend.workerHeartbeat({ worker: { ...info("w-1", t0), running: [] }, ttlMs: 10_000 });
    expect(await backend.workerList()).toEqual([{ ...info("w-1", t0), running: [], lastSeenAt: t0 + 3_000 }]);
  });

  test("a worker silent for longer than its ttl is no longer listed", async ({ backend, clock }) => {
    await backend.workerHeartbeat({ worker: info("short", clock.now()), ttlMs: 5_000 });
    await backend.workerHeartbeat({ worker: info("long", clock.now()), ttlMs: 60_000 });
    clock.advance(4_000);
    expect((await backend.workerList()).map((w) => w.id).sort()).toEqual(["long", "short"]);
    clock.advance(2_000);
    expect((await backend.workerList()).map((w) => w.id)).toEqual(["long"]);
  });

  test("a heartbeat within the ttl keeps the worker listed", async ({ backend, clock }) => {
    for (let i = 0; i < 4; i++) {
      await backend.workerHeartbeat({ worker: info("w", 0), ttlMs: 5_000 });
      clock.advance(4_000);
    }
    expect((await backend.workerList()).map((w) => w.id)).toEqual(["w"]);
  });

  test("a removed worker is no longer listed", async ({ backend, clock }) => {
    await backend.workerHeartbeat({ worker: info("a", clock.now()), ttlMs: 60_000 });
    await backend.workerHeartbeat({ worker: info("b", clock.now()), ttlMs: 60_000 });
    await backend.workerRemove({ id: "a" });
    expect((await backend.workerList()).map((w) => w.id)).toEqual(["b"]);
  });
});
