/**
 * Runs the jobs a worker holds: starts buffered jobs while slots are free, routes each
 * outcome to the batcher, applies what the store answers, and aborts handlers whose lease
 * is gone. Every step addresses one lease, `(job id, lease token)`, through `HeldJobs`.
 *
 * A handler slot is held from the handler's start until it has returned *and* its outcome
 * is decided, so at most `concurrency` handlers run, even when a handler ignores its signal
 * after a timeout (its retry then waits in this worker until it returns). The lease is held
 * until the outcome is stored (or the job is dropped).
 */

import type { Logger } from "pino";
import type { Backend, QueueHoldParams } from "../backend/backend.js";
import type { Clock } from "../core/clock.js";
import { JobCancelledError, LeaseLostError } from "../core/errors/index.js";
import type { TaskRegistry } from "../core/registry.js";
import type { LeasedJob, LeaseRef } from "../core/types.js";
import {
  type AttemptSink,
  type ExecuteDeps,
  type InputResolver,
  runAttempt,
  type SpawnSupport,
} from "./attempt.js";
import { BatchCollector } from "./batch-collector.js";
import { errorRecord } from "./error-record.js";
import { type HeldJob, HeldJobs } from "./held-jobs.js";
import type { Isolation } from "./isolation/isolation.js";
import type { Outcome } from "./outcome.js";
import type { OutcomeBatcher } from "./outcome-batcher.js";
import type { PrefetchPolicy } from "./prefetch.js";
import { createTaskLogger } from "./task-logger.js";

export type SettledKind = "completed" | "retried" | "failed" | "refused" | "spawned";
export type LossKind = "lost" | "cancelled" | "removed";

export interface JobRunnerDeps {
  backend: Backend;
  registry: TaskRegistry;
  clock: Clock;
  logger: Logger;
  payloadLimit: number;
  resolveInput: InputResolver;
  /** `ctx.spawn` / `ctx.children` (the client passes workflow/spawn.ts). */
  spawn?: SpawnSupport;
  concurrency: number;
  leaseMs: number;
  batcher: () => OutcomeBatcher;
  /** Isolated execution (null: every handler runs in this process). */
  isolation: Isolation | null;
  prefetch: PrefetchPolicy;
  canStart(): boolean;
  /** A lease was added (the renewer schedules it). */
  onLeased(held: HeldJob): void;
  /** A lease went back (claim capacity freed). */
  onFreed(): void;
  emitStarted(job: LeasedJob): void;
  emitSettled(id: string, kind: SettledKind): void;
  emitLost(id: string, kind: LossKind): void;
}

export class JobRunner implements AttemptSink<HeldJob> {
  readonly held = new HeldJobs();
  private readonly batches = new BatchCollector();
  running = 0;
  private idleWaiters: (() => void)[] = [];
  /** What every attempt runs with: built once, not per job. */
  private readonly execDeps: ExecuteDeps;

  constructor(private readonly deps: JobRunnerDeps) {
    const d = deps;
    this.execDeps = {
      backend: d.backend,
      clock: d.clock,
      payloadLimit: d.payloadLimit,
      logger: d.logger,
      isolation: d.isolation,
      batches: this.batches,
      taskLogger: (j) => createTaskLogger(j, d.backend, d.clock, d.logger),
      resolveInput: d.resolveInput,
      ...(d.spawn ? { spawn: d.spawn } : {}),
    };
  }

  /** Takes claimed (or pushed) jobs: a newer lease on a job makes older ones of it void. */
  accept(jobs: readonly LeasedJob[], leasedAt: number): void {
    for (const job of jobs) {
      if (this.held.get({ id: job.id, token: job.leaseToken })) continue;
      if (this.held.countOf(job.id) > 0)
        for (const old of [...this.held.ofJob(job.id)])
          if (old.job.leaseToken !== job.leaseToken) this.lose(old, new LeaseLostError(job.id), "lost");
      this.deps.onLeased(this.held.add(job, this.deps.leaseMs, leasedAt));
    }
    this.pump();
  }

  /** Starts buffered jobs while slots are free. */
  pump(): void {
    while (this.running < this.deps.concurrency && this.deps.canStart()) {
      const held = this.held.takeStartable();
      if (!held) return;
      this.start(held);
    }
  }

  /** Leases the renewer keeps alive: every one not settled and still known to the store. */
  *renewable(): Generator<HeldJob> {
    for (const h of this.held.values()) if (!h.leaseGone && h.phase !== "done") yield h;
  }

