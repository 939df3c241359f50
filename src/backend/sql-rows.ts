/**
 * The job and worker rows of the SQL backends (SQLite's spool_jobs / spool_workers, PostgreSQL's
 * spool.jobs / spool.workers) and their mapping to spool's records, written once: the columns are
 * named alike in both stores. Only the JSON columns differ (PostgreSQL's driver parses jsonb and
 * text[], SQLite returns text), so each store's row type says how they arrive and its `toRecord`
 * passes them decoded.
 */
import type { JobErrorRecord, JobProgress, JobRecord, JobState } from "../core/types.js";
import type { WorkerInfo } from "./backend.js";

/** A job row's columns that both stores return the same way. */
export interface JobRowColumns {
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
  key: string | null;
  /** JSON text; "{}" when empty (parsed only when not). */
  meta: string;
  pending_dependencies: number;
  lease_ms: number | null;
  timeout_ms: number | null;
  worker_id: string | null;
  lease_token: string | null;
  lease_expires_at: number | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  updated_at: number;
  /** The limit key; NULL: the job has no limits. Absent from statements that do not read it. */
  flow_key?: string | null;
}

/** The record of a job row, its JSON columns (`errors`, `progress`, `depends_on`) decoded. */
export function recordFromRow(
  row: JobRowColumns,
  errors: JobErrorRecord[],
  progress: JobProgress | null,
  dependsOn: string[],
): JobRecord {
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
    errors,
    progress,
    key: row.key,
    meta: row.meta === "{}" ? {} : (JSON.parse(row.meta) as Record<string, unknown>),
    dependsOn,
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

/** A worker row (queues and running job ids as JSON text in both stores). */
export interface WorkerRow {
  id: string;
  host: string;
  pid: number;
  queues: string;
  concurrency: number;
  running: string;
  started_at: number;
  last_seen_at: number;
}

export function workerFromRow(row: WorkerRow): WorkerInfo {
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
 * What a SQL claim wrote into every row it returns: the claims return only the columns they did
 * not set (the hottest read), and each backend builds the leased job from the row plus these.
 */
export interface SqlClaimWrite {
  queue: string;
  workerId: string;
  token: string;
  now: number;
  /** The worker's lease (whole ms, as written) for jobs without their own `lease_ms`. */
  leaseMs: number;
}
