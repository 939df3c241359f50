/**
 * The worker: claims jobs in batches, runs up to `concurrency` handlers, keeps their leases
 * alive, records outcomes in batches, and shuts down gracefully.
 *
 * ```
 *   change feed ──nudge──┐        ┌── poll timer / nextRunAt timer
 *                        ▼        ▼
 *               ┌──── claim loop ────┐  jobClaim(limit = free slots)
 *               │                    ▼
 *               │     execute(job) ×N ──► OutcomeBatcher ──► jobComplete / jobFail (one call per tick)
 *               │          ▲                                       │
 *               │   LeaseRenewer (every lease/3, one call)         └── slot freed ──► claim loop
 *               └── Periodic: rescue expired leases · retention · heartbeat
 * ```
 *
 * A handler slot is held from the handler's start until it has returned *and* its outcome
 * is decided, so at most `concurrency` handlers run; the job's lease is held until the
 * outcome is stored (or the job is dropped). With prefetch (see `WorkerOptions.prefetch`) up
 * to `concurrency + prefetch` leases are held, the extra ones by jobs waiting in the local
 * buffer or whose outcome is being written, so a buffered job starts without waiting for the
 * previous outcome's write; with `prefetch: 0`, never more than `concurrency`.
 * The worker installs no signal handlers; the CLI does (library code must not).
 */
import { EventEmitter } from "node:events";
import { hostname } from "node:os";
import type { Logger } from "pino";
import type { Backend, BackendEvent, BackendEventType } from "../backend/backend.js";
import type { Clock } from "../core/clock.js";
import { type Duration, toMs } from "../core/duration.js";
import {
  InvalidArgumentError,
  JobCancelledError,
  LeaseLostError,
  ShutdownError,
} from "../core/errors/index.js";
import { newWorkerId } from "../core/ids.js";
import { checkName, type TaskRegistry } from "../core/registry.js";
import type { JobErrorRecord, LeasedJob, LeaseRef } from "../core/types.js";
import { type Execution, execute } from "./execute.js";
import { JobControl } from "./job-control.js";
import { LeaseRenewer } from "./lease-renewer.js";
import { OutcomeBatcher } from "./outcome-batcher.js";
import { Periodic } from "./periodic.js";
import { PushReceiver, supportsPush } from "./push-receiver.js";
import { createTaskLogger } from "./task-logger.js";

export const CONCURRENCY_DEFAULT = 10;
export const LEASE_DURATION_DEFAULT = "30s";
export const SHUTDOWN_GRACE_DEFAULT = "30s";
/** Fallback poll when no notification arrives; notifications make pick-up immediate. */
export const POLL_INTERVAL_DEFAULT = "1s";
export const HEARTBEAT_INTERVAL_MS = 5000;
export const RETENTION_INTERVAL_MS = 60_000;
/** "auto" prefetch claims ahead only while handlers average less than this. */
export const AUTO_PREFETCH_RUN_MS = 25;
/**
 * "auto" prefetch aims to hold about this much work per slot in the local buffer: enough to
 * hide a claim round trip and make claims big, little enough that a prefetched job does not
 * wait long behind the ones ahead of it.
 */
const AUTO_PREFETCH_BUFFER_MS = 50;
/** "auto" prefetch holds between 2 and 8 × concurrency (8 × only for sub-7 ms handlers). */
const AUTO_PREFETCH_FACTOR_MIN = 2;
const AUTO_PREFETCH_FACTOR_MAX = 8;
const PREFETCH_MAX = 1000;

export interface RetentionOptions {
  /** Remove completed jobs this long after they finished. Default "1d". `false` keeps them. */
  completed?: Duration | false;
  /** Default "7d". */
  failed?: Duration | false;
  /** Default "7d". */
  cancelled?: Duration | false;
}

