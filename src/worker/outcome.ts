/**
 * What an attempt's end means for its job (`Outcome`), and how a thrown error or an abort
 * reason maps to one: retry with backoff, fail for good, back off without using an attempt
 * (`RateLimitedError`), or drop (the job is no longer ours). Shared by the executor
 * (attempt.ts), the hooks (hooks.ts) and the runner, so none of them imports another for it.
 */
import type { NewJob, SpawnPolicy } from "../backend/backend.js";
import type { Clock } from "../core/clock.js";
import {
  isSpoolError,
  JobCancelledError,
  LeaseLostError,
  NonRetriableError,
  RateLimitedError,
  SerializationError,
  ShutdownError,
  type SpoolError,
} from "../core/errors/index.js";
import type { RegisteredTask } from "../core/registry.js";
import { BACKOFF_DEFAULT, backoffMs, resolveRetry } from "../core/retry.js";
import type { JobErrorRecord, LeasedJob } from "../core/types.js";
import { errorRecord } from "./error-record.js";
import { IsolatedError } from "./isolation/remote-error.js";

export type Outcome =
  | { kind: "completed"; result: string }
  | { kind: "failed"; error: JobErrorRecord; retryAt: number | null }
  /**
   * The handler threw `RateLimitedError`: back to waiting until `runAt` without using an
   * attempt (`jobBackoff`), after holding the job's queue, task or key until then (`hold`, its scope; null: none).
   */
  | { kind: "backoff"; runAt: number; hold: "queue" | "task" | "key" | null; error: JobErrorRecord }
  /** The handler called `ctx.spawn`: write the children and wait for them (`jobSpawn`). */
  | { kind: "spawn"; children: NewJob[]; policy: SpawnPolicy; meta: Record<string, unknown> }
  /** The job is no longer ours (lease lost, cancelled, shutdown release): report nothing. */
  | { kind: "dropped"; reason: SpoolError };

export type SpawnOutcome = Extract<Outcome, { kind: "spawn" }>;

/** What deciding a failure needs: the time, and the backoff's jitter source. */
export interface OutcomeDeps {
  clock: Clock;
  random?: () => number;
}

const UNKNOWN_TASK_RETRY = resolveRetry({ attempts: 1, backoff: BACKOFF_DEFAULT });

/** The outcome of an attempt that threw `err` (or was failed with it). */
export function failedOutcome(
  task: RegisteredTask | undefined,
  job: LeasedJob,
  err: unknown,
  deps: OutcomeDeps,
): Outcome {
  const now = deps.clock.now();
  const error = errorRecord(err, job.attempt, now);
  const limited = rateLimited(err);
  if (limited)
    return {
      kind: "backoff",
      runAt: now + limited.retryAfterMs,
      hold: limited.scope === "job" ? null : (limited.scope as "queue" | "task" | "key"),
      error,
    };
  const permanent =
    err instanceof NonRetriableError ||
    err instanceof SerializationError ||
    (err instanceof IsolatedError && err.permanent) ||
    job.attempt >= job.maxAttempts;
  if (permanent) return { kind: "failed", error, retryAt: null };
  const retry = task?.retry ?? UNKNOWN_TASK_RETRY;
  return { kind: "failed", error, retryAt: now + backoffMs(retry, job.attempt, deps.random) };
}

/** The outcome of an attempt whose job's signal aborted with `reason`. */
export function abortOutcome(
  task: RegisteredTask,
  job: LeasedJob,
  reason: unknown,
  deps: OutcomeDeps,
): Outcome {
  if (
    reason instanceof LeaseLostError ||
    reason instanceof JobCancelledError ||
    reason instanceof ShutdownError
  ) {
    return { kind: "dropped", reason };
  }
  return failedOutcome(task, job, reason, deps);
}

/** A `RateLimitedError`, also from another copy of the module (checked by code and shape). */
function rateLimited(err: unknown): { retryAfterMs: number; scope: string } | null {
  if (err instanceof RateLimitedError) return err;
  if (!isSpoolError(err) || err.code !== "RATE_LIMITED") return null;
  const e = err as unknown as { retryAfterMs?: unknown; scope?: unknown };
  return typeof e.retryAfterMs === "number" && typeof e.scope === "string"
    ? { retryAfterMs: e.retryAfterMs, scope: e.scope }
    : null;
}
