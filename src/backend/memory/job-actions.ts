/**
 * Job actions on the memory backend (see ../job-actions.ts): each call runs between two awaits,
 * so its state check and its change are one atomic step.
 */
import type { JobRecord } from "../../core/types.js";
import type { BackendEvent, TransitionResult } from "../backend.js";
import {
  checkJobUpdate,
  EDITABLE_STATES,
  type JobPromoteParams,
  type JobUpdateParams,
  updateEventData,
} from "../job-actions.js";

/** What the actions borrow from the backend. */
export interface MemoryJobActionsHost<J extends JobRecord> {
  now(): number;
  job(id: string): J | undefined;
  /** Puts a queued or scheduled job (back) in its queue's order, dropping its old entry. */
  place(job: J): void;
  event(type: BackendEvent["type"], job: J, at: number, data?: Record<string, unknown>): BackendEvent;
  emit(events: BackendEvent[]): void;
}

const editable = (state: string) => (EDITABLE_STATES as readonly string[]).includes(state);

export function memoryJobUpdate<J extends JobRecord>(
  host: MemoryJobActionsHost<J>,
  params: JobUpdateParams,
): TransitionResult {
  checkJobUpdate(params);
  const now = host.now();
  const ok: string[] = [];
  const refused: string[] = [];
  const events: BackendEvent[] = [];
  const data = updateEventData(params);
  for (const id of params.ids) {
    const job = host.job(id);
    if (!job || !editable(job.state)) {
      refused.push(id);
      continue;
    }
    if (params.input !== undefined) job.input = params.input;
    if (params.priority !== undefined && params.priority !== job.priority) {
      job.priority = params.priority;
      host.place(job);
    }
    job.updatedAt = now;
    ok.push(id);
    events.push(host.event("job:updated", job, now, data));
  }
  host.emit(events);
  return { ok, refused };
}

export function memoryJobPromote<J extends JobRecord>(
  host: MemoryJobActionsHost<J>,
  params: JobPromoteParams,
): TransitionResult {
  const now = host.now();
  const ok: string[] = [];
  const refused: string[] = [];
  const events: BackendEvent[] = [];
  for (const id of params.ids) {
    const job = host.job(id);
    if (job?.state !== "scheduled") {
      refused.push(id);
      continue;
    }
    job.state = "queued";
    job.runAt = now;
    job.updatedAt = now;
    host.place(job);
    ok.push(id);
    events.push(host.event("job:enqueued", job, now, { promoted: true }));
  }
  host.emit(events);
  return { ok, refused };
}
