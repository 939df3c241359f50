import { SpoolError } from "./spool-error.js";

/** An option or argument is malformed (a bad duration, a negative concurrency, bad JSON on the CLI …). */
export class InvalidArgumentError extends SpoolError {
  readonly code = "INVALID_ARGUMENT";
  constructor(
    message: string,
    readonly argument?: string,
    cause?: unknown,
  ) {
    super(message, { cause, details: argument === undefined ? undefined : { argument } });
  }
}
