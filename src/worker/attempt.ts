/**
 * Runs one attempt of one job and reports, through its `AttemptSink`, two facts: the outcome
 * is decided (`decided`), and the handler itself has returned (`returned`: its slot may be
 * freed). The outcome is decided by whichever comes first: the handler settling, `ctx.spawn`,
 * or the job's signal aborting (timeout, cancel, lease loss, shutdown). A handler that ignores
 * its signal keeps its slot until it really returns, so concurrency limits hold even for badly
 * behaved handlers, but the job's fate is recorded without waiting for it.
 *
 * Built for the hot path: one `Attempt` object per job holds what closures and promises used
 * to (about ten promises per job went to deciding a no-op job's outcome); the handler's own
 * promise gets one `then`, a sync handler none. Reports are always delivered from a microtask,
 * never from inside the call that caused them (a runner that starts the next job from a report
 * must not re-enter itself), and the reports of many attempts share one microtask.
 */
import type { Logger } from "pino";
import type { Backend } from "../backend/backend.js";
import type { Clock } from "../core/clock.js";
import { TimeoutError, UnknownTaskError } from "../core/errors/index.js";
import type { ParentOutcome } from "../core/follow-ups.js";
import type { RegisteredTask } from "../core/registry.js";
import { deserialize, serializeLimited } from "../core/serializer.js";
import type { SpawnedChildren } from "../core/spawn.js";
import type { TaskCall } from "../core/task.js";
import type { LeasedJob } from "../core/types.js";
import { type ExecutionTrace, isUntraced, startExecutionSpan } from "../telemetry/tracing.js";
import { type BatchCollector, runAlone } from "./batch-collector.js";
import { errorRecord } from "./error-record.js";
import { faultScopeEnabled, runInFaultScope } from "./fault-scope.js";
import { runHook } from "./hooks.js";
import type { Isolation } from "./isolation/isolation.js";
import { type ContextDeps, type JobContext, makeContext, type ParentResults } from "./job-context.js";
import type { JobControl } from "./job-control.js";
import { abortOutcome, failedOutcome, type Outcome, type SpawnOutcome } from "./outcome.js";

/**
 * Builds a job's input at run time when it does not travel with the job (a workflow job that
 * takes its parents' results): returns null for an ordinary job. Injected by the client
 * (workflow/inputs.ts), so the worker does not import the workflow module.
 */
export type InputResolver = (
  job: LeasedJob,
  backend: Backend,
) => Promise<{ input: unknown; parents: ParentResults; parent?: ParentOutcome | null }> | null;

/**
 * Dynamic children (injected by the client, see workflow/spawn.ts, so the worker does not import
 * the enqueue pipeline): builds the jobs `ctx.spawn` creates, and reads a resumed job's children.
 */
export interface SpawnSupport {
  /** Validates and serializes the calls into child jobs of `parent` (throws on bad input). */
  build(
    calls: ReadonlyArray<TaskCall>,
    parent: LeasedJob,
  ): ReturnType<NonNullable<ContextDeps["spawn"]>["build"]>;
  /**
   * For a job resumed after a spawn: its children's outcomes (null for any other job). Under
   * `onFailure: "fail"` with a child failed or cancelled, cancels the unfinished ones and throws
   * a `NonRetriableError` naming the child (the handler is not called).
   */
  resume(job: LeasedJob, backend: Backend): Promise<SpawnedChildren> | null;
}

