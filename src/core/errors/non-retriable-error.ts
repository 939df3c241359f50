import { SpoolError } from "./spool-error.js";

/**
 * Throw from a handler to fail the job now, whatever attempts remain (like River's
 * `JobCancel`, Celery's `Reject(requeue=False)`). Wrap the real cause to keep its stack.
 *
 * @example
 * if (!template) throw new NonRetriableError(`template ${id} does not exist`);
 */
export class NonRetriableError extends SpoolError {
  readonly code = "NON_RETRIABLE";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
