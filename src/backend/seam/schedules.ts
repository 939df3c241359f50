/** The Backend seam, schedules section (see backend.ts). */
import type { EpochMs } from "../../core/types.js";
import type { NewJob } from "./jobs.js";

// ── schedules ──────────────────────────────────────────────────────────────────────────
//
// Backends store schedules and compare-and-set their next fire time; they never parse a
// trigger. The scheduler (src/scheduler) computes fire times in TypeScript (croner, time
// zones, DST rules) and hands the backend instants. Exactly-once firing across any number of
// scheduler processes rests on one rule: `scheduleFire` checks that the stored `nextFireAt`
// still equals the fire time the caller saw, and in the same transaction (one Lua script on
// Redis) moves it on AND inserts the fire's job. A scheduler that dies before the write
// leaves the fire to the next scheduler; one that dies after it has already fired.

/** `schedule:changed` (upsert, remove, pause, resume) and `schedule:fired` (also for skipped fires). */
export type ScheduleEventType = "schedule:changed" | "schedule:fired";

/** A schedule as stored. `spec` is the scheduler's JSON and opaque to backends. */
export interface ScheduleRecord {
  name: string;
  /** The scheduler's definition (trigger, job template, policies) as JSON. */
  spec: string;
  /** Identifies the trigger (and its start/end): when an upsert changes it, `anchorAt` and `nextFireAt` reset. */
  triggerKey: string;
  /** Start of an `every` trigger's grid, kept across upserts of the same trigger (restarts do not drift). */
  anchorAt: EpochMs;
  /** The next fire time, the compare-and-set target of `scheduleFire`; null when the schedule is done. */
  nextFireAt: EpochMs | null;
  /** Fire time of the last fire that enqueued a job (manual runs excluded). */
  lastFireAt: EpochMs | null;
  /** The job of the last fire or manual run (the overlap policy looks at it). */
  lastJobId: string | null;
  /** Jobs fired so far by the trigger (manual runs excluded); the `limit` option counts these. */
  runs: number;
  paused: boolean;
  createdAt: EpochMs;
  updatedAt: EpochMs;
}

export interface ScheduleUpsertParams {
  name: string;
  spec: string;
  triggerKey: string;
  /** Used when the schedule is created or its triggerKey changed; otherwise the stored values stay. */
  anchorAt: EpochMs;
  nextFireAt: EpochMs | null;
  /** Initial paused flag, used only when the schedule is created (pause state is operational). */
  paused: boolean;
}

export interface ScheduleUpsertResult {
  schedule: ScheduleRecord;
  /** Created, or its definition changed. False for a no-op upsert (same spec): nothing was written. */
  changed: boolean;
  created: boolean;
}

export interface ScheduleResumeParams {
  name: string;
  /** The next fire time from now: time spent paused is not a misfire. */
  nextFireAt: EpochMs | null;
}

export interface ScheduleFireParams {
  name: string;
  /**
   * The compare-and-set: the fire happens only if the stored `nextFireAt` equals this and the
   * schedule is not paused. `null` makes a manual run ("run now"): no compare, `nextFireAt`,
   * `lastFireAt` and `runs` stay, only the job is inserted and `lastJobId` set.
   */
  expectedFireAt: EpochMs | null;
  /** The fire time to store next (null: no more fires). Ignored by manual runs. */
  nextFireAt: EpochMs | null;
  /**
   * The job to insert in the same write (no `dependsOn`), or null to move on without one (a
   * skipped fire: misfire `skip`, overlap `skip`, limit reached). With a job, `runs` grows by
   * one and `lastFireAt` becomes `expectedFireAt`.
   */
  job: NewJob | null;
  /** Carried in the `schedule:fired` event (why a fire was skipped, how many were missed …). */
  data?: Record<string, unknown>;
}

export interface ScheduleFireResult {
  /** True when this call made the fire; false when another caller did first (or the schedule is gone or paused). */
  won: boolean;
  /** The inserted job (or, with an idempotency key that matched, the existing one). */
  jobId: string | null;
  /**
   * True when the job's task has `concurrency.strategy: "drop-newest"` and its cap group was
   * full: nothing was written, the fire counts as skipped (`skipped: "dropped"` in its run and
   * event; `runs`, `lastFireAt` and `lastJobId` stay). Absent otherwise.
   */
  dropped?: true;
  /** The schedule after the call (null if it does not exist). */
  schedule: ScheduleRecord | null;
}

/**
 * One recent fire of a schedule, as `scheduleFire` recorded it in the same write: a fire that
 * enqueued a job, a manual run, or a fire the scheduler skipped. Backends keep the last
 * `SCHEDULE_RUNS_KEPT` per schedule (older ones are dropped by the fire that adds a new one)
 * and drop them all with the schedule.
 */
export interface ScheduleRun {
  /** When the fire was written (store time). */
  at: EpochMs;
  /** The fire time it was for; null for a manual run ("run now"). */
  fireAt: EpochMs | null;
  /** The job it enqueued (or the existing one its idempotency key matched); null when skipped. */
  jobId: string | null;
  /**
   * Why nothing was enqueued: "overlap", "misfire", "limit" (the scheduler's `data.skipped`) or
   * "dropped" (the task's drop-newest strategy at the cap); null otherwise.
   */
  skipped: string | null;
}

export interface ScheduleRunsParams {
  name: string;
  /** 1..SCHEDULE_RUNS_KEPT; newest first. */
  limit: number;
}
