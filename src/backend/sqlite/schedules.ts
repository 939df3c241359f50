/**
 * Schedules on SQLite (table `spool_schedules`, migration 0002). Every write is one
 * BEGIN IMMEDIATE transaction through the backend's `write`, so `fire` is a compare-and-set
 * on `next_fire_at` plus the job insert plus the change-feed row, committed together: two
 * processes racing for one fire time serialize on the write lock and the second finds
 * `next_fire_at` already moved on. The same transaction records the fire in
 * `spool_schedule_runs` (migration 0024) and keeps the last 20 per schedule.
 */
import type Database from "better-sqlite3";
import type {
  BackendEvent,
  EnqueuedRef,
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
  checkScheduleName,
  checkScheduleRuns,
  checkScheduleUpsert,
  firedEvent,
  SCHEDULE_RUNS_KEPT,
  type ScheduleRow,
  type ScheduleRunRow,
  sameSchedule,
  scheduleEvent,
  scheduleRunFromRow,
  scheduleRunOf,
  scheduleFromRow as toRecord,
} from "../shared-schedules.js";
import * as SQL from "./generated/sql.js";
import { prepareLazily } from "./lazy-statement.js";

/** What the schedule store borrows from the backend: its transaction and read wrappers. */
export interface SqliteScheduleHost {
  now(): number;
  write<T>(what: string, now: number, fn: (events: BackendEvent[]) => T): Promise<T>;
  read<T>(fn: () => T): Promise<T>;
  /**
   * Inside `write`: inserts a fire's job through the enqueue's own insert (idempotency key,
   * strategy at the cap: insert.ts `insertEach`).
   */
  insertJob(job: NewJob, now: number, events: BackendEvent[]): EnqueuedRef;
}

export class SqliteSchedules {
  private readonly sql;

  constructor(
    db: Database.Database,
    private readonly host: SqliteScheduleHost,
  ) {
    const p = <R>(text: string) => prepareLazily<[Record<string, unknown>], R>(db, text);
    this.sql = {
      get: p<ScheduleRow>(SQL.SCHEDULE_GET),
      list: prepareLazily<[], ScheduleRow>(db, SQL.SCHEDULE_LIST),
      insert: p<never>(SQL.SCHEDULE_INSERT),
      update: p<never>(SQL.SCHEDULE_UPDATE),
      remove: p<never>(SQL.SCHEDULE_DELETE),
      pause: p<never>(SQL.SCHEDULE_PAUSE),
      resume: p<never>(SQL.SCHEDULE_RESUME),
      fire: p<ScheduleRow>(SQL.SCHEDULE_FIRE),
      runNow: p<ScheduleRow>(SQL.SCHEDULE_RUN_NOW),
      fireJob: p<ScheduleRow>(SQL.SCHEDULE_FIRE_JOB),
      runInsert: p<never>(SQL.SCHEDULE_RUN_INSERT),
      runPrune: p<never>(SQL.SCHEDULE_RUN_PRUNE),
      runList: p<ScheduleRunRow>(SQL.SCHEDULE_RUN_LIST),
    };
  }

  async upsert(params: ScheduleUpsertParams): Promise<ScheduleUpsertResult> {
    checkScheduleUpsert(params);
    const now = this.host.now();
    // A no-op upsert (every app instance redefining its schedules at start) takes no write lock.
    const current = await this.host.read(() => this.sql.get.get({ name: params.name }));
    if (current && sameSchedule(current, params))
      return { schedule: toRecord(current), changed: false, created: false };
    return this.host.write("schedule upsert", now, (events) => {
      const old = this.sql.get.get({ name: params.name });
      if (old && sameSchedule(old, params))
        return { schedule: toRecord(old), changed: false, created: false };
      const fields = {
        name: params.name,
        spec: params.spec,
        trigger_key: params.triggerKey,
        anchor_at: params.anchorAt,
        next_fire_at: params.nextFireAt,
        now,
      };
      if (old) this.sql.update.run({ ...fields, retrigger: old.trigger_key === params.triggerKey ? 0 : 1 });
      else this.sql.insert.run({ ...fields, paused: params.paused ? 1 : 0 });
      events.push(
        scheduleEvent("schedule:changed", params.name, now, { change: old ? "updated" : "created" }),
      );
      return { schedule: toRecord(this.sql.get.get({ name: params.name })!), changed: true, created: !old };
    });
  }

