/**
 * Schedules on SQLite (table `spool_schedules`, migration 0002). Every write is one
 * BEGIN IMMEDIATE transaction through the backend's `write`, so `fire` is a compare-and-set
 * on `next_fire_at` plus the job insert plus the change-feed row, committed together: two
 * processes racing for one fire time serialize on the write lock and the second finds
 * `next_fire_at` already moved on. The same transaction records the fire in
 * `spool_schedule_runs` (migration 0024) and keeps the last 20 per schedule.
 */
import type Database from "better-sqlite3";
import type { JobState } from "../../core/types.js";
import type {
  BackendEvent,
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
import { checkNewJobs, stateAtInsert } from "../shared.js";
import {
  checkScheduleFire,
  checkScheduleName,
  checkScheduleRuns,
  checkScheduleUpsert,
  SCHEDULE_RUNS_KEPT,
  type ScheduleRow,
  scheduleEvent,
  scheduleRunOf,
  scheduleFromRow as toRecord,
} from "../shared-schedules.js";
import * as SQL from "./generated/sql.js";
import { prepareLazily } from "./lazy-statement.js";
import { jobRow } from "./rows.js";

interface RunRow {
  at: number;
  fire_at: number | null;
  job_id: string | null;
  skipped: string | null;
}

/** What the schedule store borrows from the backend: its transaction and read wrappers. */
export interface SqliteScheduleHost {
  now(): number;
  write<T>(what: string, now: number, fn: (events: BackendEvent[]) => T): Promise<T>;
  read<T>(fn: () => T): Promise<T>;
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
      jobInsert: prepareLazily<[{ now: number; workflow_id: null; jobs: string }], never>(
        db,
        SQL.JOB_INSERT_ROWS,
      ),
      jobByKey: p<{ id: string; state: JobState }>(SQL.JOB_BY_KEY),
      runInsert: p<never>(SQL.SCHEDULE_RUN_INSERT),
      runPrune: p<never>(SQL.SCHEDULE_RUN_PRUNE),
      runList: p<RunRow>(SQL.SCHEDULE_RUN_LIST),
    };
  }

  async upsert(params: ScheduleUpsertParams): Promise<ScheduleUpsertResult> {
    checkScheduleUpsert(params);
    const now = this.host.now();
    // A no-op upsert (every app instance redefining its schedules at start) takes no write lock.
    const current = await this.host.read(() => this.sql.get.get({ name: params.name }));
    if (current && current.spec === params.spec && current.trigger_key === params.triggerKey)
      return { schedule: toRecord(current), changed: false, created: false };
    return this.host.write("schedule upsert", now, (events) => {
      const old = this.sql.get.get({ name: params.name });
      if (old && old.spec === params.spec && old.trigger_key === params.triggerKey)
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
      let jobId: string | null = null;
      if (expectedFireAt === null) {
        // A manual run: no compare, only the job and last_job_id.
        if (!this.sql.get.get({ name })) return { won: false, jobId: null, schedule: null };
        jobId = job ? this.insertJob(job, now, events) : null;
        row = jobId ? this.sql.runNow.get({ name, job_id: jobId, now }) : this.sql.get.get({ name });
      } else {
        // Decide the fire first; insert the job only if this caller won it.
        row = this.sql.fire.get({
          name,
          expected_fire_at: expectedFireAt,
          next_fire_at: params.nextFireAt,
          job_id: job?.id ?? null,
          now,
        });
        if (!row) {
          const current = this.sql.get.get({ name });
          return { won: false, jobId: null, schedule: current ? toRecord(current) : null };
        }
        if (job) {
          jobId = this.insertJob(job, now, events);
          // An idempotency key matched an existing job: that one stands for the fire.
          if (jobId !== job.id) row = this.sql.runNow.get({ name, job_id: jobId, now });
        }
      }
      const run = scheduleRunOf(params, now, jobId);
      this.sql.runInsert.run({
        name,
        at: run.at,
        fire_at: run.fireAt,
        job_id: run.jobId,
        skipped: run.skipped,
      });
      this.sql.runPrune.run({ name, keep: SCHEDULE_RUNS_KEPT });
      events.push(
        scheduleEvent("schedule:fired", name, now, {
          fireAt: expectedFireAt,
          nextFireAt: row?.next_fire_at ?? null,
          jobId,
          ...(expectedFireAt === null ? { manual: true } : {}),
          ...params.data,
        }),
      );
      return { won: true, jobId, schedule: row ? toRecord(row) : null };
    });
  }

  async runs(params: ScheduleRunsParams): Promise<ScheduleRun[]> {
    checkScheduleRuns(params);
    const rows = await this.host.read(() => this.sql.runList.all({ name: params.name, limit: params.limit }));
    return rows.map((r) => ({ at: r.at, fireAt: r.fire_at, jobId: r.job_id, skipped: r.skipped }));
  }

  /** Inside the transaction: inserts the fire's job (or finds the one holding its key). */
  private insertJob(job: NewJob, now: number, events: BackendEvent[]): string {
    if (job.key !== null) {
      const existing = this.sql.jobByKey.get({ task: job.task, key: job.key });
      if (existing) return existing.id;
    }
    const state = stateAtInsert(false, 0, job.runAt, now);
    this.sql.jobInsert.run({ now, workflow_id: null, jobs: JSON.stringify([jobRow(job, state)]) });
    events.push({ type: "job:enqueued", jobId: job.id, queue: job.queue, at: now, state });
    return job.id;
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
