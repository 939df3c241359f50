/**
 * The audit log and session revocations on Redis. The log is three keys written together by
 * one script (`scripts/audit-*.lua`): `P audit` (a zset whose scores are all 0, so members sort
 * by id, which is time order), `P audit:at` (by time, for pruning) and `P audit:entries` (id →
 * JSON). A revoked session is one key, `P session:revoked:<id>`, that expires with the session,
 * so revocations never pile up.
 */
import type { Redis } from "ioredis";
import {
  auditListLimit,
  auditPageOf,
  checkAuditEntries,
  checkPruneLimit,
  checkSessionId,
  encodeAuditEntry,
} from "../audit-shared.js";
import type { AuditBackend, AuditEntry, AuditListParams, AuditPage } from "../backend.js";
import { checkReply } from "./codes.js";
import { resolveScript } from "./scripts.js";

const SCRIPTS = ["audit-append", "audit-list", "audit-prune"] as const;
type AuditScript = (typeof SCRIPTS)[number];
type ScriptFn = (prefix: string, ...args: (string | number)[]) => Promise<unknown>;

/** Entries per script call: keeps each call short (Redis runs one script at a time) and under Lua's unpack limit. */
const CHUNK = 500;

export interface RedisAuditHost {
  redis: Redis;
  /** `{prefix}:` */
  prefix: string;
  now(): number;
  /** Runs before every write (checks the backend is open). */
  beforeWrite(): Promise<void>;
  /** Turns a Redis failure into the backend's error. */
  wrap(error: unknown, op: string): Error;
}

export class RedisAudit implements AuditBackend {
  private readonly scripts = {} as Record<AuditScript, ScriptFn>;

  constructor(private readonly host: RedisAuditHost) {
    for (const name of SCRIPTS) {
      const command = `spool_${name.replace(/-/g, "_")}`;
      host.redis.defineCommand(command, { numberOfKeys: 1, lua: resolveScript(name) });
      this.scripts[name] = (host.redis as unknown as Record<string, ScriptFn>)[command]!.bind(host.redis);
    }
  }

  private async run(name: AuditScript, args: (string | number)[]): Promise<unknown[]> {
    let reply: unknown;
    try {
      reply = await this.scripts[name](this.host.prefix, ...args);
    } catch (error) {
      throw this.host.wrap(error, name);
    }
    return checkReply(name, reply);
  }

  async auditAppend({ entries }: { entries: readonly AuditEntry[] }): Promise<void> {
    checkAuditEntries(entries);
    if (entries.length === 0) return;
    await this.host.beforeWrite();
    for (let start = 0; start < entries.length; start += CHUNK) {
      const args: (string | number)[] = [];
      for (const e of entries.slice(start, start + CHUNK)) args.push(e.id, e.at, encodeAuditEntry(e));
      await this.run("audit-append", args);
    }
  }

  async auditList(params: AuditListParams): Promise<AuditPage> {
    const limit = auditListLimit(params);
    const reply = await this.run("audit-list", [params.cursor ?? "", limit + 1]);
    return auditPageOf(
      reply.slice(1).map((text) => String(text)),
      limit,
    );
  }

  async auditPrune({ before, limit }: { before: number; limit: number }): Promise<{ removed: number }> {
    checkPruneLimit(limit);
    await this.host.beforeWrite();
    let removed = 0;
    while (removed < limit) {
      const reply = await this.run("audit-prune", [before, Math.min(CHUNK, limit - removed)]);
      const n = Number(reply[1]);
      removed += n;
      if (n < CHUNK) break;
    }
    return { removed };
  }

  private revokedKey(id: string): string {
    return `${this.host.prefix}session:revoked:${id}`;
  }

  async sessionRevoke({ id, expiresAt }: { id: string; expiresAt: number }): Promise<void> {
    checkSessionId(id);
    const ttl = Math.ceil(expiresAt - this.host.now());
    if (ttl <= 0) return;
    await this.host.beforeWrite();
    try {
      // A second revocation keeps the later expiry (a race between two can only shorten the
      // mark to the earlier of two expiries of one session, which are equal in practice).
      const stored = Number((await this.host.redis.get(this.revokedKey(id))) ?? 0);
      if (stored < expiresAt) await this.host.redis.set(this.revokedKey(id), String(expiresAt), "PX", ttl);
    } catch (error) {
      throw this.host.wrap(error, "sessionRevoke");
    }
  }

  async sessionRevoked({ id }: { id: string }): Promise<boolean> {
    checkSessionId(id);
    try {
      const until = await this.host.redis.get(this.revokedKey(id));
      // The key's own TTL runs on Redis's clock; the stored expiry keeps the answer on the
      // backend's clock (the one tests fake), like every other backend.
      return until !== null && Number(until) > this.host.now();
    } catch (error) {
      throw this.host.wrap(error, "sessionRevoked");
    }
  }
}
