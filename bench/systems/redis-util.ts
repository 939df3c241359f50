/** Redis helpers for the bench: reachability, server facts, and flushing the bench's own database. */
import { Redis } from "ioredis";

export function redisDb(url: string): number {
  const m = /\/(\d+)\s*$/.exec(new URL(url).pathname);
  return m ? Number(m[1]) : 0;
}

export function redisConnection(url: string): { host: string; port: number; db: number } {
  const u = new URL(url);
  return { host: u.hostname || "127.0.0.1", port: Number(u.port || 6379), db: redisDb(url) };
}

async function withRedis<T>(url: string, fn: (r: Redis) => Promise<T>): Promise<T> {
  const r = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    connectTimeout: 1000,
    retryStrategy: () => null,
  });
  r.on("error", () => {});
  try {
    await r.connect();
    return await fn(r);
  } finally {
    r.disconnect();
  }
}

/** Null when reachable, otherwise why not. */
export async function probeRedis(url: string): Promise<string | null> {
  try {
    await withRedis(url, (r) => r.ping());
    return null;
  } catch (err) {
    return `Redis at ${url} unreachable: ${(err as Error).message}`;
  }
}

/**
 * Deletes every key of one spool store prefix (SCAN + UNLINK): for runs on a Redis others
 * share, where FLUSHDB is not an option.
 */
export async function dropRedisPrefix(url: string, prefix: string): Promise<void> {
  await withRedis(url, async (r) => {
    let cursor = "0";
    do {
      const [next, keys] = await r.scan(cursor, "MATCH", `{${prefix}}:*`, "COUNT", 5000);
      cursor = next;
      if (keys.length > 0) await r.unlink(...keys);
    } while (cursor !== "0");
  });
}

/** FLUSHDB on the bench database only (never database 0, which tests use). */
export async function flushRedisDb(url: string): Promise<void> {
  if (redisDb(url) === 0)
    throw new Error("refusing to FLUSHDB Redis database 0: set BENCH_REDIS_URL to a spare db");
  await withRedis(url, (r) => r.flushdb());
}

/** Version and persistence settings, printed next to the Redis-backed rows. */
export async function redisFacts(url: string): Promise<string> {
  return withRedis(url, async (r) => {
    const info = await r.info("server");
    const version = /redis_version:(\S+)/.exec(info)?.[1] ?? "?";
    const aof = ((await r.config("GET", "appendonly")) as string[])[1];
    const fsync = ((await r.config("GET", "appendfsync")) as string[])[1];
    const save = ((await r.config("GET", "save")) as string[])[1];
    return `Redis ${version}: appendonly=${aof} appendfsync=${fsync} save="${save}" (anchors.md peers ran without persistence)`;
  });
}
