import { SpoolError } from "./spool-error.js";

/**
 * The worker no longer holds this job's lease: it expired and was rescued, or the job was
 * cancelled. `ctx.signal` aborts with this reason; a late complete/fail is refused.
 */
export class LeaseLostError extends SpoolError {
  readonly code = "LEASE_LOST";
  constructor(readonly jobId: string) {
    super(`lease on job ${jobId} was lost (expired and rescued, cancelled, or removed)`, {
      details: { jobId },
    });
  }
}
