/**
 * Operator actions on jobs that have not started: change their priority or input, or run a
 * delayed job now. Part of the Backend seam (`Backend extends JobActionsBackend`); every
 * backend implements them in its own `job-actions` module and the conformance topic
 * `job-actions` (test/conformance/suite/job-actions.ts) states the contract:
 *
 * - **Atomic precondition.** Each job's state is checked inside the store, in the same write
 *   that changes it: a job a worker claimed a moment earlier is refused, never edited under
 *   the running handler. Refusals are reported per job (`refused`), not thrown.
 * - **Claim order follows.** A `queued` job whose priority changes takes its new place in
 *   the claim order at once (priority, then runAt, then id).
 * - **Events.** An edit publishes `job:updated` (state unchanged, data `{ priority?, input? }`
 *   with `input: true` when the input changed); a promotion publishes `job:enqueued` with
 *   data `{ promoted: true }`, so idle workers wake as for a new job.
 *
 * Bulk actions by filter ("retry every failed job of task X") need no backend method: the
 * client (src/client/bulk-filter.ts) walks `jobList` pages and applies `jobRetry` /
 * `jobRemove` a page at a time, so no single transaction or script holds the store for long.
 */
import { InvalidArgumentError } from "../core/errors/index.js";
import { checkPriority } from "../core/registry.js";
import type { TransitionResult } from "./seam/jobs.js";

/** The states a job can be edited or promoted in: it has not started. */
export const EDITABLE_STATES = ["waiting", "scheduled", "queued"] as const;

export interface JobUpdateParams {
  /** Jobs to edit (the same change for each). */
  ids: string[];
  /** New priority, an integer in -1000000..1000000. */
  priority?: number;
  /** New serialized input (the caller validated and serialized it). */
  input?: string;
}

export interface JobPromoteParams {
  /** `scheduled` jobs (delayed, or waiting for a retry's backoff) to run now. */
  ids: string[];
}

export interface JobActionsBackend {
  /**
   * Sets the priority and/or the input of jobs that have not started (`waiting`, `scheduled`,
   * `queued`). Refused per job once it is running or finished, or gone.
   */
  jobUpdate(params: JobUpdateParams): Promise<TransitionResult>;
  /**
   * Moves `scheduled` jobs to `queued` with `runAt` = now, so the next claim takes them.
   * Refused per job for every other state (a `waiting` job waits for its dependencies).
   */
  jobPromote(params: JobPromoteParams): Promise<TransitionResult>;
}

/** Checks a `jobUpdate` call before any backend writes (typed errors for bad arguments). */
export function checkJobUpdate(params: JobUpdateParams): void {
  if (!Array.isArray(params.ids)) throw new InvalidArgumentError("ids must be an array of job ids", "ids");
  if (params.priority === undefined && params.input === undefined) {
    throw new InvalidArgumentError("jobUpdate needs a priority or an input to set", "priority");
  }
  if (params.priority !== undefined) checkPriority(params.priority);
  if (params.input !== undefined && typeof params.input !== "string") {
    throw new InvalidArgumentError("input must be a serialized string", "input");
  }
}

/** The `job:updated` event's data: what changed. */
export function updateEventData(params: JobUpdateParams): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  if (params.priority !== undefined) data.priority = params.priority;
  if (params.input !== undefined) data.input = true;
  return data;
}

/** Ready-made empty answer for calls with no ids. */
export function noTransition(): TransitionResult {
  return { ok: [], refused: [] };
}
