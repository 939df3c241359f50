/**
 * The conformance suite on Redis: one fresh key prefix per test (`spool-test-<uuid>`, so tests
 * run concurrently on one server without seeing each other), deleted when the test closes the
 * backend. Uses SPOOL_TEST_REDIS_URL (default redis://127.0.0.1:6379/0).
 *
 * No Redis reachable: the suite is skipped with a loud warning, except under CI=true, where a
 * missing Redis fails the run (CI must not pass by testing nothing).
 */
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { describe, expect, test } from "vitest";
import { createRedisBackend } from "../../src/backend/redis/index.js";
import { runConformance } from "./run-conformance.js";

const URL_BASE = process.env.SPOOL_TEST_REDIS_URL ?? "redis://127.0.0.1:6379/0";

async function probe(): Promise<string | null> {
  const redis = new Redis(URL_BASE, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on("error", () => {});
  try {
    await redis.connect();
    await redis.ping();
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  } finally {
    redis.disconnect();
  }
}

const unavailable = await probe();
const inCi = process.env.CI === "true";

if (unavailable !== null && !inCi) {
  console.warn(
    `\n⚠️  SKIPPING the Redis conformance suite: no Redis at ${URL_BASE} (${unavailable}).\n` +
      `   Start one (bash scripts/services.sh) or set SPOOL_TEST_REDIS_URL. Under CI=true this fails.\n`,
  );
}

describe.runIf(unavailable !== null)("redis backend", () => {
  test.skipIf(!inCi)("needs a reachable Redis under CI", () => {
    expect.fail(`no Redis at ${URL_BASE}: ${unavailable}`);
  });
  test.skipIf(inCi)(`is skipped: no Redis at ${URL_BASE}`, () => {});
});

/** Each test's prefix, so a peer handle can open the same store. */
const prefixes = new WeakMap<object, string>();

/** Deletes every key under one prefix (SCAN, never KEYS). */
async function dropPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `{${prefix}}:*`, "COUNT", 1000);
    cursor = next;
    if (keys.length > 0) await redis.unlink(...keys);
  } while (cursor !== "0");
}

if (unavailable === null) {
  runConformance({
    name: "redis",
    push: true,
    create: async ({ clock }) => {
      const prefix = `spool-test-${randomUUID()}`;
      const sep = URL_BASE.includes("?") ? "&" : "?";
      const backend = await createRedisBackend(`${URL_BASE}${sep}prefix=${prefix}`, { clock });
      prefixes.set(backend, prefix);
      const close = backend.close.bind(backend);
      let closed = false;
      backend.close = async () => {
        if (!closed) {
          closed = true;
          await dropPrefix(backend.client, prefix).catch(() => {});
        }
        await close();
      };
      return backend;
    },
    createPeer: (backend, { clock }) => {
      const sep = URL_BASE.includes("?") ? "&" : "?";
      return createRedisBackend(`${URL_BASE}${sep}prefix=${prefixes.get(backend)}`, { clock });
    },
  });
}
