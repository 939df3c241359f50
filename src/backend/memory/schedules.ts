/**
 * Schedules in the memory backend: a map by name. Each method runs synchronously between two
 * awaits, so the compare-and-set of `scheduleFire` and its job insert are one atomic step
 * (the job goes in through the backend's own `jobEnqueue`, whose body runs before it yields).
 */
import type {
  BackendEvent,
  JobEnqueueResult,
  NewJob,
  ScheduleFireParams,
  ScheduleFireResult,
  ScheduleRecord,
  ScheduleResumeParams,
  ScheduleRun,
  ScheduleRunsParams,
  ScheduleUpsertParams,
  ScheduleUpsertResult,
} from "../backend.js";
import { checkNewJobs } from "../shared.js";
import {
  checkScheduleFire,
  checkScheduleRuns,
  checkScheduleUpsert,
  firedEvent,
  SCHEDULE_RUNS_KEPT,
  scheduleEvent,
  scheduleRunOf,
} from "../shared-schedules.js";

export interface MemoryScheduleHost {
  now(): number;
  emit(events: BackendEvent[]): void;
  /** Inserts one job; the synchronous part of the call does the whole write. */
  insertJob(job: NewJob): Promise<JobEnqueueResult>;
}

export class MemorySchedules {
  private readonly byName = new Map<string, ScheduleRecord>();
  /** Recent fires per schedule, newest first, at most SCHEDULE_RUNS_KEPT. */
  private readonly runsByName = new Map<string, ScheduleRun[]>();

  constructor(private readonly host: MemoryScheduleHost) {}

  async upsert(params: ScheduleUpsertParams): Promise<ScheduleUpsertResult> {
    checkScheduleUpsert(params);
    const now = this.host.now();
    const old = this.byName.get(params.name);
    if (old && old.spec === params.spec && old.triggerKey === params.triggerKey)
      return { schedule: { ...old }, changed: false, created: false };
    const retrigger = !old || old.triggerKey !== params.triggerKey;
    const next: ScheduleRecord = old
      ? { ...old, spec: params.spec, triggerKey: params.triggerKey, updatedAt: now }
      : {
          name: params.name,
          spec: params.spec,
          triggerKey: params.triggerKey,
          anchorAt: params.anchorAt,
          nextFireAt: params.nextFireAt,
          lastFireAt: null,
          lastJobId: null,
          runs: 0,
          paused: params.paused,
          createdAt: now,
          updatedAt: now,
        };
    if (old && retrigger) {
      next.anchorAt = params.anchorAt;
      next.nextFireAt = params.nextFireAt;
    }
    this.byName.set(params.name, next);
    this.host.emit([
      scheduleEvent("schedule:changed", params.name, now, { change: old ? "updated" : "created" }),
    ]);
    return { schedule: { ...next }, changed: true, created: !old };
  }

  /** `scheduleImport`: the whole record, if the name is free (seam/move.ts). */
  async import(schedule: ScheduleRecord): Promise<{ created: boolean }> {
    if (this.byName.has(schedule.name)) return { created: false };
    this.byName.set(schedule.name, { ...schedule });
    const now = this.host.now();
    this.host.emit([scheduleEvent("schedule:changed", schedule.name, now, { change: "created" })]);
    return { created: true };
  }

  async get(name: string): Promise<ScheduleRecord | null> {
    const s = this.byName.get(name);
    return s ? { ...s } : null;
  }

  async list(): Promise<ScheduleRecord[]> {
    return [...this.byName.values()].map((s) => ({ ...s })).sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  async remove(name: string): Promise<boolean> {
    if (!this.byName.delete(name)) return false;
    this.runsByName.delete(name);
    this.host.emit([scheduleEvent("schedule:changed", name, this.host.now(), { change: "removed" })]);
    return true;
  }

  async pause(name: string): Promise<boolean> {
    const s = this.byName.get(name);
    if (!s) return false;
    const now = this.host.now();
    s.paused = true;
    s.updatedAt = now;
    this.host.emit([scheduleEvent("schedule:changed", name, now, { change: "paused" })]);
    return true;
  }

  async resume({ name, nextFireAt }: ScheduleResumeParams): Promise<boolean> {
    const s = this.byName.get(name);
    if (!s) return false;
    const now = this.host.now();
    if (s.paused) {
      s.paused = false;
      s.nextFireAt = nextFireAt;
    }
    s.updatedAt = now;
    this.host.emit([scheduleEvent("schedule:changed", name, now, { change: "resumed" })]);
    return true;
  }

  async fire(params: ScheduleFireParams): Promise<ScheduleFireResult> {
    checkScheduleFire(params);
    if (params.job) checkNewJobs([params.job]);
    const s = this.byName.get(params.name);
    const manual = params.expectedFireAt === null;
    if (!s || (!manual && (s.paused || s.nextFireAt !== params.expectedFireAt)))
      return { won: false, jobId: null, schedule: s ? { ...s } : null };
    const now = this.host.now();
    const before = { ...s };
    if (!manual) {
      s.nextFireAt = params.nextFireAt;
      if (params.job) {
        s.lastFireAt = params.expectedFireAt;
        s.runs += 1;
      }
    }
    s.updatedAt = now;
    let jobId: string | null = null;
    let dropped = false;
    if (params.job) {
      // The schedule moved on synchronously above; the insert's synchronous body runs here
      // too, before anything can interleave. It fails only on a bad job (checked above). It
      // is the backend's own jobEnqueue, so the strategy at the cap applies (cap-strategy.ts).
      s.lastJobId = params.job.id;
      const pending = this.host.insertJob(params.job);
      let ref: JobEnqueueResult["jobs"][number];
      try {
        ref = (await pending).jobs[0]!;
      } catch (error) {
        if (s.lastJobId === params.job.id) Object.assign(s, before);
        throw error;
      }
      if (ref.dropped) {
        // drop-newest: nothing written; the fire counts as skipped (fire times moved on).
        dropped = true;
        if (s.lastJobId === params.job.id) {
          s.lastJobId = before.lastJobId;
          s.lastFireAt = before.lastFireAt;
          s.runs = before.runs;
        }
      } else {
        jobId = ref.id;
        // An idempotency key may have matched an existing job: that one stands for the fire.
        if (s.lastJobId === params.job.id) s.lastJobId = jobId;
      }
    }
    if (this.byName.get(params.name) === s) {
      const runs = [scheduleRunOf(params, now, jobId, dropped), ...(this.runsByName.get(params.name) ?? [])];
      this.runsByName.set(params.name, runs.slice(0, SCHEDULE_RUNS_KEPT));
    }
    this.host.emit([firedEvent(params, now, s.nextFireAt, jobId, dropped)]);
    return { won: true, jobId, ...(dropped ? { dropped: true as const } : {}), schedule: { ...s } };
  }

  async runs(params: ScheduleRunsParams): Promise<ScheduleRun[]> {
    checkScheduleRuns(params);
    return (this.runsByName.get(params.name) ?? []).slice(0, params.limit).map((r) => ({ ...r }));
  }
}
