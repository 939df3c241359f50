/**
 * `createSpool`: the thin facade users hold. It owns the task registry, the backend
 * (created lazily from a URL, so `createSpool` stays synchronous), one change-feed watcher
 * for job handles, and the workers it started. Everything else lives in its own module.
 */

import type { StandardSchemaV1 } from "@standard-schema/spec";
import type { Logger } from "pino";
import type { Backend, JobListParams, QueueInfo, WorkerInfo } from "../backend/backend.js";
import { createBackend } from "../backend/create-backend.js";
import { type Clock, systemClock } from "../core/clock.js";
import { InvalidArgumentError } from "../core/errors/index.js";
import type { QueueLimitOptions } from "../core/flow.js";
import { checkOptionKeys, ENQUEUE_MANY_OPTION_KEYS } from "../core/option-keys.js";
import { checkName, TaskRegistry } from "../core/registry.js";
import { PAYLOAD_LIMIT_DEFAULT } from "../core/serializer.js";
import type {
  AppTransaction,
  BatchTaskConfig,
  EnqueueManyOptions,
  EnqueueOptions,
  JobHandle,
  JobInfo,
  SchemaTaskConfig,
  Task,
  TaskCall,
  TaskConfig,
} from "../core/task.js";
import { prepareJobs, runPipeline } from "../enqueue/pipeline.js";
import { createScheduleClient, type ScheduleApi, type ScheduleHandle } from "../scheduler/client.js";
import type { ScheduleCall } from "../scheduler/define.js";
import type { Scheduler, SchedulerOptions } from "../scheduler/scheduler.js";
import type { ScheduleOptions } from "../scheduler/spec.js";
import type { Trigger } from "../scheduler/triggers.js";
import type { RetentionOptions, WorkerOptions } from "../worker/worker.js";
import { Worker } from "../worker/worker.js";
import { createWorkflowApi, type WorkflowApi } from "../workflow/api.js";
import { spawnSupport } from "../workflow/spawn.js";
import { defaultLogger } from "./default-logger.js";
import { InlineRunner } from "./inline.js";
import { createJobActions, type JobActionsApi } from "./job-actions.js";
import { type JobChildren, readJobChildren } from "./job-children.js";
import { type JobFollowUp, readJobFollowUps } from "./job-follow-ups.js";
import { decodeJob, SpoolJobHandle } from "./job-handle.js";
import { jobInputs } from "./job-inputs.js";
import { JobWatcher } from "./job-watcher.js";
import { queueLimitParams } from "./queue-limits.js";

export interface SpoolOptions {
  /**
   * Where state lives: a URL (`sqlite://.spool/spool.db` — the default, or `$SPOOL_URL` —,
   * `memory://`, `redis://…`, `postgres://…`), a `Backend` instance, or `"inline"` to run
   * every job at enqueue time (tests; see README "Testing your tasks").
   */
  backend?: string | Backend;
  /** Time source for delays, leases, retention; inject `FakeClock` in tests. */
  clock?: Clock;
  /** A pino logger, or options for the default one (level from `$SPOOL_LOG_LEVEL`, default "info", to stderr). */
  logger?: Logger | { level?: string };
  /** Largest serialized input or result in bytes. Default 1 MiB. */
  payloadLimit?: number;
  /** Default retention of finished jobs, applied by workers. */
  retention?: RetentionOptions | false;
}

/** A call by task name (what the HTTP API and the CLI use). */
export interface NamedTaskCall {
  readonly task: string;
  readonly input: unknown;
  readonly options?: EnqueueOptions;
}