  /** The store reported these leases lost on renewal. */
  onRenewLost(refs: readonly LeaseRef[]): void {
    for (const ref of refs) {
      const held = this.held.get(ref);
      // A renewal round can race the completion write of the same job: once the outcome is
      // decided the lease no longer matters, so that is not a loss worth reporting. Nor is it
      // once the handler completed the job in its own transaction (ctx.complete({ tx })).
      if (!held || held.phase === "writing" || held.phase === "done" || held.control.completedInTx) continue;
      this.lose(held, new LeaseLostError(ref.id), "lost");
    }
  }

  /** A cancel or removal of a job from the feed: every lease of it ends. */
  onJobEnded(id: string, kind: "cancelled" | "removed"): void {
    for (const held of [...this.held.ofJob(id)])
      this.lose(held, kind === "cancelled" ? new JobCancelledError(id) : new LeaseLostError(id), kind);
  }

  /** Resolves once no lease is held (or at once). */
  whenIdle(): Promise<void> {
    if (this.held.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private start(held: HeldJob): void {
    const { job, control } = held;
    held.phase = "running";
    held.handlerRunning = true;
    held.holdsSlot = true;
    held.startedAt = performance.now();
    this.running++;
    this.deps.emitStarted(job);
    runAttempt(this.deps.registry.find(job.task), job, control, this.execDeps, this, held);
  }

  /** The handler returned (attempt.ts): its slot may go back once the outcome is decided too. */
  returned(held: HeldJob): void {
    this.deps.prefetch.observe(performance.now() - held.startedAt);
    held.handlerRunning = false;
    if (held.phase === "running") held.phase = "deciding";
    this.maybeFree(held);
    // A newer lease of this job may have waited for this handler to return.
    if (this.held.countOf(held.job.id) > 1) this.pump();
  }

  /** The attempt's outcome is decided (attempt.ts): hand it to the batcher, or drop it. */
  decided(held: HeldJob, outcome: Outcome): void {
    const d = this.deps;
    const job = held.job;
    if (held.phase === "done") {
      this.maybeFree(held);
      return;
    }
    if (outcome.kind === "dropped" || held.leaseGone) {
      held.phase = "done";
    } else {
      held.phase = "writing";
      if (outcome.kind === "completed")
        d.batcher().complete({ id: job.id, token: job.leaseToken, result: outcome.result });
      else if (outcome.kind === "backoff") {
        held.failure = outcome.error;
        void this.backoff({ id: job.id, token: job.leaseToken }, outcome);
      } else if (outcome.kind === "spawn") {
        void this.spawn({ id: job.id, token: job.leaseToken }, outcome);
      } else {
        held.failure = outcome.error;
        d.batcher().fail({
          id: job.id,
          token: job.leaseToken,
          error: outcome.error,
          retryAt: outcome.retryAt,
        });
      }
    }
    this.maybeFree(held);
  }

  /**
   * A handler's `RateLimitedError`: hold the queue, task or key (its scope), then put the job back to
   * wait without using an attempt. Rare (an upstream's 429), so written at once, not batched.
   * If the store refuses the hold or the backoff with an error, the job fails this attempt
   * the ordinary way (retried at the same instant while attempts remain): never lost.
   */
  private async backoff(ref: LeaseRef, outcome: Extract<Outcome, { kind: "backoff" }>): Promise<void> {
    const d = this.deps;
    const job = this.held.get(ref)?.job;
    try {
      if (outcome.hold !== null && job) await d.backend.queueHold(holdOf(job, outcome.hold, outcome.runAt));
      const out = await d.backend.jobBackoff({ jobs: [{ ...ref, runAt: outcome.runAt }] });
      if (out.ok.length) this.onSettled([ref], "retried");
      else this.onSettled([ref], "refused");
    } catch (err) {
      d.logger.error(
        { err, jobId: ref.id },
        "could not store a rate-limit backoff; failing the attempt instead",
      );
      d.batcher().fail({ ...ref, error: outcome.error, retryAt: outcome.runAt });
    }
  }

  /**
   * `ctx.spawn`: the children and the parent's move to `waiting` in one fenced write (rare per
   * job, so at once, not batched). If the store fails, the attempt fails the ordinary way and its
   * retry runs the handler again from the start: nothing of this spawn was written.
   */
  private async spawn(ref: LeaseRef, outcome: Extract<Outcome, { kind: "spawn" }>): Promise<void> {
    const d = this.deps;
    try {
      const out = await d.backend.jobSpawn({
        ...ref,
        children: outcome.children,
        policy: outcome.policy,
        meta: outcome.meta,
      });
      this.onSettled([ref], out.ok ? "spawned" : "refused");
    } catch (err) {
      d.logger.error({ err, jobId: ref.id }, "could not store a spawn; failing the attempt instead");
      const now = d.clock.now();
      const held = this.held.get(ref);
      const error = errorRecord(err, held?.job.attempt ?? 1, now);
      if (held) held.failure = error;
      d.batcher().fail({ ...ref, error, retryAt: now });
    }
  }

  /** The store answered an outcome write. */
  onSettled(refs: readonly LeaseRef[], kind: SettledKind): void {
    for (const ref of refs) {
      const held = this.held.get(ref);
      if (!held) continue;
      // Completed in the app's transaction, which committed: the worker's own write finds the
      // job completed already, and that refusal is the expected end of the attempt.
      const end = kind === "refused" && held.control.completedInTx ? "completed" : kind;
      this.logSettled(held, end);
      this.deps.emitSettled(ref.id, end);
      held.phase = "done";
      this.maybeFree(held);
    }
  }

  private lose(held: HeldJob, reason: Error, kind: LossKind): void {
    if (held.leaseGone) return;
    held.leaseGone = true;
    if (held.phase === "buffered") {
      // Still in the prefetch buffer: nothing runs, just forget the job.
      this.held.unbuffer(held);
      held.control.abort(reason);
      held.phase = "done";
      this.maybeFree(held);
      return;
    }
    if (held.phase !== "running") return;
    // A cancel or a removal is an operator's decision, not a fault: info. A lease lost to
    // expiry (a stalled worker, a rescue elsewhere) is: warn.
    const fields = { jobId: held.job.id, task: held.job.task, reason: kind };
    if (kind === "lost")
      this.deps.logger.warn(fields, "lost the lease on a running job; aborting its handler");
    else this.deps.logger.info(fields, `running job ${kind}; aborting its handler`);
    held.control.abort(reason);
    this.deps.emitLost(held.job.id, kind);
  }

  /**
   * The handler slot goes back as soon as the handler has returned and its outcome is decided,
   * so a buffered job can start while that outcome is still being written; the lease (and the
   * claim capacity it uses) goes back once the outcome is stored, refused or dropped.
   */
  private maybeFree(held: HeldJob): void {
    const decided = held.phase === "writing" || held.phase === "done";
    if (held.holdsSlot && !held.handlerRunning && decided) {
      held.holdsSlot = false;
      this.running--;
      this.pump();
    }
    if (held.phase !== "done" || held.handlerRunning) return;
    if (!this.held.holds(held)) return;
    this.held.delete(held);
    this.deps.onFreed();
    if (this.held.size === 0 && this.idleWaiters.length > 0) for (const w of this.idleWaiters.splice(0)) w();
  }

  private logSettled(held: HeldJob, kind: SettledKind): void {
    const { job, failure: f } = held;
    if (kind === "failed" || kind === "retried") {
      const level = kind === "failed" ? "error" : "warn";
      this.deps.logger[level](
        { jobId: job.id, task: job.task, attempt: job.attempt, error: f?.name, reason: f?.message },
        kind === "failed" ? "job failed" : "job attempt failed; will retry",
      );
    } else if (!this.deps.logger.isLevelEnabled("debug")) {
      // A debug line per settled job costs its fields object even when debug is off.
      return;
    } else if (kind === "completed") {
      this.deps.logger.debug({ jobId: job.id, task: job.task }, "job completed");
    } else if (kind === "spawned") {
      this.deps.logger.debug({ jobId: job.id, task: job.task }, "job spawned children; waiting for them");
    } else {
      this.deps.logger.warn(
        { jobId: job.id, task: job.task },
        "outcome refused: the job is no longer leased to this worker (lease expired and rescued, cancelled, or removed)",
      );
    }
  }
}

/**
 * What a RateLimitedError's scope holds: the job's queue, its task, or its task's jobs with
 * the same limit key (a job without a limit key holds its task: it has no key to name).
 */
function holdOf(job: LeasedJob, scope: "queue" | "task" | "key", until: number): QueueHoldParams {
  if (scope === "queue") return { queue: job.queue, until };
  if (scope === "key" && job.limitKey !== undefined && job.limitKey !== "")
    return { queue: job.queue, until, task: job.task, key: job.limitKey };
  return { queue: job.queue, until, task: job.task };
}
