/**
 * Rows as node-postgres returns them (bigint as number, jsonb parsed, text[] as arrays) and
 * their mapping to spool's records (the columns both SQL stores share: ../sql-rows.ts).
 */
import type { JobErrorRecord, JobProgress, JobRecord, JobState, LeasedJob } from "../../core/types.js";
import { type JobRowColumns, recordFromRow, type SqlClaimWrite } from "../sql-rows.js";

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

/**
 * What job-claim-fast.sql returns per row, in order, after its `fast, now, next_run_at`: only the
 * columns the claim did not set; `errors`, `meta` and `depends_on` NULL when empty.
 */
export const CLAIM_COLUMNS = [
  "id",
  "task",
  "priority",
  "run_at",
  "attempt",
  "max_attempts",
  "input",
  "result",
  "errors",
  "progress",
  "key",
  "meta",
  "depends_on",
  "pending_dependencies",
  "lease_ms",
  "timeout_ms",
  "created_at",
  "finished_at",
] as const;
/** Columns before CLAIM_COLUMNS in a fast claim's row. */
export const CLAIM_LEAD = ["fast", "now", "next_run_at"] as const;

/** Throws unless a claim returned `CLAIM_LEAD` then `CLAIM_COLUMNS` (checked on a backend's first claim). */
export function checkClaimColumns(names: readonly string[]): void {
  const want = [...CLAIM_LEAD, ...CLAIM_COLUMNS].join(", ");
  if (names.join(", ") !== want) throw new Error(`claim returns (${names.join(", ")}), expected (${want})`);
}

/** What the claim itself wrote into every row it returns. */
/** What the claim itself wrote into every row it returns (sql-rows.ts). */
export type ClaimWrite = SqlClaimWrite;

/**
 * A row of job-claim-fast.sql (an array, CLAIM_LEAD then CLAIM_COLUMNS) as the leased job, the
 * claim's own writes filled in from `w`: no object per row, no copy of one.
 */
export function leasedFromClaim(r: readonly unknown[], w: ClaimWrite): LeasedJob {
  const leaseMs = r[17] as number | null;
  return {
    id: r[3] as string,
    task: r[4] as string,
    queue: w.queue,
    state: "running",
    priority: r[5] as number,
    runAt: r[6] as number,
    attempt: r[7] as number,
    maxAttempts: r[8] as number,
    input: r[9] as string,
    result: r[10] as string | null,
    errors: (r[11] as JobErrorRecord[] | null) ?? [],
    progress: r[12] as JobProgress | null,
    key: r[13] as string | null,
    meta: r[14] === null ? {} : (JSON.parse(r[14] as string) as Record<string, unknown>),
    dependsOn: (r[15] as string[] | null) ?? [],
    pendingDependencies: r[16] as number,
    leaseMs,
    timeoutMs: r[18] as number | null,
    workerId: w.workerId,
    leaseToken: w.token,
    leaseExpiresAt: w.now + (leaseMs ?? w.leaseMs),
    createdAt: r[19] as number,
    startedAt: w.now,
    finishedAt: r[20] as number | null,
    updatedAt: w.now,
  };
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
