import { type Duration, toMs } from "../duration.js";
import { InvalidArgumentError } from "./invalid-argument-error.js";
import { SpoolError } from "./spool-error.js";

/**
 * What a `RateLimitedError` holds back for every worker: the job's queue, its task, the jobs of
 * its task with the same limit key (`limitKey`; a job without one holds its task), or only
 * this job.
 */
export type RateLimitScope = "queue" | "task" | "key" | "job";
const SCOPES: readonly RateLimitScope[] = ["queue", "task", "key", "job"];

/** Longest `retryAfter`: a week (a longer wait is a schedule, not a backoff). */
export const RETRY_AFTER_MAX_MS = 7 * 86_400_000;

/**
 * Throw from a handler when an upstream said "too many requests" (HTTP 429): the job goes
 * back to `scheduled` for `retryAfter` **without using an attempt**, and with `scope: "queue"`
 * (the default), `"task"` or `"key"` no worker starts another job of that scope before then either. See
 * docs/flow-control.md.
 *
 * @example
 * if (res.status === 429) throw new RateLimitedError({ retryAfter: res.headers.get("retry-after") + "s" });
 */
export class RateLimitedError extends SpoolError {
  readonly code = "RATE_LIMITED";
  readonly retryAfterMs: number;
  readonly scope: RateLimitScope;

  constructor(options: { retryAfter: Duration; scope?: RateLimitScope; message?: string; cause?: unknown }) {
    const retryAfterMs = toMs(options.retryAfter, "retryAfter");
    if (retryAfterMs < 1 || retryAfterMs > RETRY_AFTER_MAX_MS)
      throw new InvalidArgumentError(
        `retryAfter must be between 1 ms and 7 days, got ${retryAfterMs} ms`,
        "retryAfter",
      );
    const scope = options.scope ?? "queue";
    if (!SCOPES.includes(scope))
      throw new InvalidArgumentError(
        `scope must be one of ${SCOPES.map((x) => `"${x}"`).join(", ")}, got ${JSON.stringify(scope)}`,
        "scope",
      );
    super(options.message ?? `rate limited: retry after ${retryAfterMs} ms (${scope})`, {
      ...(options.cause === undefined ? {} : { cause: options.cause }),
      details: { retryAfterMs, scope },
    });
    this.retryAfterMs = retryAfterMs;
    this.scope = scope;
  }
}
