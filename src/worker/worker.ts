/**
 * The worker: claims jobs in batches, runs up to `concurrency` handlers, keeps their leases
 * alive, records outcomes in batches, and shuts down gracefully. It composes:
 *
 * ```
 *   change feed (feed.ts) ──nudge──┐   ┌── poll timer / nextRunAt timer / pushed jobs
 *                        ▼        ▼
 *               ┌──── ClaimLoop (claim-loop.ts, wake.ts, prefetch.ts) ────┐
 *               │                                                         ▼
 *               │   JobRunner (job-runner.ts) over HeldJobs (held-jobs.ts), one entry per lease
 *               │        │ outcomes                         ▲ lost leases
 *               │        ▼                                  │
 *               │   OutcomeBatcher ──► jobComplete / jobFail   LeaseRenewer (per-lease schedule)
 *               └── slot / lease freed ──► nudge
 *   engine.ts wires these parts together; isolation/ runs isolated tasks off-thread
 *   maintenance (src/maintenance/): rescue expired leases · elected retention · heartbeat
 *   session.ts: one start-to-stop run of all of the above · shutdown.ts: the ordered stop
 * ```
 *
 * The worker installs no signal handlers; the CLI does (library code must not).
 */
import { EventEmitter } from "node:events";
import { hostname } from "node:os";
import type { Logger } from "pino";
import type { Backend } from "../backend/backend.js";
import type { Clock } from "../core/clock.js";
import { type Duration, toMs } from "../core/duration.js";
import { InvalidArgumentError } from "../core/errors/index.js";
import { newWorkerId } from "../core/ids.js";
import type { TaskRegistry } from "../core/registry.js";
import type { LeasedJob } from "../core/types.js";
import { Rescuer } from "../maintenance/rescuer.js";
import { checkRetention, type RetentionOptions } from "../maintenance/retention.js";
import type { InputResolver, SpawnSupport } from "./execute.js";
import { Isolation } from "./isolation/isolation.js";
import type { LossKind } from "./job-runner.js";
import { type ResolvedWorkerOptions, resolveWorkerOptions, type WorkerOptions } from "./options.js";
import { PrefetchPolicy } from "./prefetch.js";
import { WorkerSession } from "./session.js";
import { Wake } from "./wake.js";

export { CONCURRENCY_DEFAULT, LEASE_DURATION_DEFAULT, type WorkerOptions } from "./options.js";
export type { RetentionOptions };

export interface WorkerEvents {
  "job:started": [job: LeasedJob];
  "job:completed": [jobId: string];
  "job:retried": [jobId: string];
  "job:failed": [jobId: string];
  /** A late outcome the backend refused: the lease expired and was rescued, or the job was cancelled or removed. */
  "job:refused": [jobId: string];
  /** The job spawned children (`ctx.spawn`) and now waits for them without a slot. */
  "job:spawned": [jobId: string];
  "lease:lost": [jobId: string, reason: LossKind];
  "jobs:released": [jobIds: string[]];
  "worker:error": [error: unknown];
  "worker:stopped": [];
}

export interface WorkerDeps {
  backend: Promise<Backend>;
  registry: TaskRegistry;
  clock: Clock;
  logger: Logger;
  payloadLimit: number;
  retention: RetentionOptions | false;
  /** Run-time inputs of workflow jobs (see `InputResolver`; the client passes workflow/inputs.ts). */
  resolveInput: InputResolver;
  /** `ctx.spawn` / `ctx.children` (see `SpawnSupport`; the client passes workflow/spawn.ts). */
  spawn?: SpawnSupport;
}

type State = "idle" | "running" | "stopping" | "stopped";

const SETTLED_EVENT = {
  completed: "job:completed",
  retried: "job:retried",
  failed: "job:failed",
  refused: "job:refused",
  spawned: "job:spawned",
} as const;

