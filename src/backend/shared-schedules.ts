/** Argument checks and event shapes every backend applies to schedules the same way. */
import { InvalidArgumentError } from "../core/errors/index.js";
import type {
  BackendEvent,
  ScheduleEventType,
  ScheduleFireParams,
  ScheduleRecord,
  ScheduleRun,
  ScheduleRunsParams,
  ScheduleUpsertParams,
} from "./backend.js";

/** Longest schedule name (it is a key in every store). */
export const SCHEDULE_NAME_MAX = 200;

export function checkScheduleName(name: unknown): string {
  if (typeof name !== "string" || name.length === 0 || name.length > SCHEDULE_NAME_MAX)
    throw new InvalidArgumentError(
      `schedule name must be a string of 1..${SCHEDULE_NAME_MAX} characters, got ${JSON.stringify(name)}`,
      "name",
    );
  return name;
}

const instant = (v: unknown, field: string) => {
  if (v !== null && !Number.isFinite(v))
    throw new InvalidArgumentError(`${field} must be an epoch ms or null`, field);
};

export function checkScheduleUpsert(params: ScheduleUpsertParams): void {
  checkScheduleName(params.name);
  if (typeof params.spec !== "string" || params.spec.length === 0)
    throw new InvalidArgumentError("schedule spec must be a non-empty string", "spec");
  if (typeof params.triggerKey !== "string" || params.triggerKey.length === 0)
    throw new InvalidArgumentError("schedule triggerKey must be a non-empty string", "triggerKey");
  if (!Number.isFinite(params.anchorAt))
    throw new InvalidArgumentError("anchorAt must be an epoch ms", "anchorAt");
  instant(params.nextFireAt, "nextFireAt");
}

export function checkScheduleFire(params: ScheduleFireParams): void {
  checkScheduleName(params.name);
  instant(params.expectedFireAt, "expectedFireAt");
  instant(params.nextFireAt, "nextFireAt");
  if (params.job && params.job.dependsOn.length > 0)
    throw new InvalidArgumentError("a scheduled job cannot have dependencies", "dependsOn");
}

/** A schedule event: no job id or queue of its own; the name travels in `data.schedule`. */
export function scheduleEvent(
  type: ScheduleEventType,
  name: string,
  at: number,
  data: Record<string, unknown>,
): BackendEvent {
  return { type, jobId: "", queue: "", at, data: { schedule: name, ...data } };
}

/** Recent fires kept per schedule (the dashboard's "last runs"); older ones are dropped. */
export const SCHEDULE_RUNS_KEPT = 20;

export function checkScheduleRuns(params: ScheduleRunsParams): void {
  checkScheduleName(params.name);
  if (!Number.isInteger(params.limit) || params.limit < 1 || params.limit > SCHEDULE_RUNS_KEPT)
    throw new InvalidArgumentError(`limit must be an integer in 1..${SCHEDULE_RUNS_KEPT}`, "limit");
}

/** A fire's `skipped` when the task's drop-newest strategy dropped its job (cap group full). */
export const SKIPPED_DROPPED = "dropped";

/**
 * The run a won fire records: its fire time, its job (null when skipped) and why it was skipped.
 * `dropped`: the strategy at the cap dropped the job (`skipped: "dropped"`).
 */
export function scheduleRunOf(
  params: ScheduleFireParams,
  at: number,
  jobId: string | null,
  dropped = false,
): ScheduleRun {
  const why = dropped ? SKIPPED_DROPPED : params.data?.skipped;
  return {
    at,
    fireAt: params.expectedFireAt,
    jobId,
    skipped: jobId === null ? (typeof why === "string" ? why.slice(0, 100) : "skipped") : null,
  };
}

/** The `schedule:fired` event of a won fire (every backend writes the same data). */
export function firedEvent(
  params: ScheduleFireParams,
  at: number,
  nextFireAt: number | null,
  jobId: string | null,
  dropped: boolean,
): BackendEvent {
  return scheduleEvent("schedule:fired", params.name, at, {
    fireAt: params.expectedFireAt,
    nextFireAt,
    jobId,
    ...(params.expectedFireAt === null ? { manual: true } : {}),
    ...params.data,
    ...(dropped ? { skipped: SKIPPED_DROPPED } : {}),
  });
}

/** A schedules table row as SQLite and PostgreSQL return it (SQLite stores `paused` as 0/1). */
export interface ScheduleRow {
  name: string;
  spec: string;
  trigger_key: string;
  anchor_at: number;
  next_fire_at: number | null;
  last_fire_at: number | null;
  last_job_id: string | null;
  runs: number;
  paused: boolean | number;
  created_at: number;
  updated_at: number;
}

export function scheduleFromRow(row: ScheduleRow): ScheduleRecord {
  return {
    name: row.name,
    spec: row.spec,
    triggerKey: row.trigger_key,
    anchorAt: row.anchor_at,
    nextFireAt: row.next_fire_at,
    lastFireAt: row.last_fire_at,
    lastJobId: row.last_job_id,
    runs: row.runs,
    paused: row.paused === true || row.paused === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/**
 * An upsert that changes nothing: same spec, same trigger key. Every app instance redefines its
 * schedules at start, so the SQL stores answer it from a read, without a write lock.
 */
export function sameSchedule(row: ScheduleRow | undefined, params: ScheduleUpsertParams): boolean {
  return row !== undefined && row.spec === params.spec && row.trigger_key === params.triggerKey;
}

/** A schedule-runs table row as SQLite and PostgreSQL return it. */
export interface ScheduleRunRow {
  at: number;
  fire_at: number | null;
  job_id: string | null;
  skipped: string | null;
}

export function scheduleRunFromRow(r: ScheduleRunRow): ScheduleRun {
  return { at: r.at, fireAt: r.fire_at, jobId: r.job_id, skipped: r.skipped };
}
