/**
 * `spool.jobs.followUps(id)`: a job's then / catch follow-ups (docs/flow-control.md, "Durable
 * follow-ups"): the templates still waiting for its outcome and the job its outcome made, read
 * through `Backend.jobFollowUps` (the link the store keeps on the parent) and then the made
 * job itself. The other direction is the follow-up's `meta.parent`.
 */
import type { Backend, FollowUpRef } from "../backend/backend.js";
import type { JobInfo } from "../core/task.js";
import { decodeJob } from "./job-handle.js";

export interface JobFollowUp extends FollowUpRef {
  /** The made job, input and result decoded; null while pending, or once removed or pruned. */
  job: JobInfo | null;
}

/** `then` before `catch`; null when there is no such job. */
export async function readJobFollowUps(backend: Backend, id: string): Promise<JobFollowUp[] | null> {
  const refs = await backend.jobFollowUps({ id });
  if (!refs) return null;
  const made = refs.filter((r) => r.made).map((r) => r.id);
  const byId = new Map((await backend.jobGetMany({ ids: made })).map((r) => [r.id, r]));
  return refs.map((r) => {
    const rec = r.made ? byId.get(r.id) : undefined;
    return { ...r, job: rec ? decodeJob(rec) : null };
  });
}
