import { type Duration, toMs } from "./duration.js";
import { InvalidArgumentError } from "./errors/index.js";

/**
 * How a failed attempt is retried.
 *
 * - `attempts`: total tries including the first (default 3; 1 = never retry).
 * - `backoff`: `{ type: "fixed", delay }` or `{ type: "exponential", delay, max, jitter }`;
 *   exponential waits `delay * 2^(attempt-1)` capped at `max` (default 5m). `jitter: true`
 *   draws uniformly from [0.5, 1] × that wait ("equal jitter"), so a burst of failures does
 *   not retry in lock-step yet never waits less than half the nominal delay.
 */
export interface RetryPolicy {
  attempts?: number;
  backoff?: BackoffPolicy;
}

export type BackoffPolicy =
  | { type: "fixed"; delay: Duration; jitter?: boolean }
  | { type: "exponential"; delay: Duration; max?: Duration; jitter?: boolean };

export const RETRY_ATTEMPTS_DEFAULT = 3;
export const BACKOFF_DEFAULT: BackoffPolicy = { type: "exponential", delay: "1s", max: "5m", jitter: true };
/** Hard ceiling so a typo cannot make a job retry forever. */
export const RETRY_ATTEMPTS_MAX = 1000;

export interface ResolvedRetry {
  attempts: number;
  type: "fixed" | "exponential";
  delayMs: number;
  maxMs: number;
  jitter: boolean;
}

export function resolveRetry(policy: RetryPolicy | number | undefined): ResolvedRetry {
  const p: RetryPolicy = typeof policy === "number" ? { attempts: policy } : (policy ?? {});
  const attempts = p.attempts ?? RETRY_ATTEMPTS_DEFAULT;
  if (!Number.isInteger(attempts) || attempts < 1 || attempts > RETRY_ATTEMPTS_MAX) {
    throw new InvalidArgumentError(
      `retry.attempts must be an integer in 1..${RETRY_ATTEMPTS_MAX}, got ${attempts}`,
      "retry.attempts",
    );
  }
  const b = p.backoff ?? BACKOFF_DEFAULT;
  const delayMs = toMs(b.delay, "retry.backoff.delay");
  const maxMs = b.type === "exponential" ? toMs(b.max ?? "5m", "retry.backoff.max") : delayMs;
  return { attempts, type: b.type, delayMs, maxMs, jitter: b.jitter ?? false };
}

/** The wait before the next try after `attempt` (1-based) failed. `random` is injectable for tests. */
export function backoffMs(retry: ResolvedRetry, attempt: number, random: () => number = Math.random): number {
  const nominal =
    retry.type === "fixed"
      ? retry.delayMs
      : Math.min(retry.maxMs, retry.delayMs * 2 ** Math.max(0, attempt - 1));
  if (!retry.jitter) return nominal;
  return Math.round(nominal * (0.5 + random() * 0.5));
}
