/**
 * A defined task as callers use it: `enqueue`, `with`, the calls that workflows, schedules,
 * follow-ups and spawns take, and the handle on a job. Apart from task.ts (how a task is
 * defined and what its handler gets) because the handler's context names these types
 * (`ctx.spawn` takes calls, `ctx.children` is typed by a `Task`), and task.ts re-exports them.
 */
import type { EnqueueDedupeOptions } from "./dedupe.js";
import type { Duration } from "./duration.js";
import type { EpochMs, JobRecord } from "./types.js";

/**
 * The application's own open transaction, to enqueue inside it (`{ tx }`): the job exists
 * exactly when that transaction commits (a rollback leaves no job and wakes no worker).
 * PostgreSQL takes a node-postgres `PoolClient`/`Client` inside `BEGIN`, a postgres.js
 * `sql.begin` transaction, a Drizzle `tx`, a Kysely `Transaction`, or a Prisma interactive
 * transaction client; SQLite takes the app's own better-sqlite3 `Database` opened on the spool
 * file, inside `db.transaction`. Other backends refuse it (`InvalidArgumentError`).
 */
export type AppTransaction = object;

/** When and how one job runs. Every field is optional; the task's defaults fill the rest. */
export interface EnqueueOptions {
  /** Run no earlier than this long from now. */
  delay?: Duration;
  /** Run no earlier than this instant (wins over `delay`). */
  runAt?: Date | EpochMs;
  priority?: number;
  /**
   * Idempotency key, unique per task among retained jobs: enqueueing again with the same
   * key returns the existing job instead of creating one.
   */
  key?: string;
  queue?: string;
  /**
   * The flow-control key of this job (see docs/flow-control.md): counts it against its task's
   * per-key `concurrency` and `rateLimit` instead of the key their `key` functions compute.
   */
  limitKey?: string;
  /** Total attempts for this job (overrides the task's retry.attempts). */
  attempts?: number;
  timeout?: Duration;
  lease?: Duration;
  /** JSON metadata stored with the job. */
  meta?: Record<string, unknown>;
  /**
   * A dedupe window with a literal key (docs/flow-control.md); wins over the task's `dedupe`.
   * Only for `enqueue`/`enqueueMany`: workflow nodes and schedule fires are not deduplicated.
   */
  dedupe?: EnqueueDedupeOptions;
  /**
   * Durable follow-up written in the same atomic write as this job's completion (exactly once,
   * never for a stale lease). `task.with(input)` or `task.with()` (its input is this job's
   * result), or by name (`NamedFollowUpCall`). Options: queue, priority, attempts, timeout,
   * lease, meta, limitKey.
   */
  // biome-ignore lint/suspicious/noExplicitAny: any task's call (as workflow nodes take them)
  then?: TaskCall<any, unknown> | PipedCall<any, unknown> | NamedFollowUpCall;
  /** Like `then`, on this job's final failure; `task.with()` gets the last error record as input. */
  // biome-ignore lint/suspicious/noExplicitAny: any task's call (as workflow nodes take them)
  catch?: TaskCall<any, unknown> | PipedCall<any, unknown> | NamedFollowUpCall;
  /** Jobs (ids or handles) that must complete before this one runs. */
  dependsOn?: ReadonlyArray<string | { readonly id: string }>;
  /**
   * Enqueue inside the application's own transaction (see `AppTransaction`). Only for
   * `enqueue`/`enqueueMany`; workflows and schedules write in spool's own transactions.
   */
  tx?: AppTransaction;
}

/** Options of a whole bulk enqueue. */
export interface EnqueueManyOptions {
  /** Enqueue the whole batch inside the application's own transaction (see `AppTransaction`). */
  tx?: AppTransaction;
}

/**
 * A follow-up by task name (what the HTTP API and the CLI send): with an `input` key, that
 * fixed input (as `task.with(input)`); without one, the parent's outcome (as `task.with()`:
 * its result for `then`, its last error record for `catch`).
 */
