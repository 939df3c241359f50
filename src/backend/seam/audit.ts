/** The Backend seam, audit log and session revocations (see backend.ts). */
import type { EpochMs } from "../../core/types.js";

// ── audit log and session revocations ─────────────────────────────────────────────────
//
// The HTTP server records every admin action (who, what, when, with what outcome) and keeps
// the ids of dashboard sessions ended by a logout until they would have expired anyway. Both
// are small, append-mostly stores that every server process sharing the backend must see:
// an action taken through one replica is in the log read through another, and a session
// logged out on one replica is refused by all. Entries are opaque to the backend apart from
// `id` (its order) and `at` (its age, for pruning).

/** One audited action. The caller fills every field; the backend stores it as given. */
export interface AuditEntry {
  /** Sortable and unique (a UUIDv7 made from `at`): the list's order and its cursor. */
  id: string;
  at: EpochMs;
  /** Who: the token's name (or its fingerprint), or "anonymous" on a server without auth. */
  actor: string;
  /** The role the caller had: "admin", "read" or "none" (refused before a role was known). */
  role: string;
  /** How the caller authenticated: "bearer", "session" or "insecure". */
  via: string;
  /** What, as `noun.verb`: "job.retry", "queue.pause", "session.login" … */
  action: string;
  /** What it acted on (a job id, a queue or schedule name), or null. */
  target: string | null;
  /** "ok", or the error code the action was refused with ("FORBIDDEN", "INVALID_STATE" …). */
  outcome: string;
  /** The client's network address, when known. */
  address: string | null;
  /** Anything else worth keeping (the HTTP method and path, a cancel reason …), JSON-safe. */
  details: Record<string, unknown>;
}

export interface AuditListParams {
  /** `nextCursor` of the previous page. */
  cursor?: string;
  /** 1..1000, default 50. */
  limit?: number;
}

export interface AuditPage {
  /** Newest first (by id). */
  entries: AuditEntry[];
  nextCursor: string | null;
}

export interface AuditBackend {
  /** Appends entries in one write. Idempotent: an entry whose id is already stored is left as it is. */
  auditAppend(params: { entries: readonly AuditEntry[] }): Promise<void>;
  auditList(params: AuditListParams): Promise<AuditPage>;
  /** Removes at most `limit` entries older than `before` (oldest first). */
  auditPrune(params: { before: EpochMs; limit: number }): Promise<{ removed: number }>;
  /**
   * Marks a session id as ended until `expiresAt` (when the session would have expired on its
   * own, after which the mark is dropped). Idempotent.
   */
  sessionRevoke(params: { id: string; expiresAt: EpochMs }): Promise<void>;
  /** True while `id` is revoked (until its `expiresAt`). */
  sessionRevoked(params: { id: string }): Promise<boolean>;
}
