import { SpoolError } from "./spool-error.js";

/** A job ran past its `timeout`, or a `job.result({ timeout })` wait gave up. */
export class TimeoutError extends SpoolError {
  readonly code = "TIMEOUT";
  constructor(
    message: string,
    readonly timeoutMs: number,
  ) {
    super(message, { details: { timeoutMs } });
  }
}