export interface WorkerOptions {
  /** Queues to consume, in priority order of listing only for display. Default: every queue the app's tasks use. */
  queues?: string[];
  /** Handlers running at once. Default 10. */
  concurrency?: number;
  /** Lease on each running job, renewed every third of it. Default "30s". */
  lease?: Duration;
  /** On stop: how long running jobs may take to finish before they are released. Default "30s". */
  shutdownGrace?: Duration;
  /** Fallback poll interval. Default "1s". */
  pollInterval?: Duration;
  /** How often to look for expired leases of dead workers. Default: lease / 3, at most 10s. */
  rescueInterval?: Duration;
  /**
   * Jobs claimed ahead of free slots and held, leased, in a local buffer, so claims come in
   * bigger batches. `"auto"` (default) prefetches while handlers average under 25 ms — about
   * 50 ms of work per slot, between 2 × and 8 × concurrency (at most 1,000) — and nothing
   * otherwise: short jobs gain throughput, long jobs are not hoarded by one worker while
   * another idles. A prefetched job starts after those ahead of it, even
   * if a higher-priority job arrives meanwhile; on shutdown it goes back to `queued` at once.
   */
  prefetch?: number | "auto";
  /** Run retention in this worker. Default true. */
  retention?: RetentionOptions | false;
}

export interface WorkerEvents {
  "job:started": [job: LeasedJob];
  "job:completed": [jobId: string];
  "job:retried": [jobId: string];
  "job:failed": [jobId: string];
  /** A late outcome the backend refused: the lease expired and was rescued, or the job was cancelled or removed. */
  "job:refused": [jobId: string];
  "lease:lost": [jobId: string, reason: "lost" | "cancelled" | "removed"];
  "jobs:released": [jobIds: string[]];
  "worker:error": [error: unknown];
  "worker:stopped": [];
}

interface Held {
  job: LeasedJob;
  /** False while the job waits in the prefetch buffer. */
  started: boolean;
  startedAt: number;
  control: JobControl;
  execution: Execution | null;
  /** The attempt's outcome is decided (it may still wait in the batcher). */
  outcomeKnown: boolean;
  /** Outcome stored, refused or dropped. */
  outcomeDone: boolean;
  handlerDone: boolean;
  /** The handler slot went back (handler returned, outcome decided); the lease is still held. */
  slotFreed: boolean;
  failure?: JobErrorRecord;
}

export interface WorkerDeps {
  backend: Promise<Backend>;
  registry: TaskRegistry;
  clock: Clock;
  logger: Logger;
  payloadLimit: number;
  retention: RetentionOptions | false;
}

type State = "idle" | "running" | "stopping" | "stopped";

const WAKE_EVENTS = new Set<BackendEventType>([
  "job:enqueued",
  "job:released",
  "job:rescued",
  "job:retried",
  "queue:resumed",
]);
/** What a worker reads from the feed: wake-ups, and the end of jobs it may hold. */
const FEED_TYPES: readonly BackendEventType[] = [...WAKE_EVENTS, "job:cancelled", "job:removed"];

export class Worker extends EventEmitter<WorkerEvents> {
  readonly id = newWorkerId(hostname(), process.pid);
  readonly concurrency: number;
  readonly leaseMs: number;
  private readonly graceMs: number;
  private readonly pollMs: number;
  private readonly rescueMs: number;
  private readonly retention: RetentionOptions | false;
  private queues: string[];
  private state: State = "idle";
  private backend!: Backend;
  private readonly held = new Map<string, Held>();
  private batcher!: OutcomeBatcher;
  private renewer!: LeaseRenewer;
  private periodics: Periodic[] = [];
  private unsubscribe: (() => void) | null = null;
  private wakeResolve: (() => void) | null = null;
  private wakePending = false;
  private saturated = false;
  private loopDone: Promise<void> | null = null;
  private startedAt = 0;
  private stopping: Promise<void> | null = null;
  private starting: Promise<void> | null = null;
  private slotWaiters: (() => void)[] = [];
  private readonly prefetch: number | "auto";
  /** Claimed, leased, not started yet (FIFO, claim order). */
  private readonly buffer: Held[] = [];
  private runningCount = 0;
  /** Push delivery, when the backend offers it (see push-receiver.ts). */
  private push: PushReceiver | null = null;
  /** Moving average of handler run time; null until the first job ran. */
  private runEwmaMs: number | null = null;

