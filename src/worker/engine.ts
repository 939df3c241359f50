/**
 * Wires a started worker's moving parts to each other: the job runner over the held-jobs
 * table, the outcome batcher, the per-lease renewer, push delivery and the claim loop. Each
 * part only knows the callbacks it is given here; worker.ts owns their lifetime.
 */
import type { Backend } from "../backend/backend.js";
import type { LeasedJob } from "../core/types.js";
import { ClaimLoop } from "./claim-loop.js";
import { JobRunner, type JobRunnerDeps, type LossKind, type SettledKind } from "./job-runner.js";
import { LeaseRenewer } from "./lease-renewer.js";
import { OutcomeBatcher } from "./outcome-batcher.js";
import type { PrefetchPolicy } from "./prefetch.js";
import { PushReceiver, supportsPush } from "./push-receiver.js";
import type { Wake } from "./wake.js";

export interface EngineOptions
  extends Pick<
    JobRunnerDeps,
    | "registry"
    | "clock"
    | "logger"
    | "payloadLimit"
    | "resolveInput"
    | "spawn"
    | "isolation"
    | "concurrency"
    | "leaseMs"
  > {
  backend: Backend;
  workerId: string;
  queues: readonly string[];
  /** Equal preference between queues (none were listed). */
  rotate: boolean;
  pollMs: number;
  prefetch: PrefetchPolicy;
  wake: Wake;
  isRunning(): boolean;
  started(job: LeasedJob): void;
  settled(id: string, kind: SettledKind): void;
  lost(id: string, kind: LossKind): void;
  reportError(err: unknown, message: string): void;
}

export interface Engine {
  runner: JobRunner;
  batcher: OutcomeBatcher;
  renewer: LeaseRenewer;
  loop: ClaimLoop;
  push: PushReceiver | null;
}

export function buildEngine(o: EngineOptions): Engine {
  const { backend, clock, isRunning: running } = o;
  const nudge = () => o.wake.nudge();
  // The parts refer to each other through `e`, filled in below, before anything runs.
  const e = {} as Engine;
  e.runner = new JobRunner({
    ...o,
    batcher: () => e.batcher,
    canStart: running,
    onLeased: (held) => e.renewer.track(held),
    onFreed: () => {
      if (e.loop.saturated && running()) nudge();
    },
    emitStarted: o.started,
    emitSettled: o.settled,
    emitLost: o.lost,
  });
  // Pushed jobs are leased to this worker already: run them like claimed ones. While
  // stopping, the runner starts nothing and shutdown releases the buffer.
  e.push = supportsPush(backend)
    ? new PushReceiver(backend, o.workerId, (jobs) => e.runner.accept(jobs, performance.now()))
    : null;
  e.batcher = new OutcomeBatcher(backend, clock, {
    onSettled: (refs, kind) => e.runner.onSettled(refs, kind),
    onError: (err) => o.reportError(err, "could not store job outcomes; retrying"),
    onSending: () => {
      if (e.loop.saturated && running() && o.prefetch.limit() > 0) nudge();
    },
  });
  e.renewer = new LeaseRenewer({
    backend,
    leaseMs: o.leaseMs,
    leases: () => e.runner.renewable(),
    onLost: (refs) => e.runner.onRenewLost(refs),
    onError: (err) => o.reportError(err, "lease renewal failed"),
  });
  e.loop = new ClaimLoop({
    backend,
    clock,
    wake: o.wake,
    prefetch: o.prefetch,
    push: e.push,
    workerId: o.workerId,
    queues: o.queues,
    rotate: o.rotate,
    tasks: () => o.registry.names(),
    concurrency: o.concurrency,
    leaseMs: o.leaseMs,
    pollMs: o.pollMs,
    isRunning: running,
    load: () => ({
      held: e.runner.held.size,
      running: e.runner.running,
      buffered: e.runner.held.bufferedCount,
      writing: e.batcher.inFlight,
    }),
    deliver: (jobs, leasedAt) => e.runner.accept(jobs, leasedAt),
    reportError: o.reportError,
  });
  return e;
}
