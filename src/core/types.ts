/**
 * The job model shared by every layer. Backends store and return `JobRecord`s whose
 * `input` and `result` are already-serialized strings: encoding lives in the core
 * (`serializer.ts`), so every backend stores the same bytes and none re-implements it.
 */

/** Milliseconds since the Unix epoch (UTC). */
export type EpochMs = number;

export const JOB_STATES = [
  "waiting",
  "scheduled",
  "queued",
  "running",
  "completed",
  "failed",
  "cancelled",
] as const;
/**
 * - `waiting`: on dependencies (released to `queued` when all of them completed)
 * - `scheduled`: `runAt` in the future (a delay or a retry backoff)
 * - `queued`: ready to be claimed
 * - `running`: leased by a worker
 * - `completed` / `failed` (retries exhausted: the dead-letter set) / `cancelled`: final
 */
export type JobState = (typeof JOB_STATES)[number];
export const FINAL_STATES: ReadonlySet<JobState> = new Set(["completed", "failed", "cancelled"]);

export function isJobState(value: unknown): value is JobState {
  return typeof value === "string" && (JOB_STATES as readonly string[]).includes(value);
}

/** One failed attempt, kept in the job's error history. */
export interface JobErrorRecord {
  attempt: number;
  /** Error class name, e.g. "TypeError", "TimeoutError". */
  name: string;
  message: string;
  /** Stable spool error code when the error was a SpoolError. */
  code?: string;
  stack?: string;
  at: EpochMs;
}

export interface JobProgress {
  percent: number;
  message?: string;
}

export interface JobLogLine {
  at: EpochMs;
  level: "debug" | "info" | "warn" | "error";
  message: string;
  attempt: number;
}

/** A job as the backend stores it. */
export interface JobRecord {
  id: string;
  task: string;
  queue: string;
  state: JobState;
  /** Higher runs first inside a queue; default 0. */
  priority: number;
  /** When the job may run (for `scheduled`), or when it became ready. */
  runAt: EpochMs;
  /** Attempts started so far (1 while the first attempt runs). */
  attempt: number;
  maxAttempts: number;
  /** Serialized input (see `serializer.ts`). */
  input: string;
  /** Serialized result once `completed`. */
  result: string | null;
  errors: JobErrorRecord[];
  progress: JobProgress | null;
  /** Idempotency key, unique per task among retained jobs. */
  key: string | null;
  /** Free-form JSON metadata (schedule name, workflow ids, trace context …). */
  meta: Record<string, unknown>;
  /** Jobs this one waits for. */
  dependsOn: string[];
  /** How many of `dependsOn` have not completed yet. */
  pendingDependencies: number;
  /** Per-job lease duration override in ms (else the worker default). */
  leaseMs: number | null;
  /** Per-job timeout in ms, enforced by the worker. */
  timeoutMs: number | null;
  /** Worker currently (or last) holding the job. */
  workerId: string | null;
  leaseExpiresAt: EpochMs | null;
  createdAt: EpochMs;
  startedAt: EpochMs | null;
  finishedAt: EpochMs | null;
  updatedAt: EpochMs;
  /**
   * The job's flow-control limit key (docs/flow-control.md): present when its task has a
   * `concurrency` or `rateLimit`; "" when those limits have no key.
   */
  limitKey?: string;
}

/** A claimed job: the record plus the fencing token that every later call must present. */
export interface LeasedJob extends JobRecord {
  leaseToken: string;
  leaseExpiresAt: EpochMs;
}

/** The identity of one lease: a job id and the token its claim returned. */
export interface LeaseRef {
  id: string;
  token: string;
}
