import { SpoolError } from "./spool-error.js";

/** A transition was asked of a job whose current state does not allow it (e.g. retry a running job). */
export class InvalidStateError extends SpoolError {
  readonly code = "INVALID_STATE";
  constructor(
    readonly jobId: string,
    readonly state: string,
    readonly action: string,
  ) {
    super(`cannot ${action} job ${jobId}: it is ${state}`, { details: { jobId, state, action } });
  }
}
