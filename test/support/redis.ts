/**
 * The shared test Redis (SPOOL_TEST_REDIS_URL, default redis://127.0.0.1:6379/0) for tests
 * outside the conformance suite: `redisUrl()` gives a URL with a fresh key prefix, and
 * `redisReachable` says whether to run. Unreachable: the caller skips loudly, except under
 * CI=true, where `requireRedis` turns that into a failing test.
 */
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { expect, test } from "vitest";

export const REDIS_URL_BASE = process.env.SPOOL_TEST_REDIS_URL ?? "redis://127.0.0.1:6379/0";

async function probe(): Promise<string | null> {
  const redis = new Redis(REDIS_URL_BASE, {
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
export const redisReachable = unavailable === null;

/** Registers the loud skip (or, under CI, the failure) for a file whose tests need Redis. */
export function requireRedis(what: string): void {
  if (redisReachable) return;
  const inCi = process.env.CI === "true";
  if (!inCi) {
    console.warn(
      `\n⚠️  SKIPPING ${what}: no Redis at ${REDIS_URL_BASE} (${unavailable}).\n` +
        "   Start one (bash scripts/services.sh) or set SPOOL_TEST_REDIS_URL. Under CI=true this fails.\n",
    );
  }
  test.skipIf(!inCi)(`${what} needs a reachable Redis under CI`, () => {
    expect.fail(`no Redis at ${REDIS_URL_BASE}: ${unavailable}`);
  });
}

/** Deletes every key under one prefix (SCAN, never KEYS). */
export async function dropPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `{${prefix}}:*`, "COUNT", 1000);
    cursor = next;
    if (keys.length > 0) await redis.unlink(...keys);
  } while (cursor !== "0");
}

/** A URL on the shared Redis with a prefix of its own, and a cleanup that deletes its keys. */
export function redisUrl(): { url: string; cleanup: () => Promise<void> } {
  const prefix = `spool-test-${randomUUID()}`;
  const sep = REDIS_URL_BASE.includes("?") ? "&" : "?";
  return {
    url: `${REDIS_URL_BASE}${sep}prefix=${prefix}`,
    async cleanup() {
      const redis = new Redis(REDIS_URL_BASE);
      try {
        await dropPrefix(redis, prefix);
      } finally {
        redis.disconnect();
      }
    },
  };
}
