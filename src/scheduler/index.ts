/**
 * The scheduler: persistent cron / interval / one-shot schedules that fire exactly once per
 * fire time, however many scheduler processes run. See docs/scheduler.md.
 *
 * ```
 *   spool.schedule(name, trigger, task.with(input), options)
 *        │  checks now; upsert by name in the background (same trigger: state kept)
 *        ▼
 *   backend: spool_schedules / schedule:<name>   ── nextFireAt, lastFireAt, runs, paused, spec
 *        ▲                                  │
 *        │ scheduleFire: compare-and-set    │ change feed: schedule:changed, schedule:fired
 *        │ nextFireAt + job insert, ONE     ▼
 *        │ atomic write                  Scheduler (any number, any process)
 *        └──────────────────────────────── sleep until min(nextFireAt) | feed | pollMax
 *                                            └─ FireLoop.runOnce(): plan (misfire.ts),
 *                                               overlap, one scheduleFire per step
 * ```
 *
 * Layout: `triggers.ts` (cron via croner, every, at; DST rules) and `zoned.ts` (wall time ↔
 * instant), `spec.ts` (the stored definition and policies), `define.ts` (validation and
 * upsert), `misfire.ts` (planning a due schedule's fires), `fire-loop.ts` (one pass),
 * `scheduler.ts` (the service: start/stop, sleeping, wake-ups), `client.ts` (the facade).
 */
export {
  RunDroppedError,
  type ScheduleApi,
  type ScheduleHandle,
  type ScheduleInfo,
  toScheduleInfo,
} from "./client.js";
export type { ScheduleCall } from "./define.js";
export type { FireEvent, RunOnceResult } from "./fire-loop.js";
export type { ScheduleRunInfo } from "./runs.js";
export { POLL_MAX_DEFAULT_MS, Scheduler, type SchedulerEvents, type SchedulerOptions } from "./scheduler.js";
export {
  CATCH_UP_MAX_DEFAULT,
  MISFIRE_DEFAULT,
  MISFIRE_GRACE_DEFAULT_MS,
  type MisfirePolicy,
  OVERLAP_DEFAULT,
  type OverlapPolicy,
  type ScheduleOptions,
} from "./spec.js";
export {
  compileTrigger,
  describeTrigger,
  nextFireTimes,
  type StoredTrigger,
  type Trigger,
} from "./triggers.js";
