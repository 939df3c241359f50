/** Redis backend, control section: cancel, retry, remove, progress, logs, queue pause. */

import type {
  JobCancelParams,
  JobCancelResult,
  JobLogParams,
  JobProgressParams,
  JobRemoveParams,
  JobRemoveResult,
  JobRetryParams,
  TransitionResult,
} from "../backend.js";
import { holdNameOf } from "../flow-gate.js";
import { checkBackoff, checkQueueHold, checkQueueLimitParams } from "../flow-limits.js";
import type { JobBackoffParams, QueueHoldParams, QueueLimitParams } from "../seam/flow.js";
import { LOG_LINES_MAX } from "./reads.js";
import { type RedisStore, split } from "./store.js";

export async function jobCancel(s: RedisStore, { ids, reason }: JobCancelParams): Promise<JobCancelResult> {
  if (ids.length === 0) return { cancelled: [], skipped: [] };
  const { ok, refused } = split(await s.run("cancel", [s.time().now, reason ?? "cancelled", ...ids]));
  return { cancelled: ok, skipped: refused };
}

export async function jobRetry(s: RedisStore, { ids }: JobRetryParams): Promise<TransitionResult> {
  if (ids.length === 0) return { ok: [], refused: [] };
  return split(await s.run("retry", [s.time().now, ...ids]));
}

export async function jobRemove(s: RedisStore, { ids }: JobRemoveParams): Promise<JobRemoveResult> {
  if (ids.length === 0) return { removed: [], skipped: [] };
  const { ok, refused } = split(await s.run("remove", [s.time().now, ...ids]));
  return { removed: ok, skipped: refused };
}

export async function jobProgress(
  s: RedisStore,
  { id, token, progress }: JobProgressParams,
): Promise<boolean> {
  const hasMessage = progress.message !== undefined;
  const reply = await s.run("progress", [
    s.time().now,
    id,
    token,
    progress.percent,
    progress.message ?? "",
    hasMessage ? "1" : "0",
    JSON.stringify(progress),
  ]);
  return Number(reply[1]) === 1;
}

export async function jobLog(s: RedisStore, { id, token, lines }: JobLogParams): Promise<boolean> {
  const args: (string | number)[] = [s.time().now, id, token, LOG_LINES_MAX];
  for (const l of lines)
    args.push(JSON.stringify({ at: l.at, level: l.level, message: l.message }).slice(0, -1));
  const reply = await s.run("log", args);
  return Number(reply[1]) === 1;
}

export async function queuePause(s: RedisStore, { queue }: { queue: string }): Promise<void> {
  await s.run("queue-pause", [s.time().now, queue, "1"]);
}

export async function queueResume(s: RedisStore, { queue }: { queue: string }): Promise<void> {
  await s.run("queue-pause", [s.time().now, queue, "0"]);
}

export async function queueLimit(s: RedisStore, params: QueueLimitParams): Promise<void> {
  const p = checkQueueLimitParams(params);
  const c = p.concurrency === undefined ? "" : p.concurrency === null ? "-" : String(p.concurrency);
  const r =
    p.rateLimit === undefined
      ? ""
      : p.rateLimit === null
        ? "-"
        : `${p.rateLimit.limit},${p.rateLimit.perMs},${p.rateLimit.burst}`;
  await s.run("queue-limit", [p.queue, c, r]);
}

export async function queueHold(s: RedisStore, params: QueueHoldParams): Promise<void> {
  const p = checkQueueHold(params);
  // `until` is in the caller's frame: moved to the store's (see store-clock.ts).
  const { now, skew } = s.time();
  // A task or key hold is stored under its group's name (flow-gate.ts).
  await s.run("queue-hold", [holdNameOf(p), p.until + skew, now]);
}

export async function jobBackoff(s: RedisStore, params: JobBackoffParams): Promise<TransitionResult> {
  checkBackoff(params);
  if (params.jobs.length === 0) return { ok: [], refused: [] };
  const { now, skew } = s.time();
  const args: (string | number)[] = [now];
  for (const j of params.jobs) args.push(j.id, j.token, Math.round(j.runAt + skew));
  return split(await s.run("backoff", args));
}