export interface Spool extends WorkflowApi {
  /** Defines a task. Its input type comes from `run`'s parameter (or from `schema`). */
  task<S extends StandardSchemaV1, O>(
    config: SchemaTaskConfig<S, O>,
  ): Task<StandardSchemaV1.InferInput<S>, Awaited<O>>;
  task<I, O>(config: TaskConfig<I, O>): Task<I, Awaited<O>>;
  /** A batch task: `run(inputs[], ctx)` returns one result or Error per input (docs/batch.md). */
  task<I, O>(config: BatchTaskConfig<I, O>): Task<I, O>;
  /** Enqueues by task name (what the CLI and HTTP API use); typed code should prefer `task.enqueue`. */
  enqueue(task: string, input: unknown, options?: EnqueueOptions): Promise<JobHandle>;
  /**
   * Enqueues many calls of any tasks (by handle or by name) in one backend round trip; all or
   * nothing. `{ tx }`: inside the application's own transaction (see `AppTransaction`).
   */
  enqueueMany(
    calls: ReadonlyArray<TaskCall | NamedTaskCall>,
    options?: EnqueueManyOptions,
  ): Promise<JobHandle[]>;
  /** A handle on an existing job. */
  job<O = unknown, I = unknown>(id: string): JobHandle<O, I>;
  readonly jobs: JobActionsApi & {
    get(id: string): Promise<JobInfo | null>;
    list(params?: JobListParams): Promise<{ jobs: JobInfo[]; nextCursor: string | null }>;
    /** The children a job spawned (`ctx.spawn`), every round, with counts by state; null: no such job. */
    children(id: string): Promise<JobChildren | null>;
    /** The job's then / catch follow-ups: waiting for its outcome, or the job it made; null: no such job. */
    followUps(id: string): Promise<JobFollowUp[] | null>;
    cancel(ids: string[], reason?: string): Promise<{ cancelled: string[]; skipped: string[] }>;
    retry(ids: string[]): Promise<{ ok: string[]; refused: string[] }>;
    remove(ids: string[]): Promise<{ removed: string[]; skipped: string[] }>;
  };
  readonly queues: {
    list(): Promise<QueueInfo[]>;
    pause(queue: string): Promise<void>;
    resume(queue: string): Promise<void>;
    /**
     * Sets a queue's concurrency cap and/or rate limit (null removes one, an omitted field
     * stays). Stored: every worker of the cluster obeys it from its next claim.
     */
    limit(queue: string, limits: QueueLimitOptions): Promise<void>;
  };
  readonly workers: { list(): Promise<WorkerInfo[]> };
  /** Creates a worker (call `start()` on it). */
  worker(options?: WorkerOptions): Worker;
  /**
   * Defines (or redefines, by name) a persistent schedule that enqueues `call` on `trigger`.
   * Checks run at once; the definition is stored in the background (see docs/scheduler.md).
   * @example
   * spool.schedule("nightly-backup", { cron: "0 3 * * *", tz: "Europe/Berlin" }, backup.with({}));
   */
  schedule(name: string, trigger: Trigger, call: ScheduleCall, options?: ScheduleOptions): ScheduleHandle;
  readonly schedules: ScheduleApi;
  /** Creates a scheduler (call `start()` on it); run any number, in any processes. */
  scheduler(options?: SchedulerOptions): Scheduler;
  /** The backend, once created and migrated. */
  backend(): Promise<Backend>;
  readonly registry: TaskRegistry;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly inline: boolean;
  /** Stops this client's workers gracefully and closes the backend. */
  close(): Promise<void>;
}

/**
 * @example
 * const spool = createSpool(); // sqlite://.spool/spool.db
 * const hello = spool.task({ name: "hello", run: (input: { who: string }) => `hi ${input.who}` });
 * const job = await hello.enqueue({ who: "ada" });
 * await spool.worker({ concurrency: 8 }).start();
 * console.log(await job.result()); // "hi ada"
 */
