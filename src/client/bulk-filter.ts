/**
 * Actions on every job matching a filter ("retry all failed jobs of task X", "cancel every queued
 * job of queue Y", "remove cancelled jobs older than a week"), in bounded batches: the filter is walked a page at a time with
 * `jobList` (newest first, from a cursor, so jobs created meanwhile are not chased), and each
 * page's ids go to one `jobRetry` / `jobRemove` call. No transaction or script holds the store
 * for more than one page; a job that changes state between the page and the action is counted
 * as skipped (the action checks the state atomically), never mishandled.
 */
import type { Backend, JobListParams } from "../backend/backend.js";
import { InvalidArgumentError } from "../core/errors/index.js";
import type { JobState } from "../core/types.js";

/** Which jobs a bulk action applies to. Every field narrows the match (all must hold). */
export interface JobFilter {
  state?: JobState | readonly JobState[];
  task?: string;
  queue?: string;
  /** Created at or after this instant (epoch ms). */
  createdAfter?: number;
  /** Created before this instant (epoch ms): "older than". */
  createdBefore?: number;
  /** Case-insensitive text in the id, key, input, result or errors (see `JobListParams.search`). */
  search?: string;
}

export interface BulkFilterOptions {
  /** Jobs per batch (one list page and one action call), 1..1000. Default 500. */
  batchSize?: number;
  /** Count the matches without acting on them. */
  dryRun?: boolean;
}

export interface BulkCancelOptions extends BulkFilterOptions {
  /** Carried by each `job:cancelled` event (SSE, `job.events()`); not stored with the job. */
  reason?: string;
}

export interface BulkFilterResult {
  /** Jobs that matched the filter when their page was read. */
  matched: number;
  /** Jobs the action applied to (0 on a dry run). */
  affected: number;
  /** Matched jobs the action refused (their state changed meanwhile, or does not allow it). */
  skipped: number;
}

export interface BulkCancelResult extends BulkFilterResult {
  /**
   * Jobs cancelled with a batch beyond its own matches: their dependents, which can never run
   * once what they wait for is cancelled. (Dependents are newer than the jobs they wait for, and
   * the walk goes newest first, so a dependent that matches is normally acted on first.)
   */
  cascaded: number;
}

const BATCH_DEFAULT = 500;

/** Retry matches only failed or cancelled jobs unless the filter names states itself. */
export const RETRYABLE_STATES: readonly JobState[] = ["failed", "cancelled"];

/** Cancel matches only jobs not yet finished unless the filter names states itself. */
export const CANCELLABLE_STATES: readonly JobState[] = ["waiting", "scheduled", "queued", "running"];

export function checkFilter(filter: JobFilter, what: string): void {
  const narrowed =
    filter.state !== undefined ||
    filter.task !== undefined ||
    filter.queue !== undefined ||
    filter.createdAfter !== undefined ||
    filter.createdBefore !== undefined ||
    filter.search !== undefined;
  if (!narrowed) {
    throw new InvalidArgumentError(
      `${what} by filter needs at least one of state, task, queue, createdAfter, createdBefore or search`,
      "filter",
    );
  }
}

export async function applyToMatching(
  backend: Backend,
  filter: JobFilter,
  options: BulkFilterOptions,
  act: (ids: string[]) => Promise<{ done: string[]; skipped: string[] }>,
): Promise<BulkFilterResult> {
  const limit = options.batchSize ?? BATCH_DEFAULT;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw new InvalidArgumentError("batchSize must be an integer in 1..1000", "batchSize");
  }
  const params: JobListParams = { ...filter, limit, order: "desc" };
  const out: BulkFilterResult = { matched: 0, affected: 0, skipped: 0 };
  let cursor: string | undefined;
  do {
    const page = await backend.jobList(cursor === undefined ? params : { ...params, cursor });
    const ids = page.jobs.map((j) => j.id);
    out.matched += ids.length;
    if (!options.dryRun && ids.length > 0) {
      const r = await act(ids);
      out.affected += r.done.length;
      out.skipped += r.skipped.length;
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return out;
}
