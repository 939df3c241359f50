/**
 * Per-task in-process hooks (docs/flow-control.md, "In-process hooks"): `onSuccess` and
 * `onFailure` run in the worker's process when an attempt's outcome is decided, BEFORE the
 * outcome is written. So they are at-least-once: a crash or a lost lease between the hook and
 * the write means the job runs again, and the hook with it. A hook's error (or a hook that
 * outlives its time budget) is logged and never changes the job's outcome. For a reaction that
 * must happen exactly once per outcome, use a durable follow-up (`then` / `catch`).
 */
import { InvalidArgumentError } from "./errors/index.js";
import type { JobErrorRecord } from "./types.js";

/** What a hook knows of the job whose outcome it reacts to. */
export interface JobHookContext {
  readonly id: string;
  readonly task: string;
  readonly queue: string;
  /** The attempt that ended (1-based). */
  readonly attempt: number;
  readonly maxAttempts: number;
  /** The input the handler ran with. */
  readonly input: unknown;
  readonly meta: Readonly<Record<string, unknown>>;
}

export interface TaskHooks<O> {
  /**
   * Called in the worker's process after the handler returned, before the completion is
   * written (at-least-once; errors are logged, the job still completes). `result` is the
   * value as stored (serialized and read back).
   */
  onSuccess?(result: O, job: JobHookContext): void | Promise<void>;
  /**
   * Called in the worker's process when an attempt fails for good (no attempt left, or a
   * `NonRetriableError`), before the failure is written (at-least-once; errors are logged).
   * Not called for a retry, a `RateLimitedError` backoff, a cancel, a lease lost to another
   * worker, or a lease that expired with no worker left to call it (use `catch` for those).
   */
  onFailure?(error: JobErrorRecord, job: JobHookContext): void | Promise<void>;
}

export interface ResolvedHooks {
  onSuccess: ((result: unknown, job: JobHookContext) => unknown) | null;
  onFailure: ((error: JobErrorRecord, job: JobHookContext) => unknown) | null;
}

/** Checks a task's hooks at definition. Null: the task has none (the common case costs nothing). */
export function resolveHooks(config: { onSuccess?: unknown; onFailure?: unknown }): ResolvedHooks | null {
  if (config.onSuccess === undefined && config.onFailure === undefined) return null;
  for (const name of ["onSuccess", "onFailure"] as const) {
    const hook = config[name];
    if (hook !== undefined && typeof hook !== "function")
      throw new InvalidArgumentError(`${name} must be a function`, name);
  }
  return {
    onSuccess: (config.onSuccess as ResolvedHooks["onSuccess"]) ?? null,
    onFailure: (config.onFailure as ResolvedHooks["onFailure"]) ?? null,
  };
}