export function createSpool(options: SpoolOptions = {}): Spool {
  const clock = options.clock ?? systemClock;
  const logger =
    options.logger && "info" in options.logger
      ? (options.logger as Logger)
      : defaultLogger(options.logger as { level?: string } | undefined);
  const payloadLimit = options.payloadLimit ?? PAYLOAD_LIMIT_DEFAULT;
  if (!Number.isInteger(payloadLimit) || payloadLimit < 1)
    throw new InvalidArgumentError("payloadLimit must be a positive integer", "payloadLimit");
  const registry = new TaskRegistry();
  const source = options.backend ?? process.env.SPOOL_URL;
  const inline = source === "inline";

  let backendPromise: Promise<Backend> | null = null;
  const scheduling = createScheduleClient({
    backend: () => getBackend(),
    registry,
    clock,
    logger,
    payloadLimit,
  });
  const getBackend = (): Promise<Backend> => {
    if (!backendPromise) {
      backendPromise = (async () => {
        // The memory backend loads only for "inline": a worker on another store never needs it.
        const backend = inline
          ? new (await import("../backend/memory/memory-backend.js")).MemoryBackend(clock)
          : typeof source === "object"
            ? source
            : await createBackend(source, { clock });
        await backend.migrate();
        return backend;
      })();
      // Keep the rejection observable by callers without an unhandled-rejection crash here.
      backendPromise.catch(() => {});
      // Schedules defined so far are stored now that the backend opens.
      scheduling.open();
    }
    return backendPromise;
  };
  let watcher: JobWatcher | null = null;
  const getWatcher = async () => (watcher ??= new JobWatcher(await getBackend()));
  const handleDeps = { backend: getBackend, watcher: getWatcher };
  const spawning = spawnSupport({ registry, now: () => clock.now(), payloadLimit });
  const runner = inline
    ? new InlineRunner({
        registry,
        clock,
        logger,
        payloadLimit,
        backend: getBackend,
        resolveInput: jobInputs,
        spawn: spawning,
      })
    : null;
  const workers = new Set<Worker>();
  const schedulers = new Set<Scheduler>();

  async function enqueueCalls(
    calls: ReadonlyArray<{ task: string; input: unknown; options?: EnqueueOptions }>,
    batch?: EnqueueManyOptions,
  ): Promise<JobHandle[]> {
    if (calls.length === 0) return [];
    const tx = transactionOf(calls, batch);
    // Inline mode runs delayed jobs right away: tests should not wait on wall time.
    const prepared = inline
      ? calls.map((c) =>
          c.options ? { ...c, options: { ...c.options, delay: undefined, runAt: undefined } } : c,
        )
      : calls;
    return runPipeline(calls, {
      build: () => prepareJobs(prepared, { registry, now: clock.now(), payloadLimit }),
      write: async (jobs) => {
        const backend = await getBackend();
        const out = await backend.jobEnqueue(tx === undefined ? { jobs } : { jobs, tx });
        if (runner) await runner.drain();
        const handles = out.jobs.map(
          (ref) =>
            new SpoolJobHandle(
              ref.id,
              ref.created,
              handleDeps,
              ref.deduplicated === true,
              ref.dropped === true,
            ),
        );
        return { result: handles, ids: handles.map((h) => h.id) };
      },
    });
  }

  const workflowApi = createWorkflowApi({
    backend: getBackend,
    registry,
    clock,
    payloadLimit,
    ...(runner ? { afterEnqueue: () => runner.drain() } : {}),
  });

  const spool: Spool = {
    ...workflowApi,
    registry,
    clock,
    logger,
    inline,
    task: function task(
      config:
        | TaskConfig<unknown, unknown>
        | SchemaTaskConfig<StandardSchemaV1, unknown>
        | BatchTaskConfig<unknown, unknown>,
    ) {
      const registered = registry.register(config);
      const name = registered.name;
      const task: Task<unknown, unknown> = {
        name,
        queue: registered.queue,
        enqueue: async (input, opts) => (await enqueueCalls([{ task: name, input, options: opts }]))[0]!,
        enqueueMany: (items, options) =>
          enqueueCalls(
            items.map((i) => ({ task: name, input: i.input, options: i.options })),
            options,
          ),
        with: ((...args: [unknown?, EnqueueOptions?]) =>
          args.length === 0
            ? { task, piped: true, options: {} }
            : { task, input: args[0], options: args[1] ?? {} }) as Task<unknown, unknown>["with"],
      };
      return task;
    } as Spool["task"],
    enqueue: async (task, input, opts) => (await enqueueCalls([{ task, input, options: opts }]))[0]!,
    enqueueMany: (calls, options) =>
      enqueueCalls(
        calls.map((c) => ({
          task: typeof c.task === "string" ? c.task : c.task.name,
          input: c.input,
          options: c.options,
        })),
        options,
      ),
    job: <O, I>(id: string) => new SpoolJobHandle<O, I>(id, false, handleDeps),
    jobs: {
      async get(id) {
        const r = await (await getBackend()).jobGet({ id });
        return r ? decodeJob(r) : null;
      },
      async list(params = {}) {
        const page = await (await getBackend()).jobList(params);
        return { jobs: page.jobs.map((j) => decodeJob(j)), nextCursor: page.nextCursor };
      },
      children: async (id) => readJobChildren(await getBackend(), id),
      followUps: async (id) => readJobFollowUps(await getBackend(), id),
      cancel: async (ids, reason) =>
        (await getBackend()).jobCancel(reason === undefined ? { ids } : { ids, reason }),
      retry: async (ids) => {
        const out = await (await getBackend()).jobRetry({ ids });
        if (runner) await runner.drain();
        return out;
      },
      remove: async (ids) => (await getBackend()).jobRemove({ ids }),
      ...createJobActions({
        backend: getBackend,
        registry,
        payloadLimit,
        afterRequeue: async () => {
          if (runner) await runner.drain();
        },
      }),
    },
    queues: {
      list: async () => (await getBackend()).queueList(),
      pause: async (queue) => (await getBackend()).queuePause({ queue: checkName(queue, "queue") }),
      resume: async (queue) => (await getBackend()).queueResume({ queue: checkName(queue, "queue") }),
      limit: async (queue, limits) => {
        const params = queueLimitParams(queue, limits);
        await (await getBackend()).queueLimit(params);
      },
    },
    workers: { list: async () => (await getBackend()).workerList() },
    worker(workerOptions) {
      const worker = new Worker(
        {
          backend: getBackend(),
          registry,
          clock,
          logger,
          payloadLimit,
          retention: options.retention ?? {},
          resolveInput: jobInputs,
          spawn: spawning,
        },
        workerOptions,
      );
      workers.add(worker);
      worker.once("worker:stopped", () => workers.delete(worker));
      return worker;
    },
    schedule: scheduling.schedule,
    schedules: scheduling.schedules,
    scheduler(schedulerOptions) {
      const scheduler = scheduling.scheduler(schedulerOptions);
      schedulers.add(scheduler);
      return scheduler;
    },
    backend: getBackend,
    async close() {
      await Promise.all([...schedulers].map((s) => s.stop()));
      await scheduling.settled();
      await Promise.all([...workers].map((w) => w.stop()));
      watcher?.close();
      if (backendPromise) await (await backendPromise.catch(() => null))?.close();
      logger.flush?.();
    },
  };
  return spool;
}

/**
 * The one application transaction a batch is written in: the batch's `{ tx }` or the calls'
 * own (all the same one); undefined for spool's own transaction.
 */
function transactionOf(
  calls: ReadonlyArray<{ options?: EnqueueOptions }>,
  batch: EnqueueManyOptions | undefined,
): AppTransaction | undefined {
  checkOptionKeys(batch, ENQUEUE_MANY_OPTION_KEYS, "enqueueMany()");
  let tx = batch?.tx;
  for (const call of calls) {
    const own = call.options?.tx;
    if (own === undefined) continue;
    if (tx !== undefined && own !== tx)
      throw new InvalidArgumentError("the calls of one batch must share one transaction ({ tx })", "tx");
    tx = own;
  }
  if (tx !== undefined && (tx === null || (typeof tx !== "object" && typeof tx !== "function")))
    throw new InvalidArgumentError("tx must be the application's open transaction object", "tx");
  return tx;
}
