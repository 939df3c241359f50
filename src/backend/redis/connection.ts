/**
 * Connections: one command connection per backend, plus one subscriber connection opened on
 * the first `subscribe()`. The options are chosen for "never lose an acknowledged job, never
 * acknowledge an unconfirmed one":
 *
 * - `enableOfflineQueue: false` — while disconnected a command fails at once with a
 *   BackendError instead of waiting in an in-memory queue that a process crash would lose.
 *   The worker's claim loop and outcome batcher already retry with capped backoff.
 * - `autoResendUnfulfilledCommands: false`, `maxRetriesPerRequest: 0` — a command in flight
 *   when the connection drops is rejected, never silently re-sent: a script is not idempotent
 *   (a re-sent claim would lease jobs nobody runs), so the caller decides. For an enqueue this
 *   means "could not be confirmed": it may or may not have been written (use idempotency keys
 *   to retry safely).
 * - `retryStrategy` — spool-owned reconnect backoff: 50 ms doubling to 2 s, with jitter, and
 *   never giving up, so a long Redis outage ends with the process reconnecting on its own.
 * - `reconnectOnError` — on READONLY (a failover turned our node into a replica) reconnect.
 * - `commandTimeout` — a hung server (SIGSTOP, network black hole) fails calls after 15 s
 *   rather than hanging the worker forever.
 */
import { Redis, type RedisOptions } from "ioredis";
import { BackendError } from "../../core/errors/index.js";
import { redact } from "../redact.js";

export const RECONNECT_DELAY_MIN_MS = 50;
export const RECONNECT_DELAY_MAX_MS = 2_000;
export const COMMAND_TIMEOUT_MS = 15_000;
export const CONNECT_TIMEOUT_MS = 5_000;

export function reconnectDelay(attempt: number): number {
  const base = Math.min(RECONNECT_DELAY_MAX_MS, RECONNECT_DELAY_MIN_MS * 2 ** Math.min(attempt - 1, 10));
  return Math.round(base * (0.75 + Math.random() * 0.5));
}

export function commandOptions(): RedisOptions {
  return {
    lazyConnect: true,
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 0,
    retryStrategy: reconnectDelay,
    reconnectOnError: (err) => (err.message.startsWith("READONLY") ? 1 : false),
    commandTimeout: COMMAND_TIMEOUT_MS,
    connectTimeout: CONNECT_TIMEOUT_MS,
    connectionName: "spool",
  };
}

/** The subscriber may queue SUBSCRIBE while reconnecting (ioredis re-subscribes on reconnect). */
export function subscriberOptions(): RedisOptions {
  return {
    ...commandOptions(),
    enableOfflineQueue: true,
    autoResubscribe: true,
    commandTimeout: undefined,
    connectionName: "spool:feed",
  };
}

export async function connect(url: string, options: RedisOptions): Promise<Redis> {
  const redis = new Redis(url, options);
  // Errors also surface on the calls that hit them; without a listener ioredis would log each one.
  redis.on("error", () => {});
  try {
    await redis.connect();
  } catch (cause) {
    redis.disconnect();
    throw new BackendError(`cannot connect to Redis at ${redact(url)}: ${message(cause)}`, {
      cause,
      code: "REDIS_UNAVAILABLE",
    });
  }
  return redis;
}

/**
 * Refuses a Redis whose maxmemory-policy may evict keys: eviction silently deletes job hashes,
 * ready-set entries and leases, which breaks "an enqueued job is never lost" and fencing.
 * CONFIG is often disabled on managed Redis; INFO memory reports the policy too. If neither
 * answers, the policy cannot be known and the backend proceeds.
 */
export async function checkEvictionPolicy(redis: Redis): Promise<void> {
  let policy: string | null = null;
  try {
    const reply = (await redis.call("CONFIG", "GET", "maxmemory-policy")) as unknown;
    if (Array.isArray(reply) && typeof reply[1] === "string") policy = reply[1];
  } catch {
    // CONFIG disabled or renamed: fall through to INFO.
  }
  if (policy === null) {
    try {
      const info = await redis.info("memory");
      policy = /^maxmemory_policy:(\S+)/m.exec(info)?.[1] ?? null;
    } catch {
      return;
    }
  }
  if (policy !== null && policy !== "noeviction") {
    throw new BackendError(
      `Redis maxmemory-policy is "${policy}": spool needs "noeviction", because eviction silently ` +
        `deletes jobs, queue entries and leases when memory runs out (set it with ` +
        `CONFIG SET maxmemory-policy noeviction, or add ?allowEviction=true to the URL to accept the risk)`,
      { code: "REDIS_EVICTION_POLICY" },
    );
  }
}

export function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
