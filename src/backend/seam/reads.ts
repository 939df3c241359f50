/** The Backend seam, reading section: listing jobs and queues (see backend.ts). */
import type { FollowUpOutcome } from "../../core/follow-ups.js";
import type { EpochMs, JobRecord, JobState } from "../../core/types.js";
import type { LimitWait, QueueLimits } from "./flow.js";

// ── reading ────────────────────────────────────────────────────────────────────────────

export interface JobListParams {
  queue?: string;
  state?: JobState | readonly JobState[];
  task?: string;
  key?: string;
  createdAfter?: EpochMs;
  createdBefore?: EpochMs;
  /**
   * Case-insensitive substring of one of the job's fields: id, key, serialized input,
   * serialized result, or an error message (src/backend/search.ts). With a search, a page may
   * hold fewer than `limit` jobs, even none, and still have a `nextCursor` (a backend may bound
   * the work one call does): continue from it until it is null.
   */
  search?: string;
  /** Opaque cursor from the previous page's `nextCursor`. */
  cursor?: string;
  /** Page size, 1..1000 (default 50). */
  limit?: number;
  /**
   * By creation. Default `desc` (newest first). Memory, SQLite and PostgreSQL order by id
   * (UUIDv7, made when the job is built); Redis by (createdAt, id), its list indexes' order
   * (docs/redis.md): the same, except for a job whose id was made long before it was
   * created (a then/catch follow-up).
   */
  order?: "asc" | "desc";
}

export interface JobPage {
  jobs: JobRecord[];
  /** Null on the last page. */
  nextCursor: string | null;
}

/**
 * One of a job's durable follow-ups (`then` / `catch`, core/follow-ups.ts), as `jobFollowUps`
 * reads it from the parent: the link from a job to the jobs its outcome creates (the other way,
 * a follow-up names its parent in `meta.parent`).
 */
export interface FollowUpRef {
  /** "completed": the `then` job; "failed": the `catch` job. */
  outcome: FollowUpOutcome;
  /** The follow-up job's id, chosen at enqueue (so known before the job exists). */
  id: string;
  task: string;
  queue: string;
  /**
   * False: a template waiting for the parent's outcome (the job does not exist yet). True: the
   * outcome inserted the job (a removal or retention may have removed it since).
   */
  made: boolean;
}

export type StateCounts = Record<JobState, number>;

export interface QueueInfo {
  name: string;
  paused: boolean;
  counts: StateCounts;
  /** `createdAt` of the oldest `queued` job (queue age for alerting), null if none. */
  oldestQueuedAt: EpochMs | null;
  /** Flow-control limits set with `queueLimit` (both null when none). */
  limits: QueueLimits;
  /** Queued jobs a limit holds back now, and which limits (see FlowWaiting). */
  waitingOnLimit: number;
  limitWaits: LimitWait[];
}

export function emptyCounts(): StateCounts {
  return { waiting: 0, scheduled: 0, queued: 0, running: 0, completed: 0, failed: 0, cancelled: 0 };
}

/** Largest page a `jobList` returns. */
export const LIST_LIMIT_MAX = 1000;
export const LIST_LIMIT_DEFAULT = 50;
