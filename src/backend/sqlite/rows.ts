/**
 * Rows of spool_jobs as better-sqlite3 returns them, and their mapping to `JobRecord`.
 * JSON columns hold their empty value as a literal ("[]", "{}") so the common case skips
 * JSON.parse on the claim path.
 */
import type { JobErrorRecord, JobProgress, JobRecord, JobState, LeasedJob } from "../../core/types.js";
import type { NewJob, WorkerInfo } from "../backend.js";
import { encodeFlow } from "../flow-gate.js";

export interface JobRow {
  id: string;
  task: string;
  queue: string;
  state: JobState;
  priority: number;
  run_at: number;
  attempt: number;
  max_attempts: number;
  input: string;
  result: string | null;
  errors: string;
  progress: string | null;
  key: string | null;
  meta: string;
  depends_on: string;
  pending_dependencies: number;
  has_dependents: number;
  lease_ms: number | null;
  timeout_ms: number | null;
  worker_id: string | null;
  lease_token: string | null;
  lease_expires_at: number | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  updated_at: number;
  /** The limit key (migration 0020); NULL: the job has no limits. */
  flow_key?: string | null;
}

export interface WorkerRow {
  id: string;
  host: string;
  pid: number;
  queues: string;
  concurrency: number;
  running: string;
  started_at: number;
  last_seen_at: number;
  expires_at: number;
}

function errors(text: string): JobErrorRecord[] {
  return text === "[]" ? [] : (JSON.parse(text) as JobErrorRecord[]);
}

function meta(text: string): Record<string, unknown> {
  return text === "{}" ? {} : (JSON.parse(text) as Record<string, unknown>);
}

function ids(text: string): string[] {
  return text === "[]" ? [] : (JSON.parse(text) as string[]);
}

export function toRecord(row: JobRow): JobRecord {
  return {
    id: row.id,
    task: row.task,
    queue: row.queue,
    state: row.state,
    priority: row.priority,
    runAt: row.run_at,
    attempt: row.attempt,
    maxAttempts: row.max_attempts,
    input: row.input,
    result: row.result,
    errors: errors(row.errors),
    progress: row.progress === null ? null : (JSON.parse(row.progress) as JobProgress),
    key: row.key,
    meta: meta(row.meta),
    dependsOn: ids(row.depends_on),
    pendingDependencies: row.pending_dependencies,
    leaseMs: row.lease_ms,
    timeoutMs: row.timeout_ms,
    workerId: row.worker_id,
    leaseExpiresAt: row.lease_expires_at,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    updatedAt: row.updated_at,
    ...(row.flow_key == null ? {} : { limitKey: row.flow_key }),
  };
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

/** What the claim itself wrote into every row it returns (see `toLeased`). */
export interface ClaimWrite {
  queue: string;
  workerId: string;
  token: string;
  now: number;
  /** The worker's lease for jobs without their own `lease_ms`. */
  leaseMs: number;
}

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

export function toWorker(row: WorkerRow): WorkerInfo {
  return {
    id: row.id,
    host: row.host,
    pid: row.pid,
    queues: JSON.parse(row.queues) as string[],
    concurrency: row.concurrency,
    running: JSON.parse(row.running) as string[],
    startedAt: row.started_at,
    lastSeenAt: row.last_seen_at,
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
