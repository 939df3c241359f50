/**
 * Checks and rules of the move operations (seam/move.ts) that every backend applies the same
 * way: argument checks before any write, and how an imported job's state is decided.
 */
import { InvalidArgumentError } from "../core/errors/index.js";
import { FINAL_STATES, type JobRecord, type JobState } from "../core/types.js";
import {
  type JobImportParams,
  type JobMoveDeleteParams,
  type JobMoveTakeParams,
  MOVE_BATCH_MAX,
  MOVE_WORKER_PREFIX,
} from "./seam/move.js";
import { stateAtInsert } from "./shared.js";

function checkIds(ids: unknown, field: string): void {
  if (!Array.isArray(ids) || ids.some((id) => typeof id !== "string" || id === ""))
    throw new InvalidArgumentError(`${field} must be an array of job ids`, field);
  if (ids.length > MOVE_BATCH_MAX)
    throw new InvalidArgumentError(
      `a move batch holds at most ${MOVE_BATCH_MAX} jobs, got ${ids.length}`,
      field,
    );
}

export function checkMoveTake(params: JobMoveTakeParams): void {
  checkIds(params.ids, "ids");
  if (typeof params.workerId !== "string" || !params.workerId.startsWith(MOVE_WORKER_PREFIX))
    throw new InvalidArgumentError(`a mover's worker id starts with "${MOVE_WORKER_PREFIX}"`, "workerId");
  if (typeof params.token !== "string" || params.token === "")
    throw new InvalidArgumentError("token is empty", "token");
}

export function checkMoveDelete(params: JobMoveDeleteParams): void {
  checkIds(params.ids, "ids");
  if (typeof params.token !== "string" || params.token === "")
    throw new InvalidArgumentError("token is empty", "token");
  if (!Array.isArray(params.workflows))
    throw new InvalidArgumentError("workflows must be an array", "workflows");
}

export function checkImport(params: JobImportParams): void {
  if (!Array.isArray(params.jobs) || !Array.isArray(params.workflows))
    throw new InvalidArgumentError("jobImport needs jobs and workflows arrays", "jobs");
  if (params.jobs.length > MOVE_BATCH_MAX)
    throw new InvalidArgumentError(
      `a move batch holds at most ${MOVE_BATCH_MAX} jobs, got ${params.jobs.length}`,
      "jobs",
    );
  const seen = new Set<string>();
  for (const job of params.jobs) {
    if (typeof job.id !== "string" || job.id === "")
      throw new InvalidArgumentError("a job id is empty", "id");
    if (seen.has(job.id)) throw new InvalidArgumentError(`job ${job.id} is twice in the batch`, "id");
    seen.add(job.id);
    if (job.state === "running" && !isTaken(job))
      throw new InvalidArgumentError(`job ${job.id} is running: running jobs are not moved`, "state");
  }
}

/** True for a job a mover holds (taken out of circulation by `jobMoveTake`). */
export function isTaken(job: Pick<JobRecord, "state" | "workerId">): boolean {
  return job.state === "running" && job.workerId !== null && job.workerId.startsWith(MOVE_WORKER_PREFIX);
}

/** True when the import keeps the job's state as stored (finished jobs); others are re-decided. */
export function keepsState(state: JobState): boolean {
  return FINAL_STATES.has(state);
}

/**
 * The state a not-started imported job gets in the target, from its parents there: cancelled
 * if one ended failed or cancelled, waiting while one is unfinished, else by runAt.
 */
export function importedState(parentStates: readonly (JobState | undefined)[], runAt: number, now: number) {
  let pending = 0;
  let doomed = false;
  for (const state of parentStates) {
    if (state === undefined || state === "completed") continue;
    if (state === "failed" || state === "cancelled") doomed = true;
    else pending++;
  }
  return { state: stateAtInsert(doomed, pending, runAt, now), pending };
}

/** The workflow a job belongs to (`meta.workflow.id`, written by src/workflow/compile.ts), or null. */
export function workflowIdOf(job: Pick<JobRecord, "meta">): string | null {
  const wf = job.meta.workflow as { id?: unknown } | undefined;
  return wf && typeof wf === "object" && typeof wf.id === "string" ? wf.id : null;
}