export interface ExecuteDeps extends ContextDeps {
  clock: Clock;
  /** Run-time inputs (workflow jobs); the client passes workflow/inputs.ts's resolver. */
  resolveInput: InputResolver;
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

/** Where an attempt reports; `key` is what the caller passed to `runAttempt` (its own record). */
export interface AttemptSink<K> {
  /** The outcome is decided (once; after the task's hooks ran). */
  decided(key: K, outcome: Outcome): void;
  /** The handler has returned or thrown, or is gone (once). */
  returned(key: K): void;
}

/** Starts one attempt; reports go to `sink` with `key`. */
export function runAttempt<K>(
  task: RegisteredTask | undefined,
  job: LeasedJob,
  control: JobControl,
  deps: ExecuteDeps,
  sink: AttemptSink<K>,
  key: K,
): void {
  new Attempt(task, job, control, deps, sink, key).start();
}

// ── report delivery: one microtask for every attempt with something to report ──────────────
const due: Attempt<unknown>[] = [];
let draining = false;

function later(a: Attempt<unknown>): void {
  if (a.queued) return;
  a.queued = true;
  due.push(a);
  if (!draining) {
    draining = true;
    queueMicrotask(drain);
  }
}

function drain(): void {
  let i = 0;
  try {
    // Reports may queue more reports: they run in this same pass.
    for (; i < due.length; i++) {
      const a = due[i]!;
      a.queued = false;
      a.deliver();
    }
  } finally {
    due.splice(0, Math.min(i + 1, due.length));
    if (due.length > 0) queueMicrotask(drain);
    else draining = false;
  }
}

function fireTimeout(a: Attempt<unknown>): void {
  a.timedOut();
}

/** Where a report stands: not yet due, due (queued for delivery), delivered. */
const Report = { None: 0, Pending: 1, Delivered: 2 } as const;
type ReportState = (typeof Report)[keyof typeof Report];

class Attempt<K> {
  queued = false;
  /** The input the handler ran with (hooks see it); the stored one until the handler starts. */
  private ranWith: unknown = undefined;
  private readonly span: ExecutionTrace;
  private timer: NodeJS.Timeout | undefined = undefined;
  private done = false;
  private outcome: Outcome | null = null;
  private outcomeReport: ReportState = Report.None;
  private returnReport: ReportState = Report.None;
  private ctx: JobContext | null = null;

  constructor(
    private readonly task: RegisteredTask | undefined,
    private readonly job: LeasedJob,
    private readonly control: JobControl,
    private readonly deps: ExecuteDeps,
    private readonly sink: AttemptSink<K>,
    private readonly key: K,
  ) {
    this.span = startExecutionSpan(job);
  }

  /** For fault-scope.ts (`FaultTarget`). */
  get jobId(): string {
    return this.job.id;
  }

  start(): void {
    const { task, job, deps } = this;
    if (!task) {
      // Deploy skew: this worker does not know the task, another may. Retry with backoff.
      this.handlerGone();
      this.finish(failedOutcome(undefined, job, new UnknownTaskError(job.task), deps));
      return;
    }
    let input: unknown;
    // Workflow jobs that take their parents' results build their input when they start.
    let fromParents: ReturnType<InputResolver> = null;
    // A job resumed after ctx.spawn reads its children's outcomes first.
    let children: Promise<SpawnedChildren> | null = null;
    try {
      fromParents = deps.resolveInput(job, deps.backend);
      if (!fromParents) this.ranWith = input = deserialize(job.input);
      children = deps.spawn?.resume(job, deps.backend) ?? null;
    } catch (err) {
      this.handlerGone();
      this.finish(failedOutcome(task, job, err, deps));
      return;
    }
    const timeoutMs = job.timeoutMs;
    if (timeoutMs !== null && timeoutMs > 0) this.timer = setTimeout(fireTimeout, timeoutMs, this);
    const ctx = makeContext(job, this.control, deps, this);
    this.ctx = ctx;
    this.control.onAbort(this);
    // Aborted before it started (a shutdown racing the start): decided now; the handler still
    // runs and keeps its slot until it returns, as it always has.
    if (this.control.aborted) this.aborted();
    try {
      if (fromParents || children) {
        const ready = fromParents
          ? fromParents.then((resolved) => {
              ctx.parents = resolved.parents;
              ctx.parent = resolved.parent ?? null;
              this.ranWith = resolved.input;
              return resolved.input;
            })
          : Promise.resolve(input);
        this.follow(
          ready.then((value) =>
            children
              ? children.then((c) => {
                  ctx.children = c;
                  return this.call(value);
                })
              : this.call(value),
          ),
        );
      } else this.follow(this.call(input));
    } catch (err) {
      this.settled(false, err);
    }
  }

