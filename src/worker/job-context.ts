/**
 * The `ctx` a handler receives (core/task.ts `TaskContext`). `signal` and `log` are built only
 * when the handler reads them (an AbortController or a logger per job is most of a no-op job's
 * cost); `ctx.spawn` hands its outcome to the attempt (`SpawnTarget`), which ends the attempt.
 */
import type { Logger } from "pino";
import type { Backend, NewJob } from "../backend/backend.js";
import { InvalidArgumentError, LeaseLostError } from "../core/errors/index.js";
import { serializeLimited } from "../core/serializer.js";
import { type SpawnedChildren, type SpawnOptions, spawnMetaOf } from "../core/spawn.js";
import type { CompleteInTransaction, TaskCall, TaskContext, TaskLogger } from "../core/task.js";
import type { LeasedJob } from "../core/types.js";
import type { JobControl } from "./job-control.js";
import type { SpawnOutcome } from "./outcome.js";

/** The parents' results a workflow job sees as `ctx.parents` (none outside a flow). */
export type ParentResults = Readonly<Record<string, unknown>>;

const NO_PARENTS: ParentResults = Object.freeze({});

export interface ContextDeps {
  backend: Backend;
  payloadLimit: number;
  /** Builds `ctx.log` for this job. */
  taskLogger(job: LeasedJob): TaskLogger;
  /** Where best-effort failures (a progress write the store refused) are reported. */
  logger?: Pick<Logger, "warn">;
  /** Builds the child jobs of `ctx.spawn` (without it `ctx.spawn` throws). */
  spawn?: { build(calls: ReadonlyArray<TaskCall>, parent: LeasedJob): Promise<NewJob[]> };
}

/** Receives `ctx.spawn`'s outcome: the attempt ends with it. */
export interface SpawnTarget {
  spawned(outcome: SpawnOutcome): void;
}

export type JobContext = TaskContext & {
  parents: TaskContext["parents"];
  parent: TaskContext["parent"];
  children: SpawnedChildren | null;
};

export function makeContext(
  job: LeasedJob,
  control: JobControl,
  deps: ContextDeps,
  target: SpawnTarget,
): JobContext {
  let log: TaskLogger | undefined;
  let spawning = false;
  return {
    parents: NO_PARENTS,
    parent: null,
    children: null,
    async spawn(calls: ReadonlyArray<TaskCall>, options?: SpawnOptions): Promise<never> {
      if (!deps.spawn) throw new InvalidArgumentError("ctx.spawn is not available in this runner", "spawn");
      if (spawning) throw new InvalidArgumentError("ctx.spawn was already called in this attempt", "spawn");
      const policy = options?.onFailure ?? "fail";
      if (policy !== "fail" && policy !== "continue")
        throw new InvalidArgumentError(
          `onFailure must be "fail" or "continue", got ${String(policy)}`,
          "onFailure",
        );
      if (!Array.isArray(calls) || calls.length === 0)
        throw new InvalidArgumentError("ctx.spawn needs at least one task call", "calls");
      spawning = true;
      let children: NewJob[];
      try {
        children = await deps.spawn.build(calls, job);
      } catch (err) {
        spawning = false;
        throw err;
      }
      const round = (spawnMetaOf(job.meta)?.round ?? 0) + 1;
      const spawn = { round, from: job.dependsOn.length, count: children.length, onFailure: policy };
      target.spawned({ kind: "spawn", children, policy, meta: { ...job.meta, spawn } });
      // Never settles: the attempt has ended, nothing after the call may run.
      return new Promise<never>(() => {});
    },
    id: job.id,
    task: job.task,
    queue: job.queue,
    attempt: job.attempt,
    maxAttempts: job.maxAttempts,
    meta: job.meta,
    createdAt: job.createdAt,
    get signal() {
      return control.signal;
    },
    async progress(percent: number, message?: string) {
      if (typeof percent !== "number" || !Number.isFinite(percent)) {
        throw new TypeError(`progress must be a finite number, got ${String(percent)}`);
      }
      const progress =
        message === undefined
          ? { percent: Math.min(100, Math.max(0, percent)) }
          : { percent: Math.min(100, Math.max(0, percent)), message: String(message) };
      // Best effort: a store error (busy, disk full, connection lost) is logged, not thrown
      // into the handler; only a lost lease reaches it, through its signal.
      let ok: boolean;
      try {
        ok = await deps.backend.jobProgress({ id: job.id, token: job.leaseToken, progress });
      } catch (err) {
        deps.logger?.warn({ err, jobId: job.id }, "could not store progress; the job goes on");
        return;
      }
      if (!ok && !control.aborted) control.abort(new LeaseLostError(job.id));
    },
    async complete(options: CompleteInTransaction) {
      if (options?.tx === undefined || options.tx === null)
        throw new InvalidArgumentError("ctx.complete needs { tx }: the application's open transaction", "tx");
      if (control.aborted)
        throw control.reason instanceof Error ? control.reason : new LeaseLostError(job.id);
      const value = options.result === undefined ? null : options.result;
      const result = serializeLimited(value, deps.payloadLimit, "result");
      const out = await deps.backend.jobComplete({
        jobs: [{ id: job.id, token: job.leaseToken, result }],
        tx: options.tx,
      });
      if (out.ok.length === 0) {
        const err = new LeaseLostError(job.id);
        control.abort(err);
        throw err;
      }
      control.completedInTx = true;
    },
    get log() {
      log ??= deps.taskLogger(job);
      return log;
    },
  };
}
