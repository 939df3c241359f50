/**
 * The Redis backend's command connection, its scripts and the call helpers every section
 * uses. The section files (jobs.ts, control.ts, reads.ts, maintenance.ts, push.ts) act on one
 * `RedisStore`; redis-backend.ts composes them.
 */
import type { Redis } from "ioredis";
import type { Clock } from "../../core/clock.js";
import { BackendError, isSpoolError } from "../../core/errors/index.js";
import { monotonicMs, StoreClock, type StoreTime } from "../store-clock.js";
import { checkReply } from "./codes.js";
import { message } from "./connection.js";
import type { EnqueueGroup } from "./enqueue-group.js";
import { resolveScript, SCRIPT_NAMES, type ScriptName } from "./scripts.js";
import { RedisSubscriber } from "./subscriber.js";

/** How often the store clock is measured again against the server's TIME. */
const CLOCK_RESYNC_MS = 30_000;
/** Longest a write waits for the first SUBSCRIBE to be confirmed (see `RedisSubscriber`). */
const FEED_READY_WAIT_MS = 2_000;

/**
 * A defined script. Its arguments go as ONE array (ioredis flattens it into the command): a
 * spread would overflow the JS call stack for a 100,000-job batch (~800,000 arguments).
 */
type ScriptFn = (prefix: string, args: (string | number)[]) => Promise<unknown>;

export class RedisStore {
  /** `{prefix}:` — one hash tag, so every key of this store lives in one cluster slot. */
  readonly keyPrefix: string;
  readonly subscriber: RedisSubscriber;
  private readonly scripts: Record<ScriptName, ScriptFn>;
  /** Enqueues are group-committed (enqueue-group.ts); set up by jobs.ts's `enqueueGroup`. */
  enqueues!: EnqueueGroup;
  /** The server's clock, as seen from here: monotonic + offset measured with TIME (store-clock.ts). */
  private readonly storeClock: StoreClock;
  private resync: ReturnType<typeof setInterval> | null = null;
  closed = false;

  constructor(
    readonly clock: Clock,
    readonly redis: Redis,
    /** The subscriber connection (connected by createRedisBackend, SUBSCRIBEd on first use). */
    readonly sub: Redis,
    prefix: string,
  ) {
    this.keyPrefix = `{${prefix}}:`;
    this.subscriber = new RedisSubscriber(sub, this.keyPrefix);
    const scripts = {} as Record<ScriptName, ScriptFn>;
    for (const name of SCRIPT_NAMES) {
      const command = `spool_${name.replace(/-/g, "_")}`;
      redis.defineCommand(command, { numberOfKeys: 1, lua: resolveScript(name) });
      const fn = (redis as unknown as Record<string, ScriptFn>)[command]!;
      scripts[name] = fn.bind(redis);
    }
    this.scripts = scripts;
    this.storeClock = new StoreClock(clock);
  }

  /** The store's time now and the caller's skew against it (see store-clock.ts). */
  time(): StoreTime {
    return this.storeClock.time();
  }

  /**
   * Measures the store clock against the server's TIME (the midpoint of the round trip, so
   * the error is at most half of it), now and every CLOCK_RESYNC_MS. Only for a caller on a
   * wall clock; a failed resync keeps the last offset.
   */
  async startClock(): Promise<void> {
    if (!this.storeClock.active) return;
    await this.measureClock();
    this.resync = setInterval(() => {
      this.measureClock().catch(() => {});
    }, CLOCK_RESYNC_MS);
    this.resync.unref();
  }

  stopClock(): void {
    if (this.resync) clearInterval(this.resync);
    this.resync = null;
  }

  private async measureClock(): Promise<void> {
    const before = monotonicMs();
    const [seconds, micros] = await this.redis.time();
    const after = monotonicMs();
    const server = Number(seconds) * 1000 + Number(micros) / 1000;
    this.storeClock.setOffset(server - (before + after) / 2);
  }

  jobKey(id: string): string {
    return `${this.keyPrefix}job:${id}`;
  }

  assertOpen(): void {
    if (this.closed) throw new BackendError("the Redis backend is closed", { code: "BACKEND_CLOSED" });
  }

  /** Runs a script that replies `{ code, … }` and maps negative codes to spool errors. */
  async run(name: ScriptName, args: (string | number)[], writes = true): Promise<unknown[]> {
    return checkReply(name, await this.runRaw(name, args, writes));
  }

  async runRaw(name: ScriptName, args: (string | number)[], writes = true): Promise<unknown> {
    this.assertOpen();
    if (writes && this.subscriber.pending) await waitAtMost(this.subscriber.pending, FEED_READY_WAIT_MS);
    try {
      return await this.scripts[name](this.keyPrefix, args);
    } catch (err) {
      throw wrap(err, name);
    }
  }
}

export function wrap(err: unknown, op: string): Error {
  if (isSpoolError(err)) return err;
  const what =
    op === "enqueue"
      ? "enqueue could not be confirmed (the jobs may or may not have been written; retry with idempotency keys)"
      : `${op} failed`;
  return new BackendError(`Redis ${what}: ${message(err)}`, { cause: err, code: "REDIS_ERROR" });
}

/** `{ 0, n, ok ids (n of them)…, other ids… }` → ok / refused. */
export function split(reply: unknown[]): { ok: string[]; refused: string[] } {
  const n = Number(reply[1]);
  return { ok: reply.slice(2, 2 + n) as string[], refused: reply.slice(2 + n) as string[] };
}

function waitAtMost(promise: Promise<void>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    promise.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
