/**
 * Checks every backend applies to the audit log and session revocations the same way, so a
 * bad entry writes nothing on any store, and pages the log by the same rule.
 */
import { InvalidArgumentError } from "../core/errors/index.js";
import type { AuditEntry, AuditListParams, AuditPage } from "./backend.js";
import { LIST_LIMIT_DEFAULT, LIST_LIMIT_MAX } from "./backend.js";

/** Longest id, actor, action, target or address accepted (they are labels, not documents). */
const FIELD_MAX = 512;

function label(value: unknown, field: string, nullable = false): void {
  if (nullable && value === null) return;
  if (typeof value !== "string" || value.length === 0 || value.length > FIELD_MAX)
    throw new InvalidArgumentError(`audit ${field} must be a string of 1..${FIELD_MAX} characters`, field);
}

export function checkAuditEntries(entries: readonly AuditEntry[]): void {
  const ids = new Set<string>();
  for (const e of entries) {
    label(e.id, "id");
    if (ids.has(e.id)) throw new InvalidArgumentError(`duplicate audit id "${e.id}" in batch`, "id");
    ids.add(e.id);
    if (!Number.isFinite(e.at)) throw new InvalidArgumentError("audit at must be a finite epoch ms", "at");
    label(e.actor, "actor");
    label(e.role, "role");
    label(e.via, "via");
    label(e.action, "action");
    label(e.outcome, "outcome");
    label(e.target, "target", true);
    label(e.address, "address", true);
    if (typeof e.details !== "object" || e.details === null || Array.isArray(e.details))
      throw new InvalidArgumentError("audit details must be an object", "details");
  }
}

export function auditListLimit(params: AuditListParams): number {
  const limit = params.limit ?? LIST_LIMIT_DEFAULT;
  if (!Number.isInteger(limit) || limit < 1 || limit > LIST_LIMIT_MAX)
    throw new InvalidArgumentError(`limit must be an integer in 1..${LIST_LIMIT_MAX}, got ${limit}`, "limit");
  return limit;
}

export function checkPruneLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1)
    throw new InvalidArgumentError(`limit must be a positive integer, got ${limit}`, "limit");
}

export function checkSessionId(id: unknown): asserts id is string {
  label(id, "session id");
}

/** Entries stored as JSON carry every field but `id`, which is the key. */
export function encodeAuditEntry(e: AuditEntry): string {
  return JSON.stringify(e);
}

export function decodeAuditEntry(text: string): AuditEntry {
  return JSON.parse(text) as AuditEntry;
}

/**
 * One page of the audit log from the stored entries a store read, newest first: each store
 * reads `limit + 1`, so one more than the page says another page follows (its cursor is the
 * last entry's id).
 */
export function auditPageOf(stored: readonly string[], limit: number): AuditPage {
  const entries = stored.slice(0, limit).map(decodeAuditEntry);
  return { entries, nextCursor: stored.length > limit ? entries.at(-1)!.id : null };
}
