/**
 * Rows as node-postgres returns them (bigint as number, jsonb parsed, text[] as arrays) and
 * their mapping to spool's records.
 */
import type { JobErrorRecord, JobProgress, JobRecord, JobState, LeasedJob } from "../../core/types.js";
import type { WorkerInfo } from "../backend.js";

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
  errors: JobErrorRecord[];
  progress: JobProgress | null;
  key: string | null;
  meta: string;
  depends_on: string[];
  pending_dependencies: number;
  has_dependents: boolean;
  lease_ms: number | null;
  timeout_ms: number | null;
  worker_id: string | null;
  lease_token: string | null;
  lease_expires_at: number | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  updated_at: number;
  /** The limit key (migration 0010); NULL: no limits. Absent from statements that do not read it. */
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
    errors: row.errors,
    progress: row.progress,
    key: row.key,
    meta: row.meta === "{}" ? {} : (JSON.parse(row.meta) as Record<string, unknown>),
    dependsOn: row.depends_on,
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

/** A row just claimed (running, token and expiry set). */
export function toLeased(row: JobRow): LeasedJob {
  return { ...toRecord(row), leaseToken: row.lease_token!, leaseExpiresAt: row.lease_expires_at! };
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
