import { SpoolError } from "./spool-error.js";

/** The serialized input (or result) is larger than the configured limit. Nothing was written. */
export class PayloadTooLargeError extends SpoolError {
  readonly code = "PAYLOAD_TOO_LARGE";
  constructor(
    readonly size: number,
    readonly limit: number,
    readonly what: "input" | "result" | "metadata" = "input",
  ) {
    super(`${what} is ${size} bytes; limit is ${limit}`, { details: { size, limit, what } });
  }
}
