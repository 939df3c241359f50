/**
 * `spool.jobs.children(id)`: the children a job spawned at run time (`ctx.spawn`), with their
 * states, for a job outside any workflow (a workflow's spawned children are also nodes of its
 * graph). Found through the parent's `dependsOn` (the spawn appends them there in the same write
 * that moves the parent to `waiting`) and kept only if the child's `meta.spawnedBy` names the
 * parent, so explicit dependencies of the parent are not listed.
 */
import type { Backend } from "../backend/backend.js";
import { spawnMetaOf } from "../core/spawn.js";
import type { JobInfo } from "../core/task.js";
import type { JobRecord, JobState } from "../core/types.js";
import { PARENT_READ_CHUNK } from "../workflow/inputs.js";
import { decodeJob } from "./job-handle.js";

export interface JobChildren {
  /** The parent's spawn round (0: it never spawned; 2: a resumed handler spawned again). */
  round: number;
  /** Children found, every round, in spawn order (a child removed by retention is not counted). */
  total: number;
  /** How many children are in each state (states with none are absent). */
  counts: Partial<Record<JobState, number>>;
  /** The children, in spawn order, input and result decoded. */
  jobs: JobInfo[];
}

/** Null when the parent does not exist. */
export async function readJobChildren(backend: Backend, id: string): Promise<JobChildren | null> {
  const parent = await backend.jobGet({ id });
  if (!parent) return null;
  const found: JobRecord[] = [];
  for (let start = 0; start < parent.dependsOn.length; start += PARENT_READ_CHUNK) {
    const ids = parent.dependsOn.slice(start, start + PARENT_READ_CHUNK);
    const byId = new Map((await backend.jobGetMany({ ids })).map((r) => [r.id, r]));
    for (const childId of ids) {
      const r = byId.get(childId);
      if (r && r.meta.spawnedBy === id) found.push(r);
    }
  }
  const counts: Partial<Record<JobState, number>> = {};
  for (const r of found) counts[r.state] = (counts[r.state] ?? 0) + 1;
  return {
    round: spawnMetaOf(parent.meta)?.round ?? 0,
    total: found.length,
    counts,
    jobs: found.map((r) => decodeJob(r)),
  };
}