export class Worker extends EventEmitter<WorkerEvents> {
  readonly id = newWorkerId(hostname(), process.pid);
  readonly concurrency: number;
  readonly leaseMs: number;
  private readonly opts: ResolvedWorkerOptions;
  private readonly retention: RetentionOptions | false;
  private queues: string[];
  private state: State = "idle";
  /** The engine, feed and maintenance while started (see session.ts). */
  private session: WorkerSession | null = null;
  private readonly wake = new Wake();
  private readonly prefetch: PrefetchPolicy;
  private stopping: Promise<void> | null = null;
  private starting: Promise<void> | null = null;
  /** Isolated children (threads / processes) of this worker; see isolation/. */
  isolation: Isolation | null = null;

  constructor(
    private readonly deps: WorkerDeps,
    options: WorkerOptions = {},
  ) {
    super();
    this.opts = resolveWorkerOptions(options);
    this.concurrency = this.opts.concurrency;
    this.leaseMs = this.opts.leaseMs;
    this.queues = this.opts.queues;
    this.retention = this.opts.retention === undefined ? deps.retention : this.opts.retention;
    if (this.retention !== false) checkRetention(this.retention);
    this.prefetch = new PrefetchPolicy(this.opts.prefetch, this.concurrency);
  }

  /** Handlers running right now. */
  get activeCount(): number {
    return this.session?.runner.running ?? 0;
  }

  /** Jobs claimed ahead and waiting in the prefetch buffer. */
  get bufferedCount(): number {
    return this.session?.runner.held.bufferedCount ?? 0;
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
    let backend: Backend;
    try {
      backend = await this.deps.backend;
    } catch (err) {
      this.state = "stopped";
      throw err;
    }
    const isolation = new Isolation(this.opts.isolate, this.opts.isolation, {
      registry: this.deps.registry,
      concurrency: this.concurrency,
      payloadLimit: this.deps.payloadLimit,
      logger: this.deps.logger,
    });
    try {
      // Children load the app now (warm), so the first isolated job does not wait for them.
      await isolation.start();
    } catch (err) {
      this.state = "stopped";
      throw err;
    }
    this.isolation = isolation;
    if (this.queues.length === 0) this.queues = this.deps.registry.queues();
    if (this.queues.length === 0) this.queues = ["default"];
    this.session = await WorkerSession.open({
      ...this.deps,
      backend,
      isolation,
      workerId: this.id,
      queues: this.queues,
      rotate: this.opts.queues.length === 0,
      concurrency: this.concurrency,
      leaseMs: this.leaseMs,
      pollMs: this.opts.pollMs,
      prefetch: this.prefetch,
      wake: this.wake,
      rescueMs: this.opts.rescueMs,
      retention: this.retention,
      isRunning: () => this.state === "running",
      started: (job) => this.emit("job:started", job),
      settled: (id, kind) => this.emit(SETTLED_EVENT[kind], id),
      lost: (id, kind) => this.emit("lease:lost", id, kind),
      reportError: (err, message) => this.reportError(err, message),
    });
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
    const graceMs = options.grace === undefined ? this.opts.graceMs : toMs(options.grace, "grace");
    this.stopping ??= this.shutdown(graceMs);
    return this.stopping;
  }

  /** Runs one rescue pass now (tests and `spool` maintenance use it). */
  async rescueOnce(): Promise<void> {
    await (this.session?.rescuer ?? new Rescuer(await this.deps.backend, this.deps.logger)).runOnce();
  }

  private async shutdown(graceMs: number): Promise<void> {
    this.state = "stopping";
    this.wake.interrupt();
    // A start still in flight finishes first (its loop then exits at once), so there is
    // always a complete set of timers and subscriptions to tear down. A failed start set nothing up.
    const started = await this.starting?.then(
      () => true,
      () => false,
    );
    if (started && this.session) {
      await this.session.close(graceMs, (ids) => this.emit("jobs:released", ids));
      this.deps.logger.info({ workerId: this.id }, "worker stopped");
    }
    this.state = "stopped";
    this.emit("worker:stopped");
  }

  private reportError(err: unknown, message: string): void {
    this.deps.logger.error({ err }, message);
    if (this.listenerCount("worker:error") > 0) this.emit("worker:error", err);
  }
}
