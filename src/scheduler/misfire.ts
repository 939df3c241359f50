/**
 * Planning the fires of one due schedule: which fire times to enqueue, which to skip, and the
 * next fire time to store after each. Pure (no I/O): the fire loop executes the plan step by
 * step, each step one compare-and-set in the backend, and stops at the first step it loses.
 *
 * A fire time `t` is *on time* while `now - t <= misfireGrace` (it simply runs a little late)
 * and *missed* after that: no scheduler ran at `t` (all were down, or the machine slept).
 * Missed fire times follow the schedule's misfire policy:
 *
 * - `skip`: none of them runs; the schedule moves on to its first fire time that is not missed.
 * - `once` (default): one job, for the most recent missed time, with `meta.missed` = how many.
 * - `all`: one job per missed time, oldest first, at most `catchUpMax`; any beyond are skipped.
 *
 * Because `nextFireAt` lives in the backend, the policy applies the same after a restart, a
 * failover to another scheduler process, or a clock jump.
 */
import type { ScheduleRecord } from "../backend/backend.js";
import type { EpochMs } from "../core/types.js";
import type { ScheduleSpec } from "./spec.js";
import type { CompiledTrigger } from "./triggers.js";

/** Missed fire times counted before giving up (`meta.missed` then says "at least"). */
export const MISSED_SCAN_MAX = 100_000;

export interface FireStep {
  /** The compare-and-set target: the stored nextFireAt this step expects. */
  expectedFireAt: EpochMs;
  /** Stored after this step; null ends the schedule. */
  nextFireAt: EpochMs | null;
  /** The fire time of the job to enqueue; null for a skipped fire. */
  fireAt: EpochMs | null;
  /** Facts for the job's meta and the `schedule:fired` event. */
  data: Record<string, unknown>;
}

/** The steps for a schedule whose nextFireAt is due (<= now). */
export function planFires(
  record: ScheduleRecord,
  spec: ScheduleSpec,
  trigger: CompiledTrigger,
  now: EpochMs,
): FireStep[] {
  const t0 = record.nextFireAt;
  if (t0 === null || t0 > now) return [];
  const remaining = spec.limit === null ? Number.POSITIVE_INFINITY : spec.limit - record.runs;
  if (remaining <= 0)
    return [{ expectedFireAt: t0, nextFireAt: null, fireAt: null, data: { skipped: "limit" } }];
  const afterFire = (t: EpochMs, fired: number): EpochMs | null =>
    fired >= remaining ? null : trigger.next(t);

  const cutoff = now - spec.misfireGraceMs;
  if (t0 >= cutoff) return [{ expectedFireAt: t0, nextFireAt: afterFire(t0, 1), fireAt: t0, data: {} }];

  // Missed: t0 and every later fire time before the cutoff.
  const resume = trigger.next(cutoff - 1);
  const missed: EpochMs[] = [t0];
  let scanned = true;
  const scanMax = spec.misfire === "all" ? spec.catchUpMax + 1 : MISSED_SCAN_MAX;
  for (let t = trigger.next(t0); t !== null && t < cutoff; t = trigger.next(t)) {
    if (missed.length >= scanMax) {
      scanned = false;
      break;
    }
    missed.push(t);
  }
  const count = scanned ? missed.length : `${missed.length}+`;

  if (spec.misfire === "skip")
    return [
      { expectedFireAt: t0, nextFireAt: resume, fireAt: null, data: { skipped: "misfire", missed: count } },
    ];

  if (spec.misfire === "once") {
    const last = missed[missed.length - 1]!;
    return [
      {
        expectedFireAt: t0,
        nextFireAt: remaining <= 1 ? null : resume,
        fireAt: last,
        data: { catchUp: true, missed: count },
      },
    ];
  }

  // all: oldest first, up to catchUpMax (and the run limit); after the last one, resume.
  const take = Math.min(missed.length, spec.catchUpMax, remaining);
  const truncated = !scanned || take < missed.length;
  const steps: FireStep[] = [];
  for (let i = 0; i < take; i++) {
    const last = i === take - 1;
    steps.push({
      expectedFireAt: missed[i]!,
      nextFireAt: !last ? missed[i + 1]! : take >= remaining ? null : resume,
      fireAt: missed[i]!,
      data: last && truncated ? { catchUp: true, truncated: true } : { catchUp: true },
    });
  }
  return steps;
}
