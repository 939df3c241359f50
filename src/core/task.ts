/**
 * Task definitions: the typed unit of work users write. Types flow from `run`'s input and
 * return type (or from a Standard Schema) to every `enqueue`, `with` and `job.result()`.
 */
import type { StandardSchemaV1 } from "@standard-schema/spec";
import type { DedupeOptions } from "./dedupe.js";
import type { Duration } from "./duration.js";
import type { TaskFlowOptions } from "./flow.js";
import type { ParentOutcome } from "./follow-ups.js";
import type { TaskHooks } from "./hooks.js";
import type { RetryPolicy } from "./retry.js";
import type { SpawnedChildren, SpawnOptions } from "./spawn.js";
import type { AppTransaction, TaskCall } from "./task-handle.js";
import type { EpochMs } from "./types.js";

// The caller's side of a task lives in task-handle.ts (spawn.ts needs `Task` without this
// file's handler context); it is re-exported so every task type has one import path.
export type {
  AppTransaction,
  EnqueueManyOptions,
  EnqueueOptions,
  InputOf,
  JobEvent,
  JobEventType,
  JobHandle,
  JobInfo,
  NamedFollowUpCall,
  OutputOf,
  PipedCall,
  ResultOptions,
  Task,
  TaskCall,
} from "./task-handle.js";

/** Structured log lines a handler writes; stored with the job (shown by the CLI and dashboard). */
export interface TaskLogger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/**
 * What a handler gets besides its input. `P` types `parents` for jobs of a workflow DAG
 * (e.g. `ctx: TaskContext<{ fetch: Rows; config: Config }>`).
 */
export interface TaskContext<P = Readonly<Record<string, unknown>>> {
  /** The job's id. */
  readonly id: string;
  readonly task: string;
  readonly queue: string;
  /** 1 on the first try. */
  readonly attempt: number;
  readonly maxAttempts: number;
  /** Job metadata (schedule name, workflow ids, trace context, user fields). */
  readonly meta: Readonly<Record<string, unknown>>;
  readonly createdAt: EpochMs;
  /**
   * Aborts when the job times out, is cancelled (from any process), loses its lease, or
   * the worker's shutdown grace runs out. `signal.reason` is the typed error. Pass it to
   * fetch/child processes, or check `signal.aborted` in loops.
   */
  readonly signal: AbortSignal;
  /**
   * Records progress (0..100) and an optional message; visible through `job.events()`.
   * Best effort: a store error is logged and the call resolves; it never fails the attempt.
   * A lost lease aborts `signal` instead.
   */
  progress(percent: number, message?: string): Promise<void>;
  /**
   * Marks this job completed inside the application's own open transaction (`tx`, the same
   * objects `enqueue(…, { tx })` takes: PostgreSQL and SQLite), so "write the result row and
   * mark the job done" is one commit: if the app commits, the job is completed with `result`
   * (default null); if it rolls back, nothing happened and the attempt goes on as usual (its
   * return value or throw decides, as for any handler). Fenced by the lease: when this worker
   * no longer holds the job (lease expired and rescued, cancelled), nothing is written and it
   * throws `LeaseLostError` — let it reach your transaction so it rolls back. Not available in
   * isolated handlers (`isolate`) or on the memory and Redis backends (`InvalidArgumentError`).
   */
  complete(options: CompleteInTransaction): Promise<void>;
  readonly log: TaskLogger;
  /**
   * In a workflow built with `spool.flow()`: the results of this node's parents, by node name
   * (read at run time from the parent jobs). Empty for jobs outside a flow.
   */
  readonly parents: P;
  /**
   * Creates child jobs and ends this attempt: `return ctx.spawn([task.with(a), task.with(b)])`.
   * In one atomic write the children are enqueued and this job moves to `waiting` on them,
   * freeing its worker slot; when they are final, the handler runs again (same input) with
   * `ctx.children` set (see docs/children.md). The returned promise never settles: code after
   * it does not run. At most 10,000 children per call; inputs are validated and serialized
   * first, so a bad one rejects here (the attempt fails as a normal throw) and writes nothing.
   * Not available in isolated or batch tasks.
   */
  spawn(calls: ReadonlyArray<TaskCall>, options?: SpawnOptions): Promise<never>;
  /** Null on a first run; the last spawn's outcomes once its children are final (a resume). */
  readonly children: SpawnedChildren | null;
  /**
   * In a follow-up job (`enqueue(input, { then, catch })`): the outcome of the job that made it,
   * read when this job starts (null when that job is gone, and for every other job).
   */
  readonly parent: ParentOutcome | null;
}

