/**
 * Small rules every backend applies the same way, kept here so the stores stay about storage.
 */

import { InvalidArgumentError } from "../core/errors/index.js";
import { isJobState, type JobRecord, type JobState } from "../core/types.js";
import {
  ENQUEUE_JOBS_MAX,
  type JobListParams,
  type JobPage,
  LIST_LIMIT_DEFAULT,
  LIST_LIMIT_MAX,
  type NewJob,
} from "./backend.js";
import { checkJobFlow } from "./flow-gate.js";

/**
 * Checks a batch before any write, so a bad batch writes nothing on any backend.
 *
 * Duplicate ids: a batch built by one client holds UUIDv7 ids from one process, which come
 * out strictly increasing, and a strictly increasing sequence cannot repeat. So while the ids
 * keep increasing, one string comparison per job proves uniqueness; only at the first id that
 * does not (ids made elsewhere, or reordered) is a `Set` of the ids so far built and used for
 * the rest. The errors, and which job raises the first one, are the same either way.
 */
export function checkNewJobs(jobs: readonly NewJob[]): void {
  if (jobs.length > ENQUEUE_JOBS_MAX) {
    throw new InvalidArgumentError(
      `an enqueue batch holds at most ${ENQUEUE_JOBS_MAX} jobs (one atomic write), got ${jobs.length}: split it into several calls`,
      "jobs",
    );
  }
  let last = "";
  let ids: Set<string> | null = null;
  for (let i = 0; i < jobs.length; i++) {
    const job = jobs[i]!;
    const id = job.id;
    if (!id) throw duplicateId(id);
    // (String order is a strict total order, so "increasing" really does rule out repeats.)
    if (ids === null && typeof id === "string" && id > last) {
      last = id;
    } else {
      ids ??= idsBefore(jobs, i);
      if (ids.has(id)) throw duplicateId(id);
      ids.add(id);
    }
    if (!job.task) throw new InvalidArgumentError("job task name is empty", "task");
    if (!job.queue) throw new InvalidArgumentError("job queue name is empty", "queue");
    if (!Number.isInteger(job.priority))
      throw new InvalidArgumentError(`priority must be an integer, got ${job.priority}`, "priority");
    if (!Number.isInteger(job.maxAttempts) || job.maxAttempts < 1) {
      throw new InvalidArgumentError(
        `maxAttempts must be an integer >= 1, got ${job.maxAttempts}`,
        "maxAttempts",
      );
    }
    if (!Number.isFinite(job.runAt))
      throw new InvalidArgumentError("runAt must be a finite epoch ms", "runAt");
    for (const dep of job.dependsOn) {
      if (dep === id) throw new InvalidArgumentError(`job ${id} cannot depend on itself`, "dependsOn");
    }
    if (job.flow) checkJobFlow(job.flow);
  }
}

function duplicateId(id: string): InvalidArgumentError {
  return new InvalidArgumentError(`duplicate or empty job id "${id}" in batch`, "id");
}

function idsBefore(jobs: readonly NewJob[], end: number): Set<string> {
  const ids = new Set<string>();
  for (let i = 0; i < end; i++) ids.add(jobs[i]!.id);
  return ids;
}

export function listLimit(params: JobListParams): number {
  const limit = params.limit ?? LIST_LIMIT_DEFAULT;
  if (!Number.isInteger(limit) || limit < 1 || limit > LIST_LIMIT_MAX) {
    throw new InvalidArgumentError(`limit must be an integer in 1..${LIST_LIMIT_MAX}, got ${limit}`, "limit");
  }
  return limit;
}

export function listStates(params: JobListParams): JobState[] | null {
  if (params.state === undefined) return null;
  const states = typeof params.state === "string" ? [params.state] : [...params.state];
  for (const s of states)
    if (!isJobState(s)) throw new InvalidArgumentError(`unknown job state "${s}"`, "state");
  return states;
}

/** Cursors are the last id of the previous page, base64url-wrapped so clients treat them as opaque. */
/**
 * The named parameters of the SQL job-list queries (SQLite and PostgreSQL; `states` is encoded
 * by each), asking for one row more than the page to tell whether another page follows.
 */
export function sqlListArgs(params: JobListParams) {
  return {
    queue: params.queue ?? null,
    states: listStates(params),
    task: params.task ?? null,
    key: params.key ?? null,
    created_after: params.createdAfter ?? null,
    created_before: params.createdBefore ?? null,
    after: decodeCursor(params.cursor),
    search: params.search === undefined ? null : params.search.toLowerCase(),
    limit: listLimit(params) + 1,
  };
}

/** A page of `limit` jobs from up to `limit + 1` rows (see sqlListArgs). */
export function pageOfRows<R>(rows: readonly R[], limit: number, toRecord: (row: R) => JobRecord): JobPage {
  const page = rows.slice(0, limit).map(toRecord);
  return { jobs: page, nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]!.id) : null };
}

export function encodeCursor(lastId: string): string {
  return Buffer.from(lastId, "utf8").toString("base64url");
}

export function decodeCursor(cursor: string | undefined): string | null {
  if (!cursor) return null;
  const id = Buffer.from(cursor, "base64url").toString("utf8");
  if (!/^[0-9a-zA-Z-]{1,64}$/.test(id)) throw new InvalidArgumentError("cursor is malformed", "cursor");
  return id;
}

/** For backends without `{ tx }`: an enqueue that names an application transaction is refused. */
export function refuseTx(tx: unknown, backend: string, what = "enqueue"): void {
  if (tx !== undefined)
    throw new InvalidArgumentError(
      `the ${backend} backend cannot ${what} inside an application transaction ({ tx }): use PostgreSQL or SQLite`,
      "tx",
    );
}

/**
 * Queued jobs per (queue, priority), in claim order, examined for `oldestQueuedAt` by every
 * store (Redis queue-list.lua, the queue-oldest-queued.sql of SQLite and PostgreSQL): a bound on
 * what one `queues.list` reads, however long the backlog.
 */
export const OLDEST_SCAN = 100;

export const LEASE_EXPIRED_MESSAGE =
  "lease expired: the worker stopped renewing it (crashed, killed, or blocked)";

/**
 * Claim order, inside a queue and across the queues of one claim: higher priority first, then
 * earlier runAt, then older id. (SQLite's and Redis's indexes store the same order.)
 */
export function claimOrder(
  a: { priority: number; runAt: number; id: string },
  b: { priority: number; runAt: number; id: string },
): number {
  return b.priority - a.priority || a.runAt - b.runAt || (a.id < b.id ? -1 : 1);
}

/**
 * A new job's first state: `cancelled` when a dependency already ended failed or cancelled,
 * `waiting` while dependencies are unfinished, else `scheduled` or `queued` by its runAt.
 */
export function stateAtInsert(doomed: boolean, pending: number, runAt: number, now: number): JobState {
  return doomed ? "cancelled" : pending > 0 ? "waiting" : runAt > now ? "scheduled" : "queued";
}

/** A claim's `limit`: an integer >= 0 (0 only looks at the next due time). */
export function checkClaimLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 0) {
    throw new InvalidArgumentError(`limit must be an integer >= 0, got ${limit}`, "limit");
  }
}
