/**
 * Keeps the leases of every job this worker holds alive, all in one `leaseRenew` call per
 * round. Renewal runs at a third of the lease, so two missed rounds still leave time.
 * A lease reported lost (rescued after expiry, cancelled, removed) aborts its handler.
 *
 * If the event loop is blocked longer than the lease (a CPU-bound handler), no renewal
 * runs, the lease expires, and another worker may take the job over: that is the
 * at-least-once trade-off, and fencing makes the stale worker's late writes harmless.
 */
import type { Backend } from "../backend/backend.js";
import type { LeaseRef } from "../core/types.js";

export interface LeaseRenewerOptions {
  backend: Backend;
  leaseMs: number;
  /** The leases to renew right now. */
  held(): LeaseRef[];
  onLost(ids: readonly string[]): void;
  onError(err: unknown): void;
}

export class LeaseRenewer {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(private readonly options: LeaseRenewerOptions) {}

  get intervalMs(): number {
    return Math.max(50, Math.floor(this.options.leaseMs / 3));
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.runOnce(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One renewal round; concurrent calls share the round in flight. */
  runOnce(): Promise<void> {
    if (this.running) return this.running;
    this.running = (async () => {
      const leases = this.options.held();
      if (leases.length === 0) return;
      try {
        const out = await this.options.backend.leaseRenew({ leases, leaseMs: this.options.leaseMs });
        if (out.lost.length > 0) this.options.onLost(out.lost);
      } catch (err) {
        this.options.onError(err);
      }
    })().finally(() => {
      this.running = null;
    });
    return this.running;
  }
}
