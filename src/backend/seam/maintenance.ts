/** The Backend seam, maintenance section: leases, rescue, retention, worker registry (see backend.ts). */
import type { EpochMs, LeaseRef } from "../../core/types.js";

// ── maintenance ────────────────────────────────────────────────────────────────────────

export interface LeaseRenewParams {
  leases: LeaseRef[];
  /** New lease length for jobs without their own `leaseMs`. */
  leaseMs: number;
}

export interface LeaseRenewResult {
  renewed: { id: string; leaseExpiresAt: EpochMs }[];
  /** The lease is gone (expired and rescued, cancelled, removed): abort the handler. */
  lost: string[];
}

export interface LeaseRescueParams {
  /** Most jobs to rescue in one call. */
  limit: number;
}

export interface LeaseRescueResult {
  /** Expired leases whose job goes back to `queued` (the lost attempt counts). */
  requeued: string[];
  /** Expired leases whose job had no attempts left. */
  failed: string[];
}

export interface RetentionPruneParams {
  /** Remove `completed` jobs finished before this instant. */
  completedBefore?: EpochMs;
  /** Remove `failed` jobs finished before this instant. */
  failedBefore?: EpochMs;
  /** Remove `cancelled` jobs finished before this instant. */
  cancelledBefore?: EpochMs;
  /** Keep at most this many `completed` jobs (newest kept). */
  completedKeep?: number;
  /** Keep at most this many `failed` jobs (newest kept). */
  failedKeep?: number;
  /** Most jobs to remove in one call (bounded transactions). */
  limit: number;
}

export interface WorkerInfo {
  id: string;
  host: string;
  pid: number;
  queues: string[];
  concurrency: number;
  running: string[];
  startedAt: EpochMs;
  lastSeenAt: EpochMs;
}

export interface WorkerHeartbeatParams {
  worker: Omit<WorkerInfo, "lastSeenAt">;
  /** After this long without a heartbeat the worker is listed as gone. */
  ttlMs: number;
}
