import type { JobErrorRecord } from "../types.js";
import { SpoolError } from "./spool-error.js";

/** `job.result()` on a job that ended `failed` (retries exhausted) or `cancelled`. */
export class JobFailedError extends SpoolError {
  readonly code: "JOB_FAILED" | "JOB_CANCELLED";
  constructor(
    readonly jobId: string,
    readonly state: "failed" | "cancelled",
    readonly lastError: JobErrorRecord | undefined,
  ) {
    super(
      state === "cancelled"
        ? `job ${jobId} was cancelled${lastError ? `: ${lastError.message}` : ""}`
        : `job ${jobId} failed: ${lastError?.message ?? "unknown error"}`,
      { details: { jobId, state, lastError } },
    );
    this.code = state === "cancelled" ? "JOB_CANCELLED" : "JOB_FAILED";
  }
}
