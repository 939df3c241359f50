/**
 * Runs one attempt of one job and says what should happen to it. Shared by the worker and
 * the inline test mode, so both apply the same retry, timeout and serialization rules.
 *
 * The outcome is decided by whichever comes first: the handler settling or the job's
 * signal aborting (timeout, cancel, lease loss, shutdown). A handler that ignores its signal
 * keeps its slot until it really returns (`settled`), so concurrency limits hold even for
 * badly behaved handlers, but the job's fate is recorded without waiting for it.
 */
import type { Logger } from "pino";
import type { Backend, NewJob, SpawnPolicy } from "../backend/backend.js";
import type { Clock } from "../core/clock.js";
import {
  InvalidArgumentError,
  isSpoolError,
  JobCancelledError,
  LeaseLostError,
  NonRetriableError,
  RateLimitedError,
  SerializationError,
  ShutdownError,
  type SpoolError,
  TimeoutError,
  UnknownTaskError,
} from "../core/errors/index.js";
import type { ParentOutcome } from "../core/follow-ups.js";
import type { RegisteredTask } from "../core/registry.js";
import { BACKOFF_DEFAULT, backoffMs, resolveRetry } from "../core/retry.js";
import { deserialize, serializeLimited } from "../core/serializer.js";
import { type SpawnedChildren, type SpawnOptions, spawnMetaOf } from "../core/spawn.js";
import type { CompleteInTransaction, TaskCall, TaskContext, TaskLogger } from "../core/task.js";
import type { JobErrorRecord, LeasedJob } from "../core/types.js";
import { type ExecutionTrace, startExecutionSpan } from "../telemetry/tracing.js";
import { type BatchCollector, runAlone } from "./batch-collector.js";
import { errorRecord } from "./error-record.js";
import { type FaultTarget, faultScopeEnabled, runInFaultScope } from "./fault-scope.js";
import { runHook } from "./hooks.js";
import type { Isolation } from "./isolation/isolation.js";
import { IsolatedError } from "./isolation/remote-error.js";
import type { JobControl } from "./job-control.js";

export { errorRecord };

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

export interface Execution {
  outcome: Promise<Outcome>;
  /** Resolves when the handler itself has returned or thrown (its slot is free again). */
  settled: Promise<void>;
}

/** The parents' results a workflow job sees as `ctx.parents` (none outside a flow). */
export type ParentResults = Readonly<Record<string, unknown>>;

/**
 * Builds a job's input at run time when it does not travel with the job (a workflow job that
 * takes its parents' results): returns null for an ordinary job. Injected by the client
 * (workflow/inputs.ts), so the worker does not import the workflow module.
 */
export type InputResolver = (
  job: LeasedJob,
  backend: Backend,
) => Promise<{ input: unknown; parents: ParentResults; parent?: ParentOutcome | null }> | null;

const NO_PARENTS: ParentResults = Object.freeze({});

/**
 * Dynamic children (injected by the client, see workflow/spawn.ts, so the worker does not import
 * the enqueue pipeline): builds the jobs `ctx.spawn` creates, and reads a resumed job's children.
 */
export interface SpawnSupport {
  /** Validates and serializes the calls into child jobs of `parent` (throws on bad input). */
  build(calls: ReadonlyArray<TaskCall>, parent: LeasedJob): Promise<NewJob[]>;
  /**
   * For a job resumed after a spawn: its children's outcomes (null for any other job). Under
   * `onFailure: "fail"` with a child failed or cancelled, cancels the unfinished ones and throws
   * a `NonRetriableError` naming the child (the handler is not called).
   */
  resume(job: LeasedJob, backend: Backend): Promise<SpawnedChildren> | null;
}

