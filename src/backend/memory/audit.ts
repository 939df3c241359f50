/**
 * The audit log and session revocations in the memory backend: an array kept in id order
 * (appends arrive in nearly increasing id order, so insertion is a short backwards walk) and
 * a map of revoked session ids with their expiry.
 */
import { auditListLimit, checkAuditEntries, checkPruneLimit, checkSessionId } from "../audit-shared.js";
import type { AuditBackend, AuditEntry, AuditListParams, AuditPage } from "../backend.js";

export class MemoryAudit implements AuditBackend {
  /** Oldest id first. */
  private readonly entries: AuditEntry[] = [];
  private readonly ids = new Set<string>();
  private readonly revoked = new Map<string, number>();

  constructor(private readonly now: () => number) {}

  async auditAppend({ entries }: { entries: readonly AuditEntry[] }): Promise<void> {
    checkAuditEntries(entries);
    for (const e of entries) {
      if (this.ids.has(e.id)) continue;
      let at = this.entries.length;
      while (at > 0 && this.entries[at - 1]!.id > e.id) at--;
      this.entries.splice(at, 0, structuredClone(e));
      this.ids.add(e.id);
    }
  }

  async auditList(params: AuditListParams): Promise<AuditPage> {
    const limit = auditListLimit(params);
    const out: AuditEntry[] = [];
    for (let i = this.entries.length - 1; i >= 0 && out.length <= limit; i--) {
      const e = this.entries[i]!;
      if (params.cursor === undefined || e.id < params.cursor) out.push(structuredClone(e));
    }
    const more = out.length > limit;
    if (more) out.pop();
    return { entries: out, nextCursor: more ? out.at(-1)!.id : null };
  }

  async auditPrune({ before, limit }: { before: number; limit: number }): Promise<{ removed: number }> {
    checkPruneLimit(limit);
    const old = this.entries
      .filter((e) => e.at < before)
      .sort((a, b) => a.at - b.at)
      .slice(0, limit);
    const gone = new Set(old.map((e) => e.id));
    for (let i = this.entries.length - 1; i >= 0; i--)
      if (gone.has(this.entries[i]!.id)) this.entries.splice(i, 1);
    for (const id of gone) this.ids.delete(id);
    return { removed: gone.size };
  }

  async sessionRevoke({ id, expiresAt }: { id: string; expiresAt: number }): Promise<void> {
    checkSessionId(id);
    const now = this.now();
    for (const [other, until] of this.revoked) if (until <= now) this.revoked.delete(other);
    if (expiresAt > now) this.revoked.set(id, Math.max(expiresAt, this.revoked.get(id) ?? 0));
  }

  async sessionRevoked({ id }: { id: string }): Promise<boolean> {
    checkSessionId(id);
    const until = this.revoked.get(id);
    return until !== undefined && until > this.now();
  }
}
