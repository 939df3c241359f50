/**
 * Rows as node-postgres returns them (bigint as number, jsonb parsed, text[] as arrays) and
 * their mapping to spool's records (the columns both SQL stores share: ../sql-rows.ts).
 */
import type { JobErrorRecord, JobProgress, JobRecord, JobState, LeasedJob } from "../../core/types.js";
import { type JobRowColumns, recordFromRow } from "../sql-rows.js";

export { type WorkerRow, workerFromRow as toWorker } from "../sql-rows.js";

export interface JobRow extends JobRowColumns {
  errors: JobErrorRecord[];
  progress: JobProgress | null;
  depends_on: string[];
  has_dependents: boolean;
}

export function toRecord(row: JobRow): JobRecord {
  return recordFromRow(row, row.errors, row.progress, row.depends_on);
}

/** A row just claimed (running, token and expiry set). */
export function toLeased(row: JobRow): LeasedJob {
  return { ...toRecord(row), leaseToken: row.lease_token!, leaseExpiresAt: row.lease_expires_at! };
}

export function jobEvent(
  type: import("../backend.js").BackendEventType,
  jobId: string,
  queue: string,
  at: number,
  state: JobState,
  data?: Record<string, unknown>,
): import("../backend.js").BackendEvent {
  return data === undefined ? { type, jobId, queue, at, state } : { type, jobId, queue, at, state, data };
}