export interface TaskDefaults {
  /** Queue (lane) the task's jobs go to. Default "default". */
  queue?: string;
  /** Attempts and backoff (default 3 attempts, exponential 1s…5m with jitter), or just a number of attempts. */
  retry?: RetryPolicy | number;
  /** The handler's signal aborts after this long and the attempt fails with `TimeoutError`. Default: none. */
  timeout?: Duration;
  /** Lease length while running (renewed at a third of it). Default: the worker's (30s). */
  lease?: Duration;
  /** Higher runs first; default 0. */
  priority?: number;
  /**
   * Run this task's handler in a worker thread or a child process (see docs/isolation.md), so a
   * timeout really stops it and a crash fails only its job; `false` keeps it in the worker's
   * process even when the worker isolates by default. Default: the worker's `isolate`.
   */
  isolate?: "thread" | "process" | false;
}

interface TaskBase<O> extends TaskDefaults {
  /** Unique, stable name: it is stored in jobs, so renaming a task orphans queued jobs. */
  name: string;
  /** Marker for type inference only. */
  readonly __output?: O;
}

export interface TaskConfig<I, O> extends TaskBase<O>, TaskFlowOptions<I>, TaskHooks<O> {
  /** Dedupe window per key (docs/flow-control.md): throttle, debounce or replace. */
  dedupe?: DedupeOptions<I>;
  run(input: I, ctx: TaskContext): Promise<O> | O;
}

/** `batch` of a task: how many jobs one call of its handler takes, and how long to wait for them. */
export interface BatchOptions {
  /** At most this many jobs per call (1..10000). A worker gathers at most `concurrency` at once. */
  size: number;
  /** How long the first job of a batch waits for more before the call starts. Default "100ms". */
  wait?: Duration;
}

/** What a batch handler gets besides its inputs: one context per job, in input order. */
export interface BatchContext {
  /** Each job's own context (id, attempt, signal, progress, log), aligned with `inputs`. */
  readonly jobs: readonly TaskContext[];
  /** Aborts once every job of the batch is aborted (timed out, cancelled, lost, shutdown). */
  readonly signal: AbortSignal;
}

/**
 * A task whose handler takes up to `batch.size` jobs in one call (one SMTP session, one bulk
 * INSERT) and returns one entry per input, in order: a result, or an `Error` that fails that
 * job alone (retried by the task's policy). A throw fails every job of the call.
 */
export interface BatchTaskConfig<I, O> extends TaskBase<O>, TaskFlowOptions<I>, TaskHooks<O> {
  batch: BatchOptions;
  dedupe?: DedupeOptions<I>;
  run(inputs: I[], ctx: BatchContext): Promise<ReadonlyArray<O | Error>> | ReadonlyArray<O | Error>;
}

export interface SchemaTaskConfig<S extends StandardSchemaV1, O>
  extends TaskBase<O>,
    TaskFlowOptions<StandardSchemaV1.InferOutput<S>>,
    TaskHooks<O> {
  /** Validates (and may transform) the input at enqueue time; invalid input throws `ValidationError`. */
  schema: S;
  /** The key function gets the validated input. */
  dedupe?: DedupeOptions<StandardSchemaV1.InferOutput<S>>;
  run(input: StandardSchemaV1.InferOutput<S>, ctx: TaskContext): Promise<O> | O;
}

/** `ctx.complete({ tx, result })`: see `TaskContext.complete`. */
export interface CompleteInTransaction {
  tx: AppTransaction;
  /** The job's result (stored as a handler's return value is); default null. */
  result?: unknown;
}
