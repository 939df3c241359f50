/** The audit log and session revocations on PostgreSQL (tables `audit` and `revoked_sessions`). */
import {
  auditListLimit,
  auditPageOf,
  checkAuditEntries,
  checkPruneLimit,
  checkSessionId,
  encodeAuditEntry,
} from "../audit-shared.js";
import type { AuditBackend, AuditEntry, AuditListParams, AuditPage } from "../backend.js";
import type { PgStore } from "./store.js";

export class PgAudit implements AuditBackend {
  constructor(private readonly store: PgStore) {}

  private get sql() {
    return this.store.sql;
  }

  async auditAppend({ entries }: { entries: readonly AuditEntry[] }): Promise<void> {
    checkAuditEntries(entries);
    if (entries.length === 0) return;
    await this.store.write("audit append", async (tx) => {
      await tx.q(this.sql.AUDIT_INSERT, {
        ids: entries.map((e) => e.id),
        ats: entries.map((e) => e.at),
        entries: entries.map(encodeAuditEntry),
      });
    });
  }

  async auditList(params: AuditListParams): Promise<AuditPage> {
    const limit = auditListLimit(params);
    const rows = await this.store.read((q) =>
      q<{ id: string; entry: string }>(this.sql.AUDIT_LIST, {
        before: params.cursor ?? null,
        limit: limit + 1,
      }),
    );
    return auditPageOf(
      rows.map((r) => r.entry),
      limit,
    );
  }

  async auditPrune({ before, limit }: { before: number; limit: number }): Promise<{ removed: number }> {
    checkPruneLimit(limit);
    const removed = await this.store.write(
      "audit prune",
      async (tx) => (await tx.q(this.sql.AUDIT_PRUNE, { before, limit })).length,
    );
    return { removed };
  }

  async sessionRevoke({ id, expiresAt }: { id: string; expiresAt: number }): Promise<void> {
    checkSessionId(id);
    await this.store.write("session revoke", async (tx) => {
      await tx.q(this.sql.SESSION_PRUNE, { now: tx.now });
      if (expiresAt > tx.now) await tx.q(this.sql.SESSION_REVOKE, { id, expires_at: expiresAt });
    });
  }

  async sessionRevoked({ id }: { id: string }): Promise<boolean> {
    checkSessionId(id);
    const rows = await this.store.read((q) => q(this.sql.SESSION_REVOKED, { id, now: this.store.now() }));
    return rows.length > 0;
  }
}