  async get(name: string): Promise<ScheduleRecord | null> {
    const row = await this.host.read(() => this.sql.get.get({ name }));
    return row ? toRecord(row) : null;
  }

  async list(): Promise<ScheduleRecord[]> {
    return (await this.host.read(() => this.sql.list.all())).map(toRecord);
  }

  async remove(name: string): Promise<boolean> {
    return this.change(name, "removed", () => this.sql.remove.run({ name }).changes > 0);
  }

  async pause(name: string): Promise<boolean> {
    return this.change(name, "paused", (now) => this.sql.pause.run({ name, now }).changes > 0);
  }

  async resume({ name, nextFireAt }: ScheduleResumeParams): Promise<boolean> {
    return this.change(
      name,
      "resumed",
      (now) => this.sql.resume.run({ name, next_fire_at: nextFireAt, now }).changes > 0,
    );
  }

  async fire(params: ScheduleFireParams): Promise<ScheduleFireResult> {
    checkScheduleFire(params);
    if (params.job) checkNewJobs([params.job]);
    const now = this.host.now();
    const { name, expectedFireAt, job } = params;
    return this.host.write("schedule fire", now, (events) => {
      let row: ScheduleRow | undefined;
      if (expectedFireAt === null) {
        // A manual run: no compare, only the job and last_job_id.
        row = this.sql.get.get({ name });
        if (!row) return { won: false, jobId: null, schedule: null };
      } else {
        // Decide the fire first; insert the job only if this caller won it.
        row = this.sql.fire.get({
          name,
          expected_fire_at: expectedFireAt,
          next_fire_at: params.nextFireAt,
          job_id: null,
          now,
        });
        if (!row) {
          const current = this.sql.get.get({ name });
          return { won: false, jobId: null, schedule: current ? toRecord(current) : null };
        }
      }
      // The enqueue's own insert (keys, the strategy at the cap): an idempotency key that
      // matched stands for the fire; a drop-newest drop makes it a skipped fire.
      const ref = job ? this.host.insertJob(job, now, events) : null;
      const jobId = ref && !ref.dropped ? ref.id : null;
      const dropped = ref?.dropped === true;
      if (jobId !== null)
        row =
          expectedFireAt === null
            ? this.sql.runNow.get({ name, job_id: jobId, now })
            : this.sql.fireJob.get({ name, fire_at: expectedFireAt, job_id: jobId, now });
      const run = scheduleRunOf(params, now, jobId, dropped);
      this.sql.runInsert.run({
        name,
        at: run.at,
        fire_at: run.fireAt,
        job_id: run.jobId,
        skipped: run.skipped,
      });
      this.sql.runPrune.run({ name, keep: SCHEDULE_RUNS_KEPT });
      events.push(firedEvent(params, now, row?.next_fire_at ?? null, jobId, dropped));
      return {
        won: true,
        jobId,
        ...(dropped ? { dropped: true as const } : {}),
        schedule: row ? toRecord(row) : null,
      };
    });
  }

  async runs(params: ScheduleRunsParams): Promise<ScheduleRun[]> {
    checkScheduleRuns(params);
    const rows = await this.host.read(() => this.sql.runList.all({ name: params.name, limit: params.limit }));
    return rows.map(scheduleRunFromRow);
  }

  private change(name: string, change: string, fn: (now: number) => boolean): Promise<boolean> {
    checkScheduleName(name);
    const now = this.host.now();
    return this.host.write(`schedule ${change}`, now, (events) => {
      const done = fn(now);
      if (done) events.push(scheduleEvent("schedule:changed", name, now, { change }));
      return done;
    });
  }
}
