/**
 * Graceful shutdown, in order: the claim loop ends (its backoff is interrupted), push
 * delivery is ended (pushed jobs collected), prefetched jobs that never started go back at
 * once, running jobs get `graceMs` to finish, then the rest are aborted and released to
 * `queued` without counting the attempt, outcomes are flushed (bounded), and the worker's
 * timers, subscription and heartbeat row go away.
 */
import type { Logger } from "pino";
import type { Backend } from "../backend/backend.js";
import { ShutdownError } from "../core/errors/index.js";
import type { LeaseRef } from "../core/types.js";
import type { JobRunner } from "./job-runner.js";
import type { OutcomeBatcher } from "./outcome-batcher.js";
import type { PushReceiver } from "./push-receiver.js";

export interface ShutdownParts {
  backend: Backend;
  logger: Logger;
  runner: JobRunner;
  batcher: OutcomeBatcher;
  push: PushReceiver | null;
  workerId: string;
  queues: readonly string[];
  leaseMs: number;
  /** The claim loop's end. */
  loopDone: Promise<void>;
  released(ids: string[]): void;
  reportError(err: unknown, message: string): void;
  /** Stops timers, the subscription and maintenance. */
  teardown(): Promise<void>;
}

export async function shutdown(p: ShutdownParts, graceMs: number): Promise<void> {
  await p.loopDone;
  if (p.push) await unpark(p, p.push);
  // Prefetched jobs never started: give them back now rather than after the grace period.
  const unstarted = p.runner.held.drainBuffer();
  if (unstarted.length > 0) {
    try {
      const out = await p.backend.jobRelease({
        leases: unstarted.map((h) => ({ id: h.job.id, token: h.job.leaseToken })),
      });
      p.released(out.ok);
    } catch (err) {
      p.reportError(err, "could not release prefetched jobs; their leases will expire and be rescued");
    }
  }
  if (p.runner.held.size > 0) {
    p.logger.info({ running: p.runner.held.size, graceMs }, "worker stopping; waiting for running jobs");
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([p.runner.whenIdle(), new Promise<void>((r) => (timer = setTimeout(r, graceMs)))]);
    clearTimeout(timer);
  }
  // Grace is over: abort what still runs and give it back without counting the attempt.
  const release: LeaseRef[] = [];
  for (const h of p.runner.held.values()) {
    if ((h.phase === "running" || h.phase === "deciding") && !h.leaseGone && !h.control.aborted) {
      h.control.abort(new ShutdownError());
      release.push({ id: h.job.id, token: h.job.leaseToken });
    }
  }
  // Bounded: with the store down, outcomes cannot be written; their leases then expire and
  // the jobs are rescued and retried elsewhere (at-least-once), rather than hanging shutdown.
  if (!(await p.batcher.drain(Math.max(5000, graceMs)))) {
    p.logger.error(
      { pending: p.batcher.pending },
      "could not store some job outcomes before shutdown; they will be rescued after their lease expires",
    );
  }
  if (release.length > 0) {
    try {
      const out = await p.backend.jobRelease({ leases: release });
      p.logger.warn({ released: out.ok.length }, "released unfinished jobs back to their queue");
      p.released(out.ok);
    } catch (err) {
      p.reportError(err, "could not release unfinished jobs; their leases will expire and be rescued");
    }
  }
  await p.teardown();
  await p.backend.workerRemove({ id: p.workerId }).catch(() => {});
  p.runner.held.clear();
}

/**
 * Stops push delivery: ends the pending wait, then one last claim of nothing unparks the
 * worker and collects what was pushed meanwhile. Every such job lands in the buffer, which
 * shutdown releases next.
 */
async function unpark(p: ShutdownParts, push: PushReceiver): Promise<void> {
  await push.interrupt();
  try {
    const { jobs } = await p.backend.jobClaim({
      queues: [...p.queues],
      limit: 0,
      tasks: [],
      workerId: p.workerId,
      leaseMs: p.leaseMs,
      unpark: true,
    });
    push.parked = false;
    p.runner.accept(jobs, performance.now());
  } catch (err) {
    p.reportError(
      err,
      "could not unpark; jobs pushed to this worker will be rescued after their lease expires",
    );
  }
}
