/**
 * Keeps the audit log bounded: each server prunes entries older than `auditRetention` (90 days
 * by default) at start and then hourly. Several replicas pruning the same store is harmless
 * (a prune removes what is old, whoever runs it). Also: where a request came from.
 */
import { getConnInfo } from "@hono/node-server/conninfo";
import type { Context } from "hono";
import type { Spool } from "../client/spool.js";

export const AUDIT_PRUNE_INTERVAL_MS = 60 * 60_000;
/** Entries removed per prune call (a bounded write). */
export const AUDIT_PRUNE_BATCH = 10_000;

export function startAuditPruning(spool: Spool, retentionMs: number): { stop(): void } {
  let stopped = false;
  const run = async () => {
    try {
      const backend = await spool.backend();
      const before = spool.clock.now() - retentionMs;
      while (!stopped) {
        const { removed } = await backend.auditPrune({ before, limit: AUDIT_PRUNE_BATCH });
        if (removed < AUDIT_PRUNE_BATCH) break;
      }
    } catch (err) {
      if (!stopped) spool.logger.warn({ err }, "audit log pruning failed; will try again in an hour");
    }
  };
  void run();
  const timer = setInterval(() => void run(), AUDIT_PRUNE_INTERVAL_MS);
  timer.unref();
  return {
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}

/** The peer address of the request's socket ("unknown" when served without one, e.g. `app.request`). */
export function clientAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? "unknown";
  } catch {
    return "unknown";
  }
}
