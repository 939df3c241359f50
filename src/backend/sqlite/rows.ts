/**
 * Rows of spool_jobs as better-sqlite3 returns them, and their mapping to `JobRecord` (the columns
 * both SQL stores share: ../sql-rows.ts).
 * JSON columns hold their empty value as a literal ("[]", "{}") so the common case skips
 * JSON.parse on the claim path.
 */
import type { JobErrorRecord, JobProgress, JobRecord, JobState, LeasedJob } from "../../core/types.js";
import type { NewJob } from "../backend.js";
import { encodeFlow } from "../flow-gate.js";
import {
  type JobRowColumns,
  recordFromRow,
  type SqlClaimWrite,
  type WorkerRow as WorkerColumns,
} from "../sql-rows.js";

export { workerFromRow as toWorker } from "../sql-rows.js";

export interface JobRow extends JobRowColumns {
  errors: string;
  progress: string | null;
  depends_on: string;
  has_dependents: number;
}

export interface WorkerRow extends WorkerColumns {
  expires_at: number;
}

export function toRecord(row: JobRow): JobRecord {
  return recordFromRow(
    row,
    row.errors === "[]" ? [] : (JSON.parse(row.errors) as JobErrorRecord[]),
    row.progress === null ? null : (JSON.parse(row.progress) as JobProgress),
    row.depends_on === "[]" ? [] : (JSON.parse(row.depends_on) as string[]),
  );
}

/**
 * The columns a claim returns (queries/job-claim.sql), in order. A claim sets state, worker,
 * token, lease expiry, started_at and updated_at itself and names the queue, so it returns only
 * the rest, and the JSON columns as NULL when empty (no string built for "[]" or "{}").
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
  "nullif(errors, '[]')",
  "progress",
  "key",
  "nullif(meta, '{}')",
  "nullif(depends_on, '[]')",
  "pending_dependencies",
  "lease_ms",
  "timeout_ms",
  "created_at",
  "finished_at",
] as const;

/** Throws unless a claim statement returns exactly `CLAIM_COLUMNS` (checked once, at prepare). */
export function checkClaimColumns(names: readonly string[]): void {
  const want = CLAIM_COLUMNS.join(", ");
  if (names.join(", ") !== want) throw new Error(`claim returns (${names.join(", ")}), expected (${want})`);
}

/** What the claim itself wrote into every row it returns (sql-rows.ts). */
export type ClaimWrite = SqlClaimWrite;

/**
 * A row just claimed, from a raw array row in `CLAIM_COLUMNS` order plus what the claim wrote.
 * Arrays by fixed position: the claim is the hottest read, and an object row per job would be
 * built only to be copied again.
 */
export function toLeased(r: readonly unknown[], w: ClaimWrite): LeasedJob {
  const errs = r[8] as string | null;
  const progress = r[9] as string | null;
  const metaText = r[11] as string | null;
  const deps = r[12] as string | null;
  const leaseMs = r[14] as number | null;
  return {
    id: r[0] as string,
    task: r[1] as string,
    queue: w.queue,
    state: "running",
    priority: r[2] as number,
    runAt: r[3] as number,
    attempt: r[4] as number,
    maxAttempts: r[5] as number,
    input: r[6] as string,
    result: r[7] as string | null,
    errors: errs === null ? [] : (JSON.parse(errs) as JobErrorRecord[]),
    progress: progress === null ? null : (JSON.parse(progress) as JobProgress),
    key: r[10] as string | null,
    meta: metaText === null ? {} : (JSON.parse(metaText) as Record<string, unknown>),
    dependsOn: deps === null ? [] : (JSON.parse(deps) as string[]),
    pendingDependencies: r[13] as number,
    leaseMs,
    timeoutMs: r[15] as number | null,
    workerId: w.workerId,
    leaseToken: w.token,
    leaseExpiresAt: w.now + (leaseMs ?? w.leaseMs),
    createdAt: r[16] as number,
    startedAt: w.now,
    finishedAt: r[17] as number | null,
    updatedAt: w.now,
  };
}

/**
 * The one encoder of a new job for SQLite: a row of JOB_INSERT_ROWS (queries/job-insert-rows.sql),
 * `[id, task, queue, state, priority, run_at, max_attempts, input, key, meta, depends_on,
 * pending_dependencies, lease_ms, timeout_ms, flow_key, flow]`. Every insert path (enqueue, bulk enqueue,
 * workflows, schedule fires) goes through it; `toRecord` above is its decoder.
 */
export function jobRow(
  job: NewJob,
  state: JobState,
  dependsOn: readonly string[] = [],
  pending = 0,
): unknown[] {
  return [
    job.id,
    job.task,
    job.queue,
    state,
    job.priority,
    job.runAt,
    job.maxAttempts,
    job.input,
    job.key,
    JSON.stringify(job.meta ?? {}),
    dependsOn.length === 0 ? "[]" : JSON.stringify(dependsOn),
    pending,
    job.leaseMs,
    job.timeoutMs,
    job.flow ? job.flow.key : null,
    job.flow ? encodeFlow(job.flow) : null,
  ];
}
