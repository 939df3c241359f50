/**
 * Options that do not exist are refused with a typed error naming the key (issue 12, bug 9),
 * so a JavaScript user cannot believe that, say, a `rateLimit` holds. Nothing is written.
 */
import { afterEach, describe, expect, test } from "vitest";
import { createSpool, type Spool } from "../../src/client/spool.js";
import { InvalidArgumentError } from "../../src/core/errors/index.js";
import type { TaskConfig } from "../../src/core/task.js";

let spool: Spool;
afterEach(async () => {
  await spool?.close();
});

function refused(fn: () => unknown, key: string): void {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(InvalidArgumentError);
  expect((err as InvalidArgumentError).argument).toBe(key);
  expect((err as Error).message).toContain(`"${key}"`);
}

describe("unknown option keys", () => {
  test("task() refuses concurrencyKey and limiter", () => {
    spool = createSpool({ backend: "memory://", logger: { level: "silent" } });
    for (const key of ["concurrencyKey", "limiter"]) {
      const config = { name: `t-${key}`, run: () => 1, [key]: { max: 1 } };
      refused(() => spool.task(config as TaskConfig<unknown, unknown>), key);
    }
    // The refused definitions did not register: the names are still free.
    expect(() => spool.task({ name: "t-rateLimit", run: () => 1 })).not.toThrow();
  });

  test("worker() refuses an unknown option", () => {
    spool = createSpool({ backend: "memory://", logger: { level: "silent" } });
    refused(
      () => spool.worker({ concurrency: 2, rateLimit: 5 } as Parameters<Spool["worker"]>[0]),
      "rateLimit",
    );
  });

  test("enqueue() refuses an unknown option and writes nothing", async () => {
    spool = createSpool({ backend: "memory://", logger: { level: "silent" } });
    const t = spool.task({ name: "t", run: () => 1 });
    const options = { priority: 1, concurrencyKey: "user-1" } as Parameters<typeof t.enqueue>[1];
    const err = await t.enqueue(undefined, options).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(InvalidArgumentError);
    expect((err as InvalidArgumentError).argument).toBe("concurrencyKey");
    await expect(
      t.enqueueMany([{ input: undefined, options: { limiter: true } as Parameters<typeof t.enqueue>[1] }]),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
    const queues = await spool.queues.list();
    expect(queues.reduce((n, q) => n + Object.values(q.counts).reduce((a, b) => a + b, 0), 0)).toBe(0);
  });
});
