/**
 * Keeps the leases this worker holds alive. The schedule is derived from the held leases
 * themselves, not from one worker-wide interval: each lease is renewed once a third of its
 * own length has passed since it was last set, so a task with `lease: "300ms"` on a worker
 * with a 30 s lease is renewed every ~100 ms (issue 12, bug 2). Leases due at about the same
 * time go in one `leaseRenew` call: a round renews every lease at least half-way to its due
 * time. Times are measured on the monotonic clock (`performance.now()`), so a wall-clock
 * step on this host neither delays nor hurries a renewal.
 *
 * A lease reported lost (rescued after expiry, cancelled, removed) aborts its handler.
 * If the event loop is blocked longer than the lease (a CPU-bound handler), no renewal
 * runs, the lease expires, and another worker may take the job over: that is the
 * at-least-once trade-off, and fencing makes the stale worker's late writes harmless.
 */
import type { Backend } from "../backend/backend.js";
import type { LeaseRef } from "../core/types.js";

/** A lease is renewed once this fraction of it has passed since it was last set. */
export const RENEW_AT_FRACTION = 1 / 3;
/** Leases at least this far along are renewed in the same round as the one that is due. */
const BATCH_FRACTION = RENEW_AT_FRACTION / 2;
const MIN_DELAY_MS = 10;

export interface RenewableLease {
  readonly job: { readonly id: string; readonly leaseToken: string };
  /** Lease length the store applies on renewal. */
  readonly leaseMs: number;
  /** `performance.now()` when the lease was last set. */
  renewedAt: number;
}

export interface LeaseRenewerOptions {
  backend: Backend;
  /** Lease length for jobs without their own (sent with every renewal). */
  leaseMs: number;
  /** The leases to keep alive right now. */
  leases(): Iterable<RenewableLease>;
  onLost(refs: readonly LeaseRef[]): void;
  onError(err: unknown): void;
  now?: () => number;
}

export class LeaseRenewer {
  private timer: NodeJS.Timeout | null = null;
  private timerAt = Number.POSITIVE_INFINITY;
  private running: Promise<void> | null = null;
  private stopped = true;
  private failures = 0;
  private readonly now: () => number;

  constructor(private readonly options: LeaseRenewerOptions) {
    this.now = options.now ?? (() => performance.now());
  }

  start(): void {
    this.stopped = false;
    this.reschedule();
  }

  stop(): void {
    this.stopped = true;
    this.clearTimer();
  }

  /** A lease was added: renews it in time even if it is shorter than every other one held. */
  track(lease: RenewableLease): void {
    if (this.stopped || this.running) return;
    const due = lease.renewedAt + lease.leaseMs * RENEW_AT_FRACTION;
    if (due < this.timerAt) this.arm(due);
  }

  /** One renewal round of every lease at least half-way to its due time (`all`: every lease). */
  runOnce(all = false): Promise<void> {
    if (this.running) return this.running;
    this.clearTimer();
    this.running = this.round(all).finally(() => {
      this.running = null;
      this.reschedule();
    });
    return this.running;
  }

  private async round(all: boolean): Promise<void> {
    const now = this.now();
    const due: RenewableLease[] = [];
    for (const lease of this.options.leases())
      if (all || now >= lease.renewedAt + lease.leaseMs * BATCH_FRACTION) due.push(lease);
    if (due.length === 0) return;
    const refs = due.map((l) => ({ id: l.job.id, token: l.job.leaseToken }));
    try {
      const out = await this.options.backend.leaseRenew({ leases: refs, leaseMs: this.options.leaseMs });
      this.failures = 0;
      const renewed = new Set(out.renewed.map((r) => r.id));
      for (const lease of due) if (renewed.has(lease.job.id)) lease.renewedAt = now;
      if (out.lost.length > 0) {
        const lost = new Set(out.lost);
        this.options.onLost(refs.filter((r) => lost.has(r.id)));
      }
    } catch (err) {
      this.failures++;
      this.options.onError(err);
    }
  }

  private reschedule(): void {
    if (this.stopped) return;
    let next = Number.POSITIVE_INFINITY;
    let shortest = Number.POSITIVE_INFINITY;
    for (const lease of this.options.leases()) {
      next = Math.min(next, lease.renewedAt + lease.leaseMs * RENEW_AT_FRACTION);
      shortest = Math.min(shortest, lease.leaseMs);
    }
    if (next === Number.POSITIVE_INFINITY) {
      this.clearTimer();
      return;
    }
    // After a failed round, retry soon (the leases still run down) but do not hammer the store.
    if (this.failures > 0) next = Math.max(next, this.now() + Math.max(50, shortest / 10));
    this.arm(next);
  }

  private arm(at: number): void {
    this.clearTimer();
    this.timerAt = at;
    this.timer = setTimeout(() => void this.runOnce(), Math.max(MIN_DELAY_MS, at - this.now()));
    this.timer.unref();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.timerAt = Number.POSITIVE_INFINITY;
  }
}