export interface NamedFollowUpCall {
  readonly task: string;
  readonly input?: unknown;
  readonly options?: EnqueueOptions;
}

/** A task bound to an input: what workflows, schedules and bulk enqueue take. */
export interface TaskCall<I = unknown, O = unknown> {
  readonly task: Task<I, O>;
  readonly input: I;
  readonly options: EnqueueOptions;
}

/**
 * A task call whose input is its parents' results, filled in at run time (`task.with()`):
 * in a chain, the previous step's result; after a group, the array of its results; in a
 * flow, an object of the parents' results by node name.
 */
export interface PipedCall<I = unknown, O = unknown> {
  readonly task: Task<I, O>;
  readonly piped: true;
  readonly options: EnqueueOptions;
}

/** A job as users see it: input and result decoded. */
export interface JobInfo<I = unknown, O = unknown> extends Omit<JobRecord, "input" | "result"> {
  input: I;
  result: O | undefined;
}

export type JobEventType =
  | "enqueued"
  | "started"
  | "progress"
  | "log"
  | "retried"
  | "completed"
  | "failed"
  | "cancelled"
  | "released"
  | "rescued"
  | "removed";

export interface JobEvent {
  type: JobEventType;
  jobId: string;
  at: EpochMs;
  state?: JobRecord["state"];
  data?: Record<string, unknown>;
}

export interface ResultOptions {
  /** Give up waiting (throws `TimeoutError`; the job keeps running). Default: wait forever. */
  timeout?: Duration;
  signal?: AbortSignal;
}

/** A handle on one job. Cheap to create: `spool.job(id)` makes one from an id alone. */
export interface JobHandle<O = unknown, I = unknown> {
  readonly id: string;
  /** False when an idempotency key or a dedupe window matched an existing job (this handle points at it). */
  readonly created: boolean;
  /** True when a dedupe window (not an idempotency key) matched: the existing job was returned or updated. */
  readonly deduplicated: boolean;
  /**
   * True when the task's `concurrency.strategy` is `"drop-newest"` and the job's group was full:
   * nothing was written, `id` names no job (`get()` / `result()` throw `NotFoundError`).
   */
  readonly dropped: boolean;
  get(): Promise<JobInfo<I, O>>;
  state(): Promise<JobRecord["state"]>;
  /** Waits for the job to finish; resolves with its result, or throws `JobFailedError`. */
  result(options?: ResultOptions): Promise<O>;
  /** Live events of this job until it ends (progress, retried, completed, failed, cancelled …). */
  events(options?: { signal?: AbortSignal }): AsyncIterable<JobEvent>;
  /** Cancels the job (a running handler's signal aborts, wherever it runs). */
  cancel(reason?: string): Promise<boolean>;
  /** Runs a failed or cancelled job again. */
  retry(): Promise<boolean>;
  /** Deletes the job (not while running). */
  remove(): Promise<boolean>;
}

export interface Task<I = unknown, O = unknown> {
  readonly name: string;
  readonly queue: string;
  enqueue(input: I, options?: EnqueueOptions): Promise<JobHandle<O, I>>;
  /** Bulk enqueue in one backend round trip per chunk; all-or-nothing per call. */
  enqueueMany(
    items: ReadonlyArray<{ input: I; options?: EnqueueOptions }>,
    options?: EnqueueManyOptions,
  ): Promise<JobHandle<O, I>[]>;
  /** For workflows: the input is the parents' results, filled in at run time (see `PipedCall`). */
  with(): PipedCall<I, O>;
  /** Binds an input for workflows, schedules and `spool.enqueueMany`. */
  with(input: I, options?: EnqueueOptions): TaskCall<I, O>;
}

export type InputOf<T> = T extends Task<infer I, unknown> ? I : never;
export type OutputOf<T> = T extends Task<unknown, infer O> ? O : never;
