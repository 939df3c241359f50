/**
 * The audit log and session revocations on SQLite (tables `spool_audit` and
 * `spool_revoked_sessions`, migration 0004). Writes go through the backend's `write` (one
 * BEGIN IMMEDIATE transaction, sharing the busy handling of every other write); reads are
 * single indexed statements.
 */
import type Database from "better-sqlite3";
import {
  auditListLimit,
  auditPageOf,
  checkAuditEntries,
  checkPruneLimit,
  checkSessionId,
  encodeAuditEntry,
} from "../audit-shared.js";
import type { AuditBackend, AuditEntry, AuditListParams, AuditPage } from "../backend.js";
import * as SQL from "./generated/sql.js";
import { prepareLazily } from "./lazy-statement.js";

/** What the audit store borrows from the backend: its clock and transaction wrappers. */
export interface SqliteAuditHost {
  now(): number;
  write<T>(what: string, now: number, fn: () => T): Promise<T>;
  read<T>(fn: () => T): Promise<T>;
}

export class SqliteAudit implements AuditBackend {
  private readonly sql;

  constructor(
    db: Database.Database,
    private readonly host: SqliteAuditHost,
  ) {
    const p = <R>(text: string) => prepareLazily<[Record<string, unknown>], R>(db, text);
    this.sql = {
      insert: p<never>(SQL.AUDIT_INSERT),
      list: p<{ id: string; entry: string }>(SQL.AUDIT_LIST),
      prune: p<never>(SQL.AUDIT_PRUNE),
      revoke: p<never>(SQL.SESSION_REVOKE),
      revoked: p<{ revoked: number }>(SQL.SESSION_REVOKED),
      pruneRevoked: p<never>(SQL.SESSION_PRUNE),
    };
  }

  async auditAppend({ entries }: { entries: readonly AuditEntry[] }): Promise<void> {
    checkAuditEntries(entries);
    if (entries.length === 0) return;
    const now = this.host.now();
    await this.host.write("audit append", now, () => {
      for (const e of entries) this.sql.insert.run({ id: e.id, at: e.at, entry: encodeAuditEntry(e) });
    });
  }

  async auditList(params: AuditListParams): Promise<AuditPage> {
    const limit = auditListLimit(params);
    const rows = await this.host.read(() =>
      this.sql.list.all({ before: params.cursor ?? null, limit: limit + 1 }),
    );
    return auditPageOf(
      rows.map((r) => r.entry),
      limit,
    );
  }

  async auditPrune({ before, limit }: { before: number; limit: number }): Promise<{ removed: number }> {
    checkPruneLimit(limit);
    const removed = await this.host.write(
      "audit prune",
      this.host.now(),
      () => this.sql.prune.run({ before, limit }).changes,
    );
    return { removed };
  }

  async sessionRevoke({ id, expiresAt }: { id: string; expiresAt: number }): Promise<void> {
    checkSessionId(id);
    const now = this.host.now();
    await this.host.write("session revoke", now, () => {
      this.sql.pruneRevoked.run({ now });
      if (expiresAt > now) this.sql.revoke.run({ id, expires_at: expiresAt });
    });
  }

  async sessionRevoked({ id }: { id: string }): Promise<boolean> {
    checkSessionId(id);
    return (await this.host.read(() => this.sql.revoked.get({ id, now: this.host.now() }))) !== undefined;
  }
}
