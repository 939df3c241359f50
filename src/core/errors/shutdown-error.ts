import { SpoolError } from "./spool-error.js";

/** `ctx.signal.reason` when the worker's shutdown grace period ran out; the job goes back to `queued`. */
export class ShutdownError extends SpoolError {
  readonly code = "SHUTDOWN";
  constructor() {
    super("worker is shutting down; the job was released back to its queue");
  }
}
