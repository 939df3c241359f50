/**
 * Runs a task's in-process `onSuccess` / `onFailure` hook (core/hooks.ts) once an attempt's
 * outcome is decided and before the runner writes it, so the hook is at-least-once: the outcome
 * (and with it the end of the job's lease) waits for the hook. A hook that throws, rejects or
 * outlives `HOOK_TIMEOUT_MS` is logged and the outcome is written unchanged.
 */
import type { Logger } from "pino";
import type { JobHookContext } from "../core/hooks.js";
import type { RegisteredTask } from "../core/registry.js";
import { deserialize } from "../core/serializer.js";
import type { LeasedJob } from "../core/types.js";
import type { Outcome } from "./outcome.js";

/** How long the outcome waits for a hook before it is written anyway (the hook is abandoned). */
export const HOOK_TIMEOUT_MS = 10_000;

export interface HookDeps {
  logger?: Pick<Logger, "warn">;
  /** Tests shorten the budget. */
  hookTimeoutMs?: number;
}

/** The hook `outcome` calls for, or null (none defined, or an outcome hooks do not see). */
function hookFor(task: RegisteredTask, outcome: Outcome, ctx: JobHookContext): (() => unknown) | null {
  const hooks = task.hooks;
  if (!hooks) return null;
  if (outcome.kind === "completed" && hooks.onSuccess) {
    const onSuccess = hooks.onSuccess;
    return () => onSuccess(deserialize(outcome.result), ctx);
  }
  if (outcome.kind === "failed" && outcome.retryAt === null && hooks.onFailure) {
    const onFailure = hooks.onFailure;
    return () => onFailure(outcome.error, ctx);
  }
  return null;
}

export async function runHook(
  task: RegisteredTask,
  job: LeasedJob,
  input: unknown,
  outcome: Outcome,
  deps: HookDeps,
): Promise<Outcome> {
  const ctx: JobHookContext = {
    id: job.id,
    task: job.task,
    queue: job.queue,
    attempt: job.attempt,
    maxAttempts: job.maxAttempts,
    input,
    meta: job.meta,
  };
  const hook = hookFor(task, outcome, ctx);
  if (!hook) return outcome;
  const name = outcome.kind === "completed" ? "onSuccess" : "onFailure";
  const budget = deps.hookTimeoutMs ?? HOOK_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  try {
    const timedOut = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), budget);
    });
    const ran = await Promise.race([Promise.resolve().then(hook), timedOut]);
    if (ran === "timeout")
      deps.logger?.warn(
        { jobId: job.id, task: job.task, hook: name, timeoutMs: budget },
        `${name} hook still running after ${budget}ms; the outcome is written without waiting for it`,
      );
  } catch (err) {
    deps.logger?.warn({ err, jobId: job.id, task: job.task, hook: name }, `${name} hook failed; ignored`);
  } finally {
    if (timer) clearTimeout(timer);
  }
  return outcome;
}
