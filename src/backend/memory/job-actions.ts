/**
 * Job actions on the memory backend (see ../job-actions.ts): each call runs between two awaits,
 * so its state check and its change are one atomic step.
 */
import type { BackendEvent, TransitionResult } from "../backend.js";
import {
  checkJobUpdate,
  EDITABLE_STATES,
  type JobPromoteParams,
  type JobUpdateParams,
  updateEventData,
} from "../job-actions.js";
import type { MemoryStore } from "./store.js";

const editable = (state: string) => (EDITABLE_STATES as readonly string[]).includes(state);

export async function jobUpdate(store: MemoryStore, params: JobUpdateParams): Promise<TransitionResult> {
  checkJobUpdate(params);
  const now = store.clock.now();
  const ok: string[] = [];
  const refused: string[] = [];
  const events: BackendEvent[] = [];
  const data = updateEventData(params);
  for (const id of params.ids) {
    const job = store.jobs.get(id);
    if (!job || !editable(job.state)) {
      refused.push(id);
      continue;
    }
    if (params.input !== undefined) job.input = params.input;
    if (params.priority !== undefined && params.priority !== job.priority) {
      job.priority = params.priority;
      store.place(job);
    }
    job.updatedAt = now;
    ok.push(id);
    events.push(store.event("job:updated", job, now, data));
  }
  store.emit(events);
  return { ok, refused };
}

export async function jobPromote(store: MemoryStore, params: JobPromoteParams): Promise<TransitionResult> {
  const now = store.clock.now();
  const ok: string[] = [];
  const refused: string[] = [];
  const events: BackendEvent[] = [];
  for (const id of params.ids) {
    const job = store.jobs.get(id);
    if (job?.state !== "scheduled") {
      refused.push(id);
      continue;
    }
    job.state = "queued";
    job.runAt = now;
    job.updatedAt = now;
    store.place(job);
    ok.push(id);
    events.push(store.event("job:enqueued", job, now, { promoted: true }));
  }
  store.emit(events);
  return { ok, refused };
}