  /** Calls the handler (in its span, in a fault scope when fault handlers are installed). */
  private call(value: unknown): unknown {
    this.ranWith = value;
    const { task, deps, ctx, span } = this;
    const t = task!;
    const isolated = deps.isolation?.runnerFor(t);
    if (isolated) return isolated(value, ctx!, this.control.signal);
    const batches = deps.batches;
    const run = t.batch
      ? () => (batches ? batches.add(t, value, ctx!) : runAlone(t, value, ctx!))
      : isUntraced(span) && !faultScopeEnabled()
        ? null
        : () => t.run(value, ctx!);
    if (!run) return t.run(value, ctx!);
    const traced = isUntraced(span) ? run : () => span.run(run);
    // With fault handlers installed, a throw in a timer or an unawaited rejection of this
    // handler fails this job (see fault-scope.ts) and frees its slot: the handler is gone.
    return faultScopeEnabled() ? runInFaultScope(this, traced) : traced();
  }

  /** Waits for what the handler returned: a promise (or thenable) once, a value not at all. */
  private follow(result: unknown): void {
    if (result !== null && (typeof result === "object" || typeof result === "function")) {
      const then = (result as { then?: unknown }).then;
      if (typeof then === "function") {
        const p = result instanceof Promise ? result : Promise.resolve(result);
        p.then(
          (value) => this.settled(true, value),
          (err) => this.settled(false, err),
        );
        return;
      }
    }
    this.settled(true, result);
  }

  /** The handler returned `value` (ok) or threw it. */
  private settled(ok: boolean, value: unknown): void {
    this.handlerGone();
    if (this.done) return;
    if (this.control.aborted) {
      this.aborted();
      return;
    }
    let outcome: Outcome;
    if (!ok) outcome = failedOutcome(this.task, this.job, value, this.deps);
    else
      try {
        outcome = {
          kind: "completed",
          result: serializeLimited(value === undefined ? null : value, this.deps.payloadLimit, "result"),
        };
      } catch (err) {
        // An unserializable or oversized result will not get better on retry.
        outcome = {
          kind: "failed",
          error: errorRecord(err, this.job.attempt, this.deps.clock.now()),
          retryAt: null,
        };
      }
    this.finish(outcome);
  }

  /** `ctx.spawn` (job-context.ts): the handler is done once it asked for the spawn. */
  spawned(outcome: SpawnOutcome): void {
    this.handlerGone();
    if (this.control.aborted) this.aborted();
    else this.finish(outcome);
  }

  /** The job's control aborted (job-control.ts). */
  aborted(): void {
    if (!this.done) this.finish(abortOutcome(this.task!, this.job, this.control.reason, this.deps));
  }

  timedOut(): void {
    const ms = this.job.timeoutMs!;
    this.control.abort(new TimeoutError(`job ${this.job.id} timed out after ${ms}ms`, ms));
  }

  /** A fault attributed to this job (fault-scope.ts): fail it and free its slot. */
  fault(err: unknown): void {
    this.control.abort(err);
    this.handlerGone();
  }

  private handlerGone(): void {
    if (this.returnReport !== Report.None) return;
    this.returnReport = Report.Pending;
    later(this as Attempt<unknown>);
  }

  private finish(outcome: Outcome): void {
    if (this.done) return;
    this.done = true;
    if (this.timer) clearTimeout(this.timer);
    this.control.onAbort(null);
    const task = this.task;
    // In-process hooks run before the outcome is written (at-least-once, hooks.ts).
    if (task?.hooks) {
      void runHook(task, this.job, this.ranWith, outcome, this.deps).then((o) => {
        this.outcome = o;
        this.outcomeReport = Report.Pending;
        later(this as Attempt<unknown>);
      });
      return;
    }
    this.outcome = outcome;
    this.outcomeReport = Report.Pending;
    later(this as Attempt<unknown>);
  }

  /** Delivers what is pending (from `drain`). */
  deliver(): void {
    if (this.returnReport === Report.Pending) {
      this.returnReport = Report.Delivered;
      this.sink.returned(this.key);
    }
    if (this.outcomeReport === Report.Pending) {
      this.outcomeReport = Report.Delivered;
      const o = this.outcome!;
      this.span.end(o);
      this.sink.decided(this.key, o);
    }
  }
}
