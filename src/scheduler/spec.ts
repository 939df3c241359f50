/**
 * A schedule's stored definition (the backend's opaque `spec`): the trigger, a template of the
 * job each fire enqueues (built once, at definition time, from the task's defaults), and the
 * policies. Any scheduler process can fire a schedule from its spec alone, without the app's
 * task registry.
 */
import type { NewJob, ScheduleRecord } from "../backend/backend.js";
import { type Duration, toMs } from "../core/duration.js";
import { InvalidArgumentError } from "../core/errors/index.js";
import type { EpochMs } from "../core/types.js";
import { type CompiledTrigger, compileTrigger, type StoredTrigger, toEpochMs } from "./triggers.js";

/** What to do with fire times that passed while no scheduler ran (later than the grace time). */
export type MisfirePolicy = "skip" | "once" | "all";
/** What to do when a fire comes while the previous fire's job is unfinished. */
export type OverlapPolicy = "allow" | "skip" | "queue";

export const MISFIRE_DEFAULT: MisfirePolicy = "once";
/** A fire this late (or less) is not a misfire: it simply runs late. */
export const MISFIRE_GRACE_DEFAULT_MS = 60_000;
/** Most missed fire times `misfire: "all"` enqueues after one outage (the most recent ones). */
export const CATCH_UP_MAX_DEFAULT = 100;
export const OVERLAP_DEFAULT: OverlapPolicy = "allow";

export interface ScheduleOptions {
  /** Fire times missed while no scheduler ran: `skip` them, run `once` (default), or `all` (up to `catchUpMax`). */
  misfire?: MisfirePolicy;
  /** A fire later than this counts as missed. Default "1m". */
  misfireGrace?: Duration;
  /** With `misfire: "all"`: most missed fires enqueued after one outage (the most recent). Default 100. */
  catchUpMax?: number;
  /** While the previous fire's job is unfinished: `allow` (default), `skip` this fire, or `queue` it (one at most). */
  overlap?: OverlapPolicy;
  /** Each job's runAt is its fire time plus a random delay in [0, jitter]. Default 0. */
  jitter?: Duration;
  /** No fire before this instant (inclusive). For `every`, the grid starts here. */
  startAt?: Date | EpochMs | string;
  /** No fire after this instant (inclusive). */
  endAt?: Date | EpochMs | string;
  /** Stop after this many fired jobs (manual runs do not count). */
  limit?: number;
  /** Create the schedule paused. Only applies when it is created: pause state then belongs to operators. */
  paused?: boolean;
}

/** The job every fire enqueues, minus what each fire sets (id, runAt, fire meta). */
export type JobTemplate = Omit<NewJob, "id" | "runAt" | "dependsOn"> & {
  /** From the call's `delay`: added to the fire time. */
  delayMs: number;
};

export interface ScheduleSpec {
  v: 1;
  trigger: StoredTrigger;
  job: JobTemplate;
  misfire: MisfirePolicy;
  misfireGraceMs: number;
  catchUpMax: number;
  overlap: OverlapPolicy;
  jitterMs: number;
  startAt: EpochMs | null;
  endAt: EpochMs | null;
  limit: number | null;
}

export function resolvePolicies(
  options: ScheduleOptions,
): Omit<ScheduleSpec, "v" | "trigger" | "job"> & { paused: boolean } {
  const misfire = options.misfire ?? MISFIRE_DEFAULT;
  if (!["skip", "once", "all"].includes(misfire))
    throw new InvalidArgumentError(
      `misfire must be "skip", "once" or "all", got ${JSON.stringify(misfire)}`,
      "misfire",
    );
  const overlap = options.overlap ?? OVERLAP_DEFAULT;
  if (!["allow", "skip", "queue"].includes(overlap))
    throw new InvalidArgumentError(
      `overlap must be "allow", "skip" or "queue", got ${JSON.stringify(overlap)}`,
      "overlap",
    );
  const catchUpMax = options.catchUpMax ?? CATCH_UP_MAX_DEFAULT;
  if (!Number.isInteger(catchUpMax) || catchUpMax < 1)
    throw new InvalidArgumentError(`catchUpMax must be an integer >= 1, got ${catchUpMax}`, "catchUpMax");
  const limit = options.limit ?? null;
  if (limit !== null && (!Number.isInteger(limit) || limit < 1))
    throw new InvalidArgumentError(`limit must be an integer >= 1, got ${limit}`, "limit");
  const startAt = options.startAt === undefined ? null : toEpochMs(options.startAt, "startAt");
  const endAt = options.endAt === undefined ? null : toEpochMs(options.endAt, "endAt");
  if (startAt !== null && endAt !== null && endAt < startAt)
    throw new InvalidArgumentError("endAt is before startAt", "endAt");
  return {
    misfire,
    misfireGraceMs:
      options.misfireGrace === undefined
        ? MISFIRE_GRACE_DEFAULT_MS
        : toMs(options.misfireGrace, "misfireGrace"),
    catchUpMax,
    overlap,
    jitterMs: options.jitter === undefined ? 0 : toMs(options.jitter, "jitter"),
    startAt,
    endAt,
    limit,
    paused: options.paused === true,
  };
}

/** Changes to these reset the schedule's anchor and next fire time on upsert. */
export function triggerKey(spec: ScheduleSpec): string {
  return JSON.stringify([spec.trigger, spec.startAt, spec.endAt]);
}

export function encodeSpec(spec: ScheduleSpec): string {
  return JSON.stringify(spec);
}

export function decodeSpec(record: Pick<ScheduleRecord, "name" | "spec">): ScheduleSpec {
  try {
    const spec = JSON.parse(record.spec) as ScheduleSpec;
    if (spec.v !== 1) throw new Error(`unknown spec version ${String(spec.v)}`);
    return spec;
  } catch (cause) {
    throw new InvalidArgumentError(`schedule ${record.name} has an unreadable definition`, "spec", cause);
  }
}

/** The fire-time arithmetic of a stored schedule. */
export function compileSpec(spec: ScheduleSpec, anchorAt: EpochMs): CompiledTrigger {
  return compileTrigger(spec.trigger, { anchorAt, startAt: spec.startAt, endAt: spec.endAt });
}

/** The first fire time of a schedule (re)defined at `now` with this anchor. */
export function firstFireAt(spec: ScheduleSpec, anchorAt: EpochMs, now: EpochMs): EpochMs | null {
  // A one-shot date in the past still gets its chance: the misfire policy decides.
  if ("at" in spec.trigger) {
    const at = spec.trigger.at;
    if (spec.startAt !== null && at < spec.startAt) return null;
    if (spec.endAt !== null && at > spec.endAt) return null;
    return at;
  }
  return compileSpec(spec, anchorAt).next(now);
}
