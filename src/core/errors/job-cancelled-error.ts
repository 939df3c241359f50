import { SpoolError } from "./spool-error.js";

/** `ctx.signal.reason` when the job was cancelled while running. */
export class JobCancelledError extends SpoolError {
  readonly code = "CANCELLED";
  constructor(readonly jobId: string) {
    super(`job ${jobId} was cancelled`, { details: { jobId } });
  }
}
