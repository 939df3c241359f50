/** Memory backend, control section: cancel, retry, remove, progress, logs, queue pause. */
import { FINAL_STATES } from "../../core/types.js";
import type {
  BackendEvent,
  JobCancelParams,
  JobCancelResult,
  JobLogParams,
  JobProgressParams,
  JobRemoveParams,
  JobRemoveResult,
  JobRetryParams,
  TransitionResult,
} from "../backend.js";
import { LOG_LINES_MAX, type MemoryStore } from "./store.js";

export async function jobCancel(s: MemoryStore, { ids, reason }: JobCancelParams): Promise<JobCancelResult> {
  const now = s.clock.now();
  const cancelled: string[] = [];
  const skipped: string[] = [];
  const events: BackendEvent[] = [];
  for (const id of ids) {
    const job = s.jobs.get(id);
    if (!job || FINAL_STATES.has(job.state)) {
      skipped.push(id);
      continue;
    }
    s.cancelWithChildren(job, now, reason ?? "cancelled", events, cancelled);
  }
  s.emit(events);
  return { cancelled, skipped };
}

export async function jobRetry(s: MemoryStore, { ids }: JobRetryParams): Promise<TransitionResult> {
  const now = s.clock.now();
  const ok: string[] = [];
  const refused: string[] = [];
  const events: BackendEvent[] = [];
  for (const id of ids) {
    const job = s.jobs.get(id);
    if (!job || (job.state !== "failed" && job.state !== "cancelled")) {
      refused.push(id);
      continue;
    }
    job.state = "queued";
    job.attempt = 0;
    job.runAt = now;
    job.finishedAt = null;
    job.pendingDependencies = 0;
    job.updatedAt = now;
    s.place(job);
    ok.push(id);
    events.push(s.event("job:enqueued", job, now, { retry: true }));
  }
  s.emit(events);
  return { ok, refused };
}

export async function jobRemove(s: MemoryStore, { ids }: JobRemoveParams): Promise<JobRemoveResult> {
  const removed: string[] = [];
  const skipped: string[] = [];
  const events: BackendEvent[] = [];
  const now = s.clock.now();
  for (const id of ids) {
    const job = s.jobs.get(id);
    if (!job || job.state === "running") {
      skipped.push(id);
      continue;
    }
    s.removeOne(job);
    removed.push(id);
    events.push(s.event("job:removed", job, now));
  }
  s.emit(events);
  return { removed, skipped };
}

export async function jobProgress(
  s: MemoryStore,
  { id, token, progress }: JobProgressParams,
): Promise<boolean> {
  const job = s.leased(id, token);
  if (!job) return false;
  const now = s.clock.now();
  job.progress = { ...progress };
  job.updatedAt = now;
  s.emit([s.event("job:progress", job, now, { ...progress })]);
  return true;
}

export async function jobLog(s: MemoryStore, { id, token, lines }: JobLogParams): Promise<boolean> {
  const job = s.leased(id, token);
  if (!job) return false;
  let list = s.logs.get(id);
  if (!list) s.logs.set(id, (list = []));
  for (const line of lines) list.push({ ...line, attempt: job.attempt });
  if (list.length > LOG_LINES_MAX) list.splice(0, list.length - LOG_LINES_MAX);
  s.emit([s.event("job:log", job, s.clock.now(), { lines: lines.length })]);
  return true;
}

export async function queuePause(s: MemoryStore, { queue }: { queue: string }): Promise<void> {
  s.paused.add(queue);
  s.emit([{ type: "queue:paused", jobId: "", queue, at: s.clock.now() }]);
}

export async function queueResume(s: MemoryStore, { queue }: { queue: string }): Promise<void> {
  s.paused.delete(queue);
  s.emit([{ type: "queue:resumed", jobId: "", queue, at: s.clock.now() }]);
}
