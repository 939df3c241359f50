/**
 * Push delivery on Redis (see scripts/includes/push.lua): a parked worker waits with BLPOP on
 * its inbox, on a connection of its own, for jobs a claim or enqueue leased to it.
 */
import type { Redis } from "ioredis";
import type { LeasedJob } from "../../core/types.js";
import { leased } from "./records.js";
import { type RedisStore, wrap } from "./store.js";

/** A parked worker's BLPOP waits at most this long per call (below the command timeout). */
export const PUSH_WAIT_MAX_MS = 10_000;
const PUSH_WAIT_MIN_MS = 10;
/** After a failed BLPOP, wait this long (at most) before the claim loop goes round again. */
const PUSH_ERROR_PAUSE_MS = 500;
/** Matches INBOX_TTL_MS in push.lua. */
const PUSH_INBOX_TTL_MS = 3_600_000;
/** The inbox entry that ends a BLPOP early (a real entry is a JSON array). */
const PUSH_INTERRUPT = "0";

export class RedisPush {
  private readonly conns = new Map<string, Redis>();

  constructor(private readonly store: RedisStore) {}

  async await({ workerId, timeoutMs }: { workerId: string; timeoutMs: number }): Promise<LeasedJob[]> {
    if (this.store.closed) return [];
    const conn = this.connection(workerId);
    // BLPOP takes seconds (fractions allowed); 0 would block forever.
    const seconds = Math.max(PUSH_WAIT_MIN_MS, Math.min(timeoutMs, PUSH_WAIT_MAX_MS)) / 1000;
    let reply: [string, string] | null;
    try {
      reply = await conn.blpop(this.inboxKey(workerId), seconds);
    } catch {
      // Connection trouble (the claim loop reports it on its own calls): do not spin.
      if (!this.store.closed) await sleep(Math.min(timeoutMs, PUSH_ERROR_PAUSE_MS));
      return [];
    }
    if (reply === null) return [];
    if (reply[1] === PUSH_INTERRUPT) {
      // Interrupted (the worker stops): the connection is not needed any more.
      this.conns.delete(workerId);
      conn.quit().catch(() => conn.disconnect());
      return [];
    }
    return decodePushed(reply[1], workerId, this.store.time().skew);
  }

  async interrupt({ workerId }: { workerId: string }): Promise<void> {
    if (this.store.closed || !this.conns.has(workerId)) return;
    const key = this.inboxKey(workerId);
    try {
      await this.store.redis.multi().lpush(key, PUSH_INTERRUPT).pexpire(key, PUSH_INBOX_TTL_MS).exec();
    } catch (err) {
      throw wrap(err, "push interrupt");
    }
  }

  /** Drops every blocking connection (the backend closes). */
  disconnectAll(): void {
    const conns = [...this.conns.values()];
    this.conns.clear();
    for (const c of conns) c.disconnect();
  }

  /** One blocking connection per parked worker (BLPOP holds its connection). */
  private connection(workerId: string): Redis {
    let conn = this.conns.get(workerId);
    if (!conn) {
      // The offline queue is harmless here (a BLPOP sent after a reconnect pops as usual) and
      // lets the first wait go out while the new connection is still opening.
      conn = this.store.redis.duplicate({
        lazyConnect: false,
        enableOfflineQueue: true,
        connectionName: "spool:push",
      });
      conn.on("error", () => {});
      this.conns.set(workerId, conn);
    }
    return conn;
  }

  private inboxKey(workerId: string): string {
    return `${this.store.keyPrefix}inbox:${workerId}`;
  }
}

/**
 * One inbox entry of push.lua, `[token, at, id, fields, attempt, exp, …]`, as leased jobs, with
 * the lease expiry moved to the receiver's frame (`skew`: store time minus its clock).
 */
export function decodePushed(entry: string, workerId: string, skew: number): LeasedJob[] {
  if (!entry.startsWith("[")) return []; // an interrupt marker left over
  const push = JSON.parse(entry) as unknown[];
  const token = push[0] as string;
  const at = Number(push[1]);
  const jobs: LeasedJob[] = [];
  for (let i = 2; i < push.length; i += 4) {
    jobs.push(
      leased(push[i] as string, push[i + 1] as string[], {
        token,
        workerId,
        at,
        attempt: Number(push[i + 2]),
        leaseExpiresAt: Number(push[i + 3]) - skew,
      }),
    );
  }
  return jobs;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