export interface ExecuteDeps {
  backend: Backend;
  clock: Clock;
  payloadLimit: number;
  /** Builds `ctx.log` for this job. */
  taskLogger(job: LeasedJob): TaskLogger;
  /** Run-time inputs (workflow jobs); the client passes workflow/inputs.ts's resolver. */
  resolveInput: InputResolver;
  /** Where best-effort failures (a progress write the store refused) are reported. */
  logger?: Pick<Logger, "warn">;
  random?: () => number;
  /** Runs isolated tasks in threads / processes (worker option `isolate`). */
  isolation?: Isolation | null;
  /** Gathers jobs of batch tasks into one call; without it each such job runs alone. */
  batches?: BatchCollector;
  /** `ctx.spawn` and `ctx.children`; without it `ctx.spawn` throws. */
  spawn?: SpawnSupport;
  /** How long an onSuccess / onFailure hook may delay the outcome (hooks.ts; tests shorten it). */
  hookTimeoutMs?: number;
}

const UNKNOWN_TASK_RETRY = resolveRetry({ attempts: 1, backoff: BACKOFF_DEFAULT });

function failed(task: RegisteredTask | undefined, job: LeasedJob, err: unknown, deps: ExecuteDeps): Outcome {
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

/** A `RateLimitedError`, also from another copy of the module (checked by code and shape). */
function rateLimited(err: unknown): { retryAfterMs: number; scope: string } | null {
  if (err instanceof RateLimitedError) return err;
  if (!isSpoolError(err) || err.code !== "RATE_LIMITED") return null;
  const e = err as unknown as { retryAfterMs?: unknown; scope?: unknown };
  return typeof e.retryAfterMs === "number" && typeof e.scope === "string"
    ? { retryAfterMs: e.retryAfterMs, scope: e.scope }
    : null;
}

/** Runs one attempt inside a consumer span (see `telemetry/tracing.ts`). */
export function execute(
  task: RegisteredTask | undefined,
  job: LeasedJob,
  control: JobControl,
  deps: ExecuteDeps,
): Execution {
  const span = startExecutionSpan(job);
  const execution = attempt(task, job, control, deps, span);
  // In-process hooks run before the outcome is written (at-least-once, hooks.ts).
  const outcome = task?.hooks
    ? execution.outcome.then((o) => runHook(task, job, execution.input(), o, deps))
    : execution.outcome;
  void outcome.then((o) => span.end(o));
  return { outcome, settled: execution.settled };
}

function attempt(
  task: RegisteredTask | undefined,
  job: LeasedJob,
  control: JobControl,
  deps: ExecuteDeps,
  span: ExecutionTrace,
): Execution & { input(): unknown } {
  /** The input the handler ran with (hooks see it); the stored one until the handler starts. */
  let ranWith: unknown;
  const ranInput = () => ranWith;
  if (!task) {
    // Deploy skew: this worker does not know the task, another may. Retry with backoff.
    const outcome = failed(undefined, job, new UnknownTaskError(job.task), deps);
    return { outcome: Promise.resolve(outcome), settled: Promise.resolve(), input: ranInput };
  }
  let input: unknown;
  // Workflow jobs that take their parents' results build their input when they start.
  let fromParents: ReturnType<InputResolver> = null;
  // A job resumed after ctx.spawn reads its children's outcomes first.
  let children: Promise<SpawnedChildren> | null = null;
  try {
    fromParents = deps.resolveInput(job, deps.backend);
    if (!fromParents) ranWith = input = deserialize(job.input);
    children = deps.spawn?.resume(job, deps.backend) ?? null;
  } catch (err) {
    return {
      outcome: Promise.resolve(failed(task, job, err, deps)),
      settled: Promise.resolve(),
      input: ranInput,
    };
  }
  const timeoutMs = job.timeoutMs;
  let timer: NodeJS.Timeout | undefined;
  if (timeoutMs !== null && timeoutMs > 0) {
    timer = setTimeout(
      () => control.abort(new TimeoutError(`job ${job.id} timed out after ${timeoutMs}ms`, timeoutMs)),
      timeoutMs,
    );
  }
  let onSpawn: (o: Extract<Outcome, { kind: "spawn" }>) => void = () => {};
  const spawned = new Promise<Extract<Outcome, { kind: "spawn" }>>((resolve) => (onSpawn = resolve));
  const ctx = makeContext(job, control, deps, (o) => onSpawn(o));
  // With fault handlers installed, a throw in a timer or an unawaited rejection of this
  // handler fails this job (see fault-scope.ts) and frees its slot: the handler is gone.
  let faulted: Promise<void> | null = null;
  const isolated = deps.isolation?.runnerFor(task);
  const batches = deps.batches;
  let run = isolated
    ? (value: unknown) => isolated(value, ctx, control.signal)
    : task.batch
      ? (value: unknown) =>
          span.run(() => (batches ? batches.add(task, value, ctx) : runAlone(task, value, ctx)))
      : (value: unknown) => span.run(() => task.run(value, ctx));
  if (!isolated && faultScopeEnabled()) {
    let onFault!: () => void;
    faulted = new Promise<void>((resolve) => (onFault = resolve));
    const target: FaultTarget = {
      jobId: job.id,
      fault(err) {
        control.abort(err);
        onFault();
      },
    };
    const inner = run;
    run = (value) => runInFaultScope(target, () => inner(value));
  }
  let handler: Promise<unknown>;
  try {
    const start = (value: unknown) => {
      ranWith = value;
      return children
        ? children.then((c) => {
            ctx.children = c;
            return run(value);
          })
        : run(value);
    };
    handler = fromParents
      ? fromParents.then((resolved) => {
          ctx.parents = resolved.parents;
          ctx.parent = resolved.parent ?? null;
          return start(resolved.input);
        })
      : Promise.resolve(start(input));
  } catch (err) {
    handler = Promise.reject(err);
  }
  const returned = handler.then(
    () => undefined,
    () => undefined,
  );
  // ctx.spawn's promise never settles: the handler is done once it asked for the spawn.
  const ended = Promise.race([returned, spawned.then(() => undefined)]);
  const settled = faulted ? Promise.race([ended, faulted]) : ended;
  const outcome = new Promise<Outcome>((resolve) => {
    let done = false;
    const finish = (o: Outcome) => {
      if (done) return;
      done = true;
      if (timer) clearTimeout(timer);
      control.onAbort(null);
      resolve(o);
    };
    const onAbort = () => finish(abortOutcome(task, job, control.reason, deps));
    if (control.aborted) return onAbort();
    control.onAbort(onAbort);
    spawned.then((o) => (control.aborted ? onAbort() : finish(o)));
    handler.then(
      (value) => {
        if (control.aborted) return onAbort();
        try {
          finish({
            kind: "completed",
            result: serializeLimited(value === undefined ? null : value, deps.payloadLimit, "result"),
          });
        } catch (err) {
          // An unserializable or oversized result will not get better on retry.
          finish({ kind: "failed", error: errorRecord(err, job.attempt, deps.clock.now()), retryAt: null });
        }
      },
      (err) => (control.aborted ? onAbort() : finish(failed(task, job, err, deps))),
    );
  });
  return { outcome, settled, input: ranInput };
}

function abortOutcome(task: RegisteredTask, job: LeasedJob, reason: unknown, deps: ExecuteDeps): Outcome {
  if (
    reason instanceof LeaseLostError ||
    reason instanceof JobCancelledError ||
    reason instanceof ShutdownError
  ) {
    return { kind: "dropped", reason };
  }
  return failed(task, job, reason, deps);
}

function makeContext(
  job: LeasedJob,
  control: JobControl,
  deps: ExecuteDeps,
  onSpawn: (outcome: Extract<Outcome, { kind: "spawn" }>) => void,
): TaskContext & {
  parents: TaskContext["parents"];
  parent: TaskContext["parent"];
  children: SpawnedChildren | null;
} {
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
      onSpawn({ kind: "spawn", children, policy, meta: { ...job.meta, spawn } });
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
