/**
 * Flow-control arithmetic every backend applies the same way (the Lua copy is
 * redis/scripts/includes/flow.lua): argument checks for queue limits, and the GCRA rate
 * limiter. GCRA keeps one number per limit, the theoretical arrival time `tat`: with
 * T = perMs / limit and tolerance τ = burst·T, a start at `now` is allowed while
 * max(tat, now) − τ <= now, and each start moves tat on by T. So at most `limit + burst`
 * jobs start in any window of `perMs`, and after the burst the starts are spread evenly.
 */
import { InvalidArgumentError } from "../core/errors/index.js";
import type {
  JobBackoffParams,
  QueueHoldParams,
  QueueLimitParams,
  QueueLimits,
  StoredRateLimit,
} from "./seam/flow.js";

export const CONCURRENCY_MAX = 1_000_000;
export const RATE_LIMIT_MAX = 1_000_000;
/** A rate window of at most a week. */
export const RATE_PER_MAX_MS = 7 * 86_400_000;
/** Float slack so an exact boundary (e.g. 1000 / 3 · 3) is not lost to rounding. */
const EPSILON = 1e-6;

function checkInt(value: unknown, min: number, max: number, argument: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidArgumentError(
      `${argument} must be an integer in ${min}..${max}, got ${String(value)}`,
      argument,
    );
  }
  return value;
}

export function checkConcurrency(value: unknown, argument = "concurrency"): number {
  return checkInt(value, 1, CONCURRENCY_MAX, argument);
}

export function checkStoredRateLimit(value: unknown, argument = "rateLimit"): StoredRateLimit {
  if (typeof value !== "object" || value === null)
    throw new InvalidArgumentError(`${argument} must be an object`, argument);
  const v = value as Record<string, unknown>;
  return {
    limit: checkInt(v.limit, 1, RATE_LIMIT_MAX, `${argument}.limit`),
    perMs: checkInt(v.perMs, 1, RATE_PER_MAX_MS, `${argument}.per`),
    burst: checkInt(v.burst ?? 0, 0, RATE_LIMIT_MAX, `${argument}.burst`),
  };
}

/** Checks a `queueLimit` call before anything is written. */
export function checkQueueLimitParams(params: QueueLimitParams): QueueLimitParams {
  const out: QueueLimitParams = { queue: params.queue };
  if (params.concurrency !== undefined)
    out.concurrency = params.concurrency === null ? null : checkConcurrency(params.concurrency);
  if (params.rateLimit !== undefined)
    out.rateLimit = params.rateLimit === null ? null : checkStoredRateLimit(params.rateLimit);
  return out;
}

/** A queue's limits as the SQL stores keep them (spool_queue_limits, spool.queue_limits). */
export interface LimitsRow {
  concurrency: number | null;
  rate_limit: number | null;
  rate_per_ms: number | null;
  rate_burst: number | null;
  /** The rate limit's `tat` (see rateAdvance); null: never used. */
  rate_tat: number | null;
}

export function limitsFromRow(row: LimitsRow): QueueLimits {
  return {
    concurrency: row.concurrency,
    rateLimit:
      row.rate_limit === null || row.rate_per_ms === null
        ? null
        : { limit: row.rate_limit, perMs: row.rate_per_ms, burst: row.rate_burst ?? 0 },
  };
}

/**
 * The row after a checked `queueLimit` call `p` changes `old` (undefined: the queue had no
 * limits): a new rate limit starts unused; null when no limit is left (the row goes).
 */
export function limitsRowAfter(old: LimitsRow | undefined, p: QueueLimitParams): LimitsRow | null {
  const row: LimitsRow = old
    ? { ...old }
    : { concurrency: null, rate_limit: null, rate_per_ms: null, rate_burst: null, rate_tat: null };
  if (p.concurrency !== undefined) row.concurrency = p.concurrency;
  if (p.rateLimit !== undefined) {
    row.rate_limit = p.rateLimit?.limit ?? null;
    row.rate_per_ms = p.rateLimit?.perMs ?? null;
    row.rate_burst = p.rateLimit?.burst ?? null;
    row.rate_tat = null;
  }
  return row.concurrency === null && row.rate_limit === null ? null : row;
}

/** How many starts the limit allows at `now` given the stored `tat` (null: never used). */
export function rateRoom(rate: StoredRateLimit, tat: number | null, now: number): number {
  const t = rate.perMs / rate.limit;
  const start = tat === null || tat < now ? now : tat;
  const room = Math.floor((now + rate.burst * t - start) / t + EPSILON) + 1;
  return Math.max(room, 0);
}

/** The `tat` after `n` starts at `now`. */
export function rateAdvance(rate: StoredRateLimit, tat: number | null, now: number, n: number): number {
  const start = tat === null || tat < now ? now : tat;
  return start + (n * rate.perMs) / rate.limit;
}

/** The first instant at which one more start is allowed (for a worker's sleep). */
export function rateNextAt(rate: StoredRateLimit, tat: number | null, now: number): number {
  if (tat === null) return now;
  const at = Math.ceil(tat - (rate.burst * rate.perMs) / rate.limit - EPSILON);
  return Math.max(at, now);
}

/**
 * How many of `want` jobs a queue's limits let one claim start at `now`, given the jobs of the
 * queue running now and the rate limit's `tat`; `retryAt` is set when the rate limit is what
 * stops the claim (the instant one more start is allowed, for an idle worker's sleep).
 */
export function limitRoom(
  limits: QueueLimits,
  running: number,
  tat: number | null,
  want: number,
  now: number,
): { room: number; retryAt: number | null } {
  let room = want;
  if (limits.concurrency !== null) room = Math.min(room, Math.max(0, limits.concurrency - running));
  let retryAt: number | null = null;
  const rate = limits.rateLimit;
  if (rate !== null) {
    const allowed = rateRoom(rate, tat, now);
    if (allowed < room) {
      room = allowed;
      retryAt = rateNextAt(rate, rateAdvance(rate, tat, now, allowed), now);
    }
  }
  return { room, retryAt };
}

/** Checks a `queueHold` call (an instant that is a finite number). */
export function checkQueueHold(params: QueueHoldParams): QueueHoldParams {
  if (typeof params.until !== "number" || !Number.isFinite(params.until))
    throw new InvalidArgumentError(`until must be a finite epoch ms, got ${String(params.until)}`, "until");
  const out: QueueHoldParams = { queue: params.queue, until: Math.ceil(params.until) };
  if (params.task !== undefined) out.task = params.task;
  if (params.key !== undefined) {
    if (params.task === undefined) throw new InvalidArgumentError("a key hold needs its task", "key");
    out.key = params.key;
  }
  return out;
}

/** Checks a `jobBackoff` call: every runAt a finite epoch ms. */
export function checkBackoff(params: JobBackoffParams): JobBackoffParams {
  for (const job of params.jobs) {
    if (typeof job.runAt !== "number" || !Number.isFinite(job.runAt))
      throw new InvalidArgumentError(`runAt must be a finite epoch ms, got ${String(job.runAt)}`, "runAt");
  }
  return params;
}
