/** SQLite backend, control section: cancel, retry, remove, progress, logs, queue pause. */
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
import { type Events, jobEvent, LOG_LINES_MAX, type SqliteStore } from "./store.js";

/**
 * Inside a write transaction: cancels one job that is not final (a running one loses its lease),
 * its dependents, and a spawn waiter's unfinished children. False: already final or missing.
 */
export function cancelTree(
  s: SqliteStore,
  id: string,
  now: number,
  events: Events,
  why: string,
  cancelled: string[],
): boolean {
  const row = s.sql.jobCancel.get({ id, now });
  if (!row) return false;
  events.push(jobEvent("job:cancelled", id, row.queue, now, "cancelled", { reason: why }));
  cancelled.push(id);
  if (row.has_dependents) s.cancelDependents(id, now, events, `dependency ${id} was cancelled`, cancelled);
  if (row.spawn_policy !== null)
    for (const child of JSON.parse(row.depends_on) as string[])
      cancelTree(s, child, now, events, `parent ${id} was cancelled`, cancelled);
  return true;
}

export async function jobCancel(s: SqliteStore, { ids, reason }: JobCancelParams): Promise<JobCancelResult> {
  const { now } = s.time();
  return s.write("cancel", now, (events) => {
    const cancelled: string[] = [];
    const skipped: string[] = [];
    for (const id of ids)
      if (!cancelTree(s, id, now, events, reason ?? "cancelled", cancelled)) skipped.push(id);
    return { cancelled, skipped };
  });
}

export async function jobRetry(s: SqliteStore, { ids }: JobRetryParams): Promise<TransitionResult> {
  const { now } = s.time();
  return s.write("retry", now, (events) => {
    const ok: string[] = [];
    const refused: string[] = [];
    for (const id of ids) {
      const row = s.sql.jobRetry.get({ id, now });
      if (!row) {
        refused.push(id);
        continue;
      }
      ok.push(id);
      events.push(jobEvent("job:enqueued", id, row.queue, now, "queued", { retry: true }));
    }
    return { ok, refused };
  });
}

export async function jobRemove(s: SqliteStore, { ids }: JobRemoveParams): Promise<JobRemoveResult> {
  const { now } = s.time();
  return s.write("remove", now, (events) => {
    const removed: string[] = [];
    const skipped: string[] = [];
    for (const id of ids) {
      const row = s.removeOne(id);
      if (!row) {
        skipped.push(id);
        continue;
      }
      removed.push(id);
      events.push(jobEvent("job:removed", id, row.queue, now, row.state));
    }
    return { removed, skipped };
  });
}

export async function jobProgress(
  s: SqliteStore,
  { id, token, progress }: JobProgressParams,
): Promise<boolean> {
  const { now } = s.time();
  return s.write("progress", now, (events) => {
    const row = s.sql.jobProgress.get({ id, token, progress: JSON.stringify(progress), now });
    if (!row) return false;
    events.push(jobEvent("job:progress", id, row.queue, now, "running", { ...progress }));
    return true;
  });
}

export async function jobLog(s: SqliteStore, { id, token, lines }: JobLogParams): Promise<boolean> {
  const { now } = s.time();
  return s.write("log", now, (events) => {
    const job = s.sql.jobLeased.get({ id, token });
    if (!job) return false;
    for (const line of lines) {
      s.sql.jobLogInsert.run({
        job_id: id,
        attempt: job.attempt,
        at: line.at,
        level: line.level,
        message: line.message,
      });
    }
    if (lines.length > 0) s.sql.jobLogsTrim.run({ job_id: id, keep: LOG_LINES_MAX });
    events.push(jobEvent("job:log", id, job.queue, now, "running", { lines: lines.length }));
    return true;
  });
}

export async function queuePause(s: SqliteStore, { queue }: { queue: string }): Promise<void> {
  const { now } = s.time();
  await s.write("queue pause", now, (events) => {
    s.sql.queuePause.run({ queue, now });
    events.push({ type: "queue:paused", jobId: "", queue, at: now });
  });
}

export async function queueResume(s: SqliteStore, { queue }: { queue: string }): Promise<void> {
  const { now } = s.time();
  await s.write("queue resume", now, (events) => {
    s.sql.queueResume.run({ queue });
    events.push({ type: "queue:resumed", jobId: "", queue, at: now });
  });
}
