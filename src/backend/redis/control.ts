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
import { LOG_LINES_MAX } from "./reads.js";
import { type RedisStore, split } from "./store.js";

export async function jobCancel(s: RedisStore, { ids, reason }: JobCancelParams): Promise<JobCancelResult> {
  if (ids.length === 0) return { cancelled: [], skipped: [] };
  const { ok, refused } = split(await s.run("cancel", [s.clock.now(), reason ?? "cancelled", ...ids]));
  return { cancelled: ok, skipped: refused };
}

export async function jobRetry(s: RedisStore, { ids }: JobRetryParams): Promise<TransitionResult> {
  if (ids.length === 0) return { ok: [], refused: [] };
  return split(await s.run("retry", [s.clock.now(), ...ids]));
}

export async function jobRemove(s: RedisStore, { ids }: JobRemoveParams): Promise<JobRemoveResult> {
  if (ids.length === 0) return { removed: [], skipped: [] };
  const { ok, refused } = split(await s.run("remove", [s.clock.now(), ...ids]));
  return { removed: ok, skipped: refused };
}

export async function jobProgress(
  s: RedisStore,
  { id, token, progress }: JobProgressParams,
): Promise<boolean> {
  const hasMessage = progress.message !== undefined;
  const reply = await s.run("progress", [
    s.clock.now(),
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
  const args: (string | number)[] = [s.clock.now(), id, token, LOG_LINES_MAX];
  for (const l of lines)
    args.push(JSON.stringify({ at: l.at, level: l.level, message: l.message }).slice(0, -1));
  const reply = await s.run("log", args);
  return Number(reply[1]) === 1;
}

export async function queuePause(s: RedisStore, { queue }: { queue: string }): Promise<void> {
  await s.run("queue-pause", [s.clock.now(), queue, "1"]);
}

export async function queueResume(s: RedisStore, { queue }: { queue: string }): Promise<void> {
  await s.run("queue-pause", [s.clock.now(), queue, "0"]);
}