  constructor(
    private readonly deps: WorkerDeps,
    options: WorkerOptions = {},
  ) {
    super();
    const concurrency = options.concurrency ?? CONCURRENCY_DEFAULT;
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 10_000) {
      throw new InvalidArgumentError(
        `concurrency must be an integer in 1..10000, got ${concurrency}`,
        "concurrency",
      );
    }
    this.concurrency = concurrency;
    this.leaseMs = toMs(options.lease ?? LEASE_DURATION_DEFAULT, "lease");
    if (this.leaseMs < 100) throw new InvalidArgumentError("lease must be at least 100ms", "lease");
    this.graceMs = toMs(options.shutdownGrace ?? SHUTDOWN_GRACE_DEFAULT, "shutdownGrace");
    this.pollMs = Math.max(10, toMs(options.pollInterval ?? POLL_INTERVAL_DEFAULT, "pollInterval"));
    this.rescueMs =
      options.rescueInterval === undefined
        ? Math.min(10_000, Math.max(100, Math.floor(this.leaseMs / 3)))
        : toMs(options.rescueInterval, "rescueInterval");
    this.retention = options.retention === undefined ? deps.retention : options.retention;
    this.queues = (options.queues ?? []).map((q) => checkName(q, "queue"));
    const prefetch = options.prefetch ?? "auto";
    if (
      prefetch !== "auto" &&
      (!Number.isInteger(prefetch) || prefetch < 0 || prefetch > PREFETCH_MAX * 10)
    ) {
      throw new InvalidArgumentError(
        `prefetch must be "auto" or an integer >= 0, got ${String(prefetch)}`,
        "prefetch",
      );
    }
    this.prefetch = prefetch;
  }

  /** Handlers running right now. */
  get activeCount(): number {
    return this.runningCount;
  }

  /** Jobs claimed ahead and waiting in the prefetch buffer. */
  get bufferedCount(): number {
    return this.buffer.length;
  }

  private prefetchLimit(): number {
    if (this.prefetch !== "auto") return this.prefetch;
    const ms = this.runEwmaMs;
    if (ms === null || ms >= AUTO_PREFETCH_RUN_MS) return 0;
    // Tiny handlers: the claim round trip dominates, so bigger claims and a deeper buffer
    // keep the store busy (8 × measured ~10% more jobs/s than 2 × on Redis, no-op jobs).
    const factor = Math.min(
      AUTO_PREFETCH_FACTOR_MAX,
      Math.max(AUTO_PREFETCH_FACTOR_MIN, Math.floor(AUTO_PREFETCH_BUFFER_MS / Math.max(ms, 0.001))),
    );
    return Math.min(PREFETCH_MAX, this.concurrency * factor);
  }

  get isRunning(): boolean {
    return this.state === "running";
  }

  /** Starts claiming. Resolves once the worker is subscribed and the loop is running. Idempotent. */
  async start(): Promise<void> {
    if (this.starting && this.state === "running") return this.starting;
    if (this.state !== "idle")
      throw new InvalidArgumentError(`cannot start a worker that is ${this.state}`, "state");
    this.state = "running";
    // Kept so that a `stop()` arriving while the backend is still opening waits for the
    // start-up to finish and then tears down everything it set up (nothing is left running).
    this.starting = this.startup();
    return this.starting;
  }

  private async startup(): Promise<void> {
    try {
      this.backend = await this.deps.backend;
    } catch (err) {
      this.state = "stopped";
      throw err;
    }
    if (this.queues.length === 0) this.queues = this.deps.registry.queues();
    if (this.queues.length === 0) this.queues = ["default"];
    this.startedAt = this.deps.clock.now();
    if (supportsPush(this.backend)) {
      this.push = new PushReceiver(this.backend, this.id, (jobs) => {
        // Leased to this worker already: run them like claimed ones. While stopping, pump()
        // starts nothing and shutdown releases the buffer.
        for (const job of jobs) this.enqueueLocal(job);
        this.pump();
      });
    }
    this.batcher = new OutcomeBatcher(this.backend, this.deps.clock, {
      onSettled: (ids, kind) => this.onSettled(ids, kind),
      onError: (err) => this.reportError(err, "could not store job outcomes; retrying"),
      onSending: () => {
        if (this.saturated && this.state === "running" && this.prefetchLimit() > 0) this.wake();
      },
    });
    this.renewer = new LeaseRenewer({
      backend: this.backend,
      leaseMs: this.leaseMs,
      held: () => this.heldLeases(),
      onLost: (ids) => {
        for (const id of ids) {
          // A renewal round can race the completion write of the same job: once the outcome
          // is decided the lease no longer matters, so that is not a loss worth reporting.
          if (this.held.get(id)?.outcomeKnown) continue;
          this.loseLease(id, new LeaseLostError(id), "lost");
        }
      },
      onError: (err) => this.reportError(err, "lease renewal failed"),
    });
    this.renewer.start();
    const queueSet = new Set(this.queues);
    this.unsubscribe = this.backend.subscribe((events) => this.onFeed(events, queueSet), {
      types: FEED_TYPES,
    });
    const onError = (name: string, err: unknown) => this.reportError(err, `${name} failed`);
    this.periodics = [
      new Periodic("lease rescue", this.rescueMs, () => this.rescueOnce(), onError),
      new Periodic("heartbeat", HEARTBEAT_INTERVAL_MS, () => this.heartbeatOnce(), onError),
    ];
    if (this.retention !== false)
      this.periodics.push(
        new Periodic("retention", RETENTION_INTERVAL_MS, () => this.retentionOnce(), onError),
      );
    for (const p of this.periodics) p.start();
    await this.heartbeatOnce().catch((err) => this.reportError(err, "heartbeat failed"));
    this.loopDone = this.loop();
    this.deps.logger.info(
      { workerId: this.id, queues: this.queues, concurrency: this.concurrency },
      "worker started",
    );
  }

  /**
   * Graceful stop: claim nothing more, let running jobs finish within `grace` (default the
   * worker's `shutdownGrace`), then abort the rest and release them to `queued` without
   * counting the attempt. Idempotent; concurrent calls share one shutdown.
   */
  stop(options: { grace?: Duration } = {}): Promise<void> {
    if (this.state === "idle") {
      this.state = "stopped";
      return Promise.resolve();
    }
    this.stopping ??= this.shutdown(
      options.grace === undefined ? this.graceMs : toMs(options.grace, "grace"),
    );
    return this.stopping;
  }

  /** Runs one rescue pass now (tests and `spool` maintenance use it). */
  async rescueOnce(): Promise<void> {
    const out = await this.backend.leaseRescue({ limit: 1000 });
    const n = out.requeued.length + out.failed.length;
    if (n > 0)
      this.deps.logger.warn(
        { requeued: out.requeued.length, failed: out.failed.length },
        "rescued jobs whose lease expired",
      );
  }

  // ── claim loop ───────────────────────────────────────────────────────────────────────

  private async loop(): Promise<void> {
    let errorDelay = 0;
    while (this.state === "running") {
      // With prefetch, leases whose outcome is already on its way to the store do not hold
      // back the next claim, so the claim overlaps that write instead of waiting for it
      // (at most one outcome write is in flight, so leases stay bounded).
      const prefetch = this.prefetchLimit();
      const free = this.concurrency + prefetch - this.held.size + (prefetch > 0 ? this.batcher.inFlight : 0);
      // With jobs still buffered, wait until a worthwhile batch fits: bigger claims, fewer
      // transactions. An empty buffer claims whatever fits, at once.
      const batchMin =
        this.buffer.length > 0 ? Math.max(1, Math.floor((this.concurrency + this.prefetchLimit()) / 2)) : 1;
      if (free < batchMin) {
        this.saturated = true;
        await this.waitForWake(this.pollMs);
        continue;
      }
      // With prefetch, claim in halves of the lease budget: one batch runs here while the
      // next is being claimed and the previous one's outcomes are being written.
      const limit = prefetch > 0 ? Math.min(free, Math.ceil((this.concurrency + prefetch) / 2)) : free;
      let jobs: LeasedJob[];
      let nextRunAt: number | null;
      let parked: boolean | undefined;
      const push = this.push;
      try {
        ({ jobs, nextRunAt, parked } = await this.backend.jobClaim({
          queues: this.queues,
          limit,
          workerId: this.id,
          leaseMs: this.leaseMs,
          // With push delivery every claim first ends the previous parking (and collects what
          // was pushed meanwhile), and parks again for the slots it leaves free.
          ...(push
            ? {
                park: {
                  ttlMs: push.ttlFor(this.pollMs),
                  // Pushes fill run slots only, never the prefetch buffer: see JobClaimParams.park.
                  slots: Math.max(0, this.concurrency - this.runningCount - this.buffer.length),
                },
                unpark: true,
              }
            : {}),
        }));
        if (push) push.parked = parked === true;
        errorDelay = 0;
      } catch (err) {
        this.reportError(err, "claim failed; retrying");
        errorDelay = Math.min(5000, errorDelay ? errorDelay * 2 : 100);
        await this.waitForWake(errorDelay, false);
        continue;
      }
      if (this.state !== "running") {
        // Stopped while claiming: hand the jobs straight back.
        if (jobs.length)
          await this.backend
            .jobRelease({ leases: jobs.map((j) => ({ id: j.id, token: j.leaseToken })) })
            .catch(() => {});
        break;
      }
      for (const job of jobs) this.enqueueLocal(job);
      this.pump();
      this.saturated = jobs.length >= limit;
      if (this.saturated) continue;
      let waitMs = this.pollMs;
      if (nextRunAt !== null) waitMs = Math.max(0, Math.min(waitMs, nextRunAt - this.deps.clock.now()));
      // Parked: pushed jobs end the wait as soon as they are delivered.
      await this.waitForWake(waitMs, true, push?.parked ? push.wait(waitMs) : undefined);
    }
  }

  /** Sleeps until a nudge (feed event, freed slot), `until` settles, or `ms`. */
  private waitForWake(ms: number, nudgeable = true, until?: Promise<void>): Promise<void> {
    if (this.wakePending && nudgeable) {
      this.wakePending = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      until?.then(done);
      const self = this;
      let finished = false;
      function done() {
        // Once only: a late `until` must not clear a wake that arrived for the next turn.
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        if (self.wakeResolve === done) self.wakeResolve = null;
        self.wakePending = false;
        resolve();
      }
      if (nudgeable) this.wakeResolve = done;
    });
  }

  private wake(): void {
    if (this.wakeResolve) this.wakeResolve();
    else this.wakePending = true;
  }

  private onFeed(events: readonly BackendEvent[], queues: Set<string>): void {
    let nudge = false;
    for (const e of events) {
      if (e.type === "job:cancelled" || e.type === "job:removed") {
        if (this.held.has(e.jobId)) {
          const reason = e.type === "job:cancelled" ? "cancelled" : "removed";
          this.loseLease(
            e.jobId,
            reason === "cancelled" ? new JobCancelledError(e.jobId) : new LeaseLostError(e.jobId),
            reason,
          );
        }
      } else if (
        !nudge &&
        WAKE_EVENTS.has(e.type) &&
        queues.has(e.queue) &&
        // Parked: a job that became `queued` was pushed to us if we had room (a claim now
        // would only race the push); a `scheduled` one still moves our next wake-up.
        !(this.push?.parked && e.state === "queued")
      ) {
        // A `scheduled` job nudges too: the claim that follows returns its runAt as
        // `nextRunAt`, and the loop sleeps exactly until then.
        nudge = true;
      }
    }
    if (nudge && this.state === "running") this.wake();
  }

  // ── running one job ──────────────────────────────────────────────────────────────────

  private enqueueLocal(job: LeasedJob): void {
    const held: Held = {
      job,
      started: false,
      startedAt: 0,
      control: new JobControl(),
      execution: null,
      outcomeKnown: false,
      outcomeDone: false,
      handlerDone: false,
      slotFreed: false,
    };
    this.held.set(job.id, held);
    this.buffer.push(held);
  }

  /** Starts buffered jobs while slots are free. */
  private pump(): void {
    while (this.runningCount < this.concurrency && this.buffer.length > 0 && this.state === "running") {
      this.run(this.buffer.shift()!);
    }
  }

  private run(held: Held): void {
    const { job, control } = held;
    held.started = true;
    held.startedAt = performance.now();
    this.runningCount++;
    this.emit("job:started", job);
    const task = this.deps.registry.find(job.task);
    const execution = execute(task, job, control, {
      backend: this.backend,
      clock: this.deps.clock,
      payloadLimit: this.deps.payloadLimit,
      taskLogger: (j) => createTaskLogger(j, this.backend, this.deps.clock, this.deps.logger),
    });
    held.execution = execution;
    execution.settled.then(() => {
      const ms = performance.now() - held.startedAt;
      this.runEwmaMs = this.runEwmaMs === null ? ms : this.runEwmaMs * 0.8 + ms * 0.2;
      held.handlerDone = true;
      this.maybeFree(held);
    });
    execution.outcome.then((outcome) => {
      held.outcomeKnown = true;
      if (outcome.kind === "completed") {
        this.batcher.complete({ id: job.id, token: job.leaseToken, result: outcome.result });
      } else if (outcome.kind === "failed") {
        held.failure = outcome.error;
        this.batcher.fail({
          id: job.id,
          token: job.leaseToken,
          error: outcome.error,
          retryAt: outcome.retryAt,
        });
      } else {
        held.outcomeDone = true;
      }
      this.maybeFree(held);
    });
  }

  private onSettled(ids: readonly string[], kind: "completed" | "retried" | "failed" | "refused"): void {
    for (const id of ids) {
      const held = this.held.get(id);
      if (!held) continue;
      if (kind === "failed" || kind === "retried") {
        const f = held.failure;
        const level = kind === "failed" ? "error" : "warn";
        this.deps.logger[level](
          {
            jobId: id,
            task: held.job.task,
            attempt: held.job.attempt,
            error: f?.name,
            reason: f?.message,
          },
          kind === "failed" ? "job failed" : "job attempt failed; will retry",
        );
      } else if (kind === "completed") {
        this.deps.logger.debug({ jobId: id, task: held.job.task }, "job completed");
      } else {
        this.deps.logger.warn(
          { jobId: id, task: held.job.task },
          "outcome refused: the job is no longer leased to this worker (lease expired and rescued, cancelled, or removed)",
        );
      }
      this.emit(
        kind === "completed"
          ? "job:completed"
          : kind === "retried"
            ? "job:retried"
            : kind === "failed"
              ? "job:failed"
              : "job:refused",
        id,
      );
      held.outcomeDone = true;
      this.maybeFree(held);
    }
  }

  private loseLease(id: string, reason: Error, kind: "lost" | "cancelled" | "removed"): void {
    const held = this.held.get(id);
    if (!held || held.control.aborted) return;
    if (!held.started) {
      // Still in the prefetch buffer: nothing runs, just forget the job.
      const at = this.buffer.indexOf(held);
      if (at !== -1) this.buffer.splice(at, 1);
      held.control.abort(reason);
      held.outcomeKnown = held.outcomeDone = held.handlerDone = true;
      this.maybeFree(held);
      return;
    }
    // A cancel or a removal is an operator's decision, not a fault: info. A lease lost to
    // expiry (a stalled worker, a rescue elsewhere) is: warn.
    if (kind === "lost")
      this.deps.logger.warn(
        { jobId: id, task: held.job.task, reason: kind },
        "lost the lease on a running job; aborting its handler",
      );
    else
      this.deps.logger.info(
        { jobId: id, task: held.job.task, reason: kind },
        `running job ${kind}; aborting its handler`,
      );
    held.control.abort(reason);
    this.emit("lease:lost", id, kind);
  }

  /**
   * The handler slot goes back as soon as the handler has returned and its outcome is decided,
   * so a buffered job can start while that outcome is still being written; the lease (and the
   * claim capacity it uses) goes back once the outcome is stored, refused or dropped.
   */
  private maybeFree(held: Held): void {
    if (held.started && !held.slotFreed && held.handlerDone && held.outcomeKnown) {
      held.slotFreed = true;
      this.runningCount--;
      this.pump();
    }
    if (!held.outcomeDone || !held.handlerDone) return;
    if (this.held.get(held.job.id) !== held) return;
    this.held.delete(held.job.id);
    if (this.saturated && this.state === "running") this.wake();
    if (this.slotWaiters.length > 0 && this.held.size === 0) for (const w of this.slotWaiters.splice(0)) w();
  }

  private heldLeases(): LeaseRef[] {
    const out: LeaseRef[] = [];
    for (const h of this.held.values())
      if (!h.outcomeDone) out.push({ id: h.job.id, token: h.job.leaseToken });
    return out;
  }

  // ── maintenance ──────────────────────────────────────────────────────────────────────

  private async heartbeatOnce(): Promise<void> {
    await this.backend.workerHeartbeat({
      worker: {
        id: this.id,
        host: hostname(),
        pid: process.pid,
        queues: this.queues,
        concurrency: this.concurrency,
        running: [...this.held.keys()],
        startedAt: this.startedAt,
      },
      ttlMs: HEARTBEAT_INTERVAL_MS * 3,
    });
  }

  private async retentionOnce(): Promise<void> {
    const r = this.retention;
    if (r === false) return;
    const now = this.deps.clock.now();
    const before = (d: Duration | false | undefined, fallback: Duration) =>
      d === false ? undefined : now - toMs(d ?? fallback, "retention");
    const params = {
      completedBefore: before(r.completed, "1d"),
      failedBefore: before(r.failed, "7d"),
      cancelledBefore: before(r.cancelled, "7d"),
      limit: 1000,
    };
    // Bounded batches keep each write transaction short; stop after a few per round.
    for (let i = 0; i < 10; i++) {
      const { removed } = await this.backend.retentionPrune(params);
      if (removed < params.limit) break;
    }
  }

  // ── shutdown ─────────────────────────────────────────────────────────────────────────

  /**
   * Stops push delivery: ends the pending wait, then one last claim of nothing unparks the
   * worker and collects what was pushed meanwhile. Every such job lands in the buffer, which
   * shutdown releases next.
   */
  private async unparkForShutdown(push: PushReceiver): Promise<void> {
    await push.interrupt();
    try {
      const { jobs } = await this.backend.jobClaim({
        queues: this.queues,
        limit: 0,
        workerId: this.id,
        leaseMs: this.leaseMs,
        unpark: true,
      });
      push.parked = false;
      for (const job of jobs) this.enqueueLocal(job);
    } catch (err) {
      this.reportError(
        err,
        "could not unpark; jobs pushed to this worker will be rescued after their lease expires",
      );
    }
  }

  private async shutdown(graceMs: number): Promise<void> {
    this.state = "stopping";
    this.wake();
    // A start still in flight finishes first (its loop then exits at once), so there is
    // always a complete set of timers and subscriptions to tear down. A failed start set nothing up.
    if (
      !(await this.starting?.then(
        () => true,
        () => false,
      ))
    ) {
      this.state = "stopped";
      this.emit("worker:stopped");
      return;
    }
    await this.loopDone;
    if (this.push) await this.unparkForShutdown(this.push);
    // Prefetched jobs never started: give them back now rather than after the grace period.
    const unstarted = this.buffer.splice(0);
    if (unstarted.length > 0) {
      for (const h of unstarted) this.held.delete(h.job.id);
      try {
        const out = await this.backend.jobRelease({
          leases: unstarted.map((h) => ({ id: h.job.id, token: h.job.leaseToken })),
        });
        this.emit("jobs:released", out.ok);
      } catch (err) {
        this.reportError(err, "could not release prefetched jobs; their leases will expire and be rescued");
      }
    }
    if (this.held.size > 0) {
      this.deps.logger.info(
        { running: this.held.size, graceMs },
        "worker stopping; waiting for running jobs",
      );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, graceMs);
        this.slotWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    // Grace is over: abort what still runs and give it back without counting the attempt.
    const leftovers = [...this.held.values()].filter((h) => !h.outcomeKnown);
    const release: LeaseRef[] = [];
    for (const h of leftovers) {
      if (!h.control.aborted) {
        h.control.abort(new ShutdownError());
        release.push({ id: h.job.id, token: h.job.leaseToken });
      }
    }
    // Bounded: with the store down, outcomes cannot be written; their leases then expire and
    // the jobs are rescued and retried elsewhere (at-least-once), rather than hanging shutdown.
    if (!(await this.batcher.drain(Math.max(5000, graceMs)))) {
      this.deps.logger.error(
        { pending: this.batcher.pending },
        "could not store some job outcomes before shutdown; they will be rescued after their lease expires",
      );
    }
    if (release.length > 0) {
      try {
        const out = await this.backend.jobRelease({ leases: release });
        this.deps.logger.warn({ released: out.ok.length }, "released unfinished jobs back to their queue");
        this.emit("jobs:released", out.ok);
      } catch (err) {
        this.reportError(err, "could not release unfinished jobs; their leases will expire and be rescued");
      }
    }
    this.renewer.stop();
    this.batcher.stop();
    this.unsubscribe?.();
    await Promise.all(this.periodics.map((p) => p.stop()));
    await this.backend.workerRemove({ id: this.id }).catch(() => {});
    this.held.clear();
    this.state = "stopped";
    this.deps.logger.info({ workerId: this.id }, "worker stopped");
    this.emit("worker:stopped");
  }

  private reportError(err: unknown, message: string): void {
    this.deps.logger.error({ err }, message);
    if (this.listenerCount("worker:error") > 0) this.emit("worker:error", err);
  }
}
