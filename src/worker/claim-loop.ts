/**
 * The claim loop: claims as many jobs as the worker has room for (free slots plus the
 * prefetch budget), hands them to the worker, and sleeps until something may have changed:
 * a feed event or a freed slot (`wake.nudge()`), pushed jobs (parked workers, see
 * push-receiver.ts), the next scheduled job's `runAt`, or the poll interval. A failed claim
 * backs off (100 ms doubling to 5 s) without hammering the store; shutdown interrupts that.
 */
import type { Backend } from "../backend/backend.js";
import type { Clock } from "../core/clock.js";
import type { LeasedJob } from "../core/types.js";
import type { PrefetchPolicy } from "./prefetch.js";
import type { PushReceiver } from "./push-receiver.js";
import type { Wake } from "./wake.js";

export interface ClaimLoopDeps {
  backend: Backend;
  clock: Clock;
  wake: Wake;
  prefetch: PrefetchPolicy;
  push: PushReceiver | null;
  workerId: string;
  /** In order of preference (the first is drained first) unless `rotate`. */
  queues: readonly string[];
  /**
   * Equal preference: each claim starts from the next queue in turn, so no queue drains
   * first just because of its name (used when the worker was not given `queues`).
   */
  rotate: boolean;
  /** The tasks this worker registered: the only ones it claims (read at every claim). */
  tasks(): readonly string[];
  concurrency: number;
  leaseMs: number;
  pollMs: number;
  isRunning(): boolean;
  /** Leases held (buffered, running, or outcome not stored yet), handlers running, buffered. */
  load(): { held: number; running: number; buffered: number; writing: number };
  /** Jobs claimed; `leasedAt` is the `performance.now()` the claim was sent at. */
  deliver(jobs: LeasedJob[], leasedAt: number): void;
  reportError(err: unknown, message: string): void;
}

export class ClaimLoop {
  /**
   * The last claim filled its limit, or a queue's concurrency cap / rate limit held it back:
   * a freed lease should wake the loop at once.
   */
  saturated = false;
  /**
   * The last claim left slots free because a limit held jobs back: a job ending anywhere in
   * the cluster may free that limit, so the feed wakes the loop for it (feed.ts) instead of
   * leaving it to the next poll.
   */
  waitingOnLimit = false;
  private turn = 0;

  constructor(private readonly deps: ClaimLoopDeps) {}

  async run(): Promise<void> {
    const d = this.deps;
    let errorDelay = 0;
    while (d.isRunning()) {
      const load = d.load();
      const prefetch = d.prefetch.limit();
      // With prefetch, leases whose outcome is already on its way to the store do not hold
      // back the next claim, so the claim overlaps that write instead of waiting for it
      // (at most one outcome write is in flight, so leases stay bounded).
      const free = d.concurrency + prefetch - load.held + (prefetch > 0 ? load.writing : 0);
      // With jobs still buffered, wait until a worthwhile batch fits: bigger claims, fewer
      // transactions. An empty buffer claims whatever fits, at once.
      const batchMin = load.buffered > 0 ? Math.max(1, Math.floor((d.concurrency + prefetch) / 2)) : 1;
      if (free < batchMin) {
        this.saturated = true;
        await d.wake.wait(d.pollMs);
        continue;
      }
      // With prefetch, claim in halves of the lease budget: one batch runs here while the
      // next is being claimed and the previous one's outcomes are being written.
      const limit = prefetch > 0 ? Math.min(free, Math.ceil((d.concurrency + prefetch) / 2)) : free;
      const push = d.push;
      const sentAt = performance.now();
      let claimed: Awaited<ReturnType<Backend["jobClaim"]>>;
      try {
        claimed = await d.backend.jobClaim({
          queues: this.queueOrder(),
          tasks: d.tasks(),
          limit,
          workerId: d.workerId,
          leaseMs: d.leaseMs,
          // With push delivery every claim first ends the previous parking (and collects what
          // was pushed meanwhile), and parks again for the slots it leaves free.
          ...(push
            ? {
                park: {
                  ttlMs: push.ttlFor(d.pollMs),
                  // Pushes fill run slots only, never the prefetch buffer: see JobClaimParams.park.
                  slots: Math.max(0, d.concurrency - load.running - load.buffered),
                },
                unpark: true,
              }
            : {}),
        });
        if (push) push.parked = claimed.parked === true;
        errorDelay = 0;
      } catch (err) {
        d.reportError(err, "claim failed; retrying");
        errorDelay = Math.min(5000, errorDelay ? errorDelay * 2 : 100);
        await d.wake.wait(errorDelay, false);
        continue;
      }
      const { jobs, nextRunAt } = claimed;
      if (!d.isRunning()) {
        // Stopped while claiming: hand the jobs straight back.
        if (jobs.length)
          await d.backend
            .jobRelease({ leases: jobs.map((j) => ({ id: j.id, token: j.leaseToken })) })
            .catch(() => {});
        break;
      }
      d.deliver(jobs, sentAt);
      const full = jobs.length >= limit;
      // A queue's limit held the claim back: the cap may have room as soon as one of our own
      // jobs ends, so a freed slot wakes the loop as it does after a full claim.
      this.saturated = full || claimed.limited === true;
      this.waitingOnLimit = !full && claimed.limited === true;
      if (full) continue;
      let waitMs = d.pollMs;
      if (nextRunAt !== null) waitMs = Math.max(0, Math.min(waitMs, nextRunAt - d.clock.now()));
      // Parked: pushed jobs end the wait as soon as they are delivered.
      await d.wake.wait(waitMs, true, push?.parked ? push.wait(waitMs) : undefined);
    }
  }

  private queueOrder(): string[] {
    const q = this.deps.queues;
    if (!this.deps.rotate || q.length < 2) return [...q];
    const start = this.turn++ % q.length;
    return [...q.slice(start), ...q.slice(0, start)];
  }
}
