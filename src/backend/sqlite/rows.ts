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

/** Column positions of a raw (array) job row, from the statement's column list. */
export type JobColumns = Record<Exclude<keyof JobRow, "flow_key">, number> & { flow_key?: number };

export function jobColumns(names: readonly string[]): JobColumns {
  const out: Partial<Record<keyof JobRow, number>> = {};
  names.forEach((name, i) => {
    out[name as keyof JobRow] = i;
  });
  for (const key of JOB_ROW_KEYS) if (out[key] === undefined) throw new Error(`job row lacks column ${key}`);
  return out as JobColumns;
}

const JOB_ROW_KEYS: readonly Exclude<keyof JobRow, "flow_key">[] = [
  "id",
  "task",
  "queue",
  "state",
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
  "has_dependents",
  "lease_ms",
  "timeout_ms",
  "worker_id",
  "lease_token",
  "lease_expires_at",
  "created_at",
  "started_at",
  "finished_at",
  "updated_at",
];

/**
 * A row just claimed (running, token and expiry set), read from a raw array row: the claim is
 * the hottest read, and arrays skip building a 26-key object per row only to copy it again.
 */
export function toLeased(r: readonly unknown[], c: JobColumns): LeasedJob {
  const progress = r[c.progress] as string | null;
  const limitKey = c.flow_key === undefined ? null : (r[c.flow_key] as string | null);
  return {
    id: r[c.id] as string,
    task: r[c.task] as string,
    queue: r[c.queue] as string,
    state: r[c.state] as JobState,
    priority: r[c.priority] as number,
    runAt: r[c.run_at] as number,
    attempt: r[c.attempt] as number,
    maxAttempts: r[c.max_attempts] as number,
    input: r[c.input] as string,
    result: r[c.result] as string | null,
    errors: errors(r[c.errors] as string),
    progress: progress === null ? null : (JSON.parse(progress) as JobProgress),
    key: r[c.key] as string | null,
    meta: meta(r[c.meta] as string),
    dependsOn: ids(r[c.depends_on] as string),
    pendingDependencies: r[c.pending_dependencies] as number,
    leaseMs: r[c.lease_ms] as number | null,
    timeoutMs: r[c.timeout_ms] as number | null,
    workerId: r[c.worker_id] as string | null,
    leaseToken: r[c.lease_token] as string,
    leaseExpiresAt: r[c.lease_expires_at] as number,
    createdAt: r[c.created_at] as number,
    startedAt: r[c.started_at] as number | null,
    finishedAt: r[c.finished_at] as number | null,
    updatedAt: r[c.updated_at] as number,
    ...(limitKey === null ? {} : { limitKey }),
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
