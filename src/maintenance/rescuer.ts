/**
 * The rescuer: finds jobs whose lease expired (their worker died, stalled, or lost the
 * store) and puts them back to `queued`, or `failed` when no attempt is left. Modelled on
 * River's `job_rescuer`: a config with named defaults and a public `runOnce()` that returns
 * what it did, so tests and operators can run one pass on demand.
 */
import type { Logger } from "pino";
import type { Backend } from "../backend/backend.js";

export const RESCUE_INTERVAL_MAX_MS = 10_000;
export const RESCUE_BATCH_DEFAULT = 1000;

export interface RescuerConfig {
  /** Expired leases handled per pass. Default 1,000. */
  batch?: number;
}

export interface RescueCounts {
  requeued: number;
  failed: number;
}

/** Default rescue interval for a lease: a third of it, between 100 ms and 10 s. */
export function rescueIntervalFor(leaseMs: number): number {
  return Math.min(RESCUE_INTERVAL_MAX_MS, Math.max(100, Math.floor(leaseMs / 3)));
}

export class Rescuer {
  private readonly batch: number;

  constructor(
    private readonly backend: Backend,
    private readonly logger: Logger,
    config: RescuerConfig = {},
  ) {
    this.batch = config.batch ?? RESCUE_BATCH_DEFAULT;
  }

  async runOnce(): Promise<RescueCounts> {
    const out = await this.backend.leaseRescue({ limit: this.batch });
    const counts = { requeued: out.requeued.length, failed: out.failed.length };
    if (counts.requeued + counts.failed > 0) this.logger.warn(counts, "rescued jobs whose lease expired");
    return counts;
  }
}
