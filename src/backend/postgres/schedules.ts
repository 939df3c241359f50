/**
 * Schedules on PostgreSQL (table `schedules`). `fire` is a compare-and-set on `next_fire_at`
 * (an UPDATE … WHERE next_fire_at = expected) plus the job insert, in one transaction: two
 * schedulers racing for one fire time serialize on the row lock, and the second finds
 * `next_fire_at` already moved on. The same transaction records the fire in `schedule_runs`
 * (migration 0014) and keeps the last 20 per schedule.
 */

import type {
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
import type { PgJobs } from "./jobs.js";
import type { PgStore, Tx } from "./store.js";

export class PgSchedules {
  constructor(
    private readonly store: PgStore,
    /** The enqueue's own insert, which fires use (keys, the strategy at the cap). */
    private readonly jobs: Pick<PgJobs, "insertEach">,
  ) {}

  private get sql() {
    return this.store.sql;
  }

  async upsert(params: ScheduleUpsertParams): Promise<ScheduleUpsertResult> {
    checkScheduleUpsert(params);
    // A no-op upsert (every app instance redefining its schedules at start) writes nothing.
    const [current] = await this.store.read((q) =>
      q<ScheduleRow>(this.sql.SCHEDULE_GET, { name: params.name }),
    );
    if (current && sameSchedule(current, params))
      return { schedule: toRecord(current), changed: false, created: false };
    return this.store.write("schedule upsert", async (tx) => {
      const fields = {
        name: params.name,
        spec: params.spec,
        trigger_key: params.triggerKey,
        anchor_at: params.anchorAt,
        next_fire_at: params.nextFireAt,
        now: tx.now,
      };
      let created = (await tx.q(this.sql.SCHEDULE_INSERT, { ...fields, paused: params.paused })).length > 0;
      if (!created) {
        const [old] = await tx.q<ScheduleRow>(this.sql.SCHEDULE_LOCK, { name: params.name });
        if (old && sameSchedule(old, params))
          return { schedule: toRecord(old), changed: false, created: false };
        if (old) {
          await tx.q(this.sql.SCHEDULE_UPDATE, {
            ...fields,
            retrigger: old.trigger_key !== params.triggerKey,
          });
        } else {
          // Removed between the insert and the lock: create it.
          created = true;
          await tx.q(this.sql.SCHEDULE_INSERT, { ...fields, paused: params.paused });
        }
      }
      tx.events.push(
        scheduleEvent("schedule:changed", params.name, tx.now, { change: created ? "created" : "updated" }),
      );
      const [row] = await tx.q<ScheduleRow>(this.sql.SCHEDULE_GET, { name: params.name });
      return { schedule: toRecord(row!), changed: true, created };
    });
  }

  async get(name: string): Promise<ScheduleRecord | null> {
    const [row] = await this.store.read((q) => q<ScheduleRow>(this.sql.SCHEDULE_GET, { name }));
    return row ? toRecord(row) : null;
  }

  async list(): Promise<ScheduleRecord[]> {
    return (await this.store.read((q) => q<ScheduleRow>(this.sql.SCHEDULE_LIST))).map(toRecord);
  }

  async remove(name: string): Promise<boolean> {
    return this.change(name, "removed", (tx) => tx.q(this.sql.SCHEDULE_DELETE, { name }));
  }

  async pause(name: string): Promise<boolean> {
    return this.change(name, "paused", (tx) => tx.q(this.sql.SCHEDULE_PAUSE, { name, now: tx.now }));
  }

  async resume({ name, nextFireAt }: ScheduleResumeParams): Promise<boolean> {
    return this.change(name, "resumed", (tx) =>
      tx.q(this.sql.SCHEDULE_RESUME, { name, next_fire_at: nextFireAt, now: tx.now }),
    );
  }

  async fire(params: ScheduleFireParams): Promise<ScheduleFireResult> {
    checkScheduleFire(params);
    if (params.job) checkNewJobs([params.job]);
    const { name, expectedFireAt, job } = params;
    return this.store.write("schedule fire", async (tx) => {
      let row: ScheduleRow | undefined;
      if (expectedFireAt === null) {
        // A manual run: no compare, only the job and last_job_id.
        [row] = await tx.q<ScheduleRow>(this.sql.SCHEDULE_LOCK, { name });
        if (!row) return { won: false, jobId: null, schedule: null };
      } else {
        // Decide the fire first; insert the job only if this caller won it.
        [row] = await tx.q<ScheduleRow>(this.sql.SCHEDULE_FIRE, {
          name,
          expected_fire_at: expectedFireAt,
          next_fire_at: params.nextFireAt,
          job_id: null,
          now: tx.now,
        });
        if (!row) {
          const [current] = await tx.q<ScheduleRow>(this.sql.SCHEDULE_GET, { name });
          return { won: false, jobId: null, schedule: current ? toRecord(current) : null };
        }
      }
      // The enqueue's own insert (keys, the strategy at the cap under the fair claims' lock):
      // an idempotency key that matched stands for the fire; a drop-newest drop makes it a
      // skipped fire.
      const ref = job ? (await this.jobs.insertEach(tx, [job])).jobs[0]! : null;
      const jobId = ref && !ref.dropped ? ref.id : null;
      const dropped = ref?.dropped === true;
      if (jobId !== null)
        [row] =
          expectedFireAt === null
            ? await tx.q<ScheduleRow>(this.sql.SCHEDULE_RUN_NOW, { name, job_id: jobId, now: tx.now })
            : await tx.q<ScheduleRow>(this.sql.SCHEDULE_FIRE_JOB, {
                name,
                fire_at: expectedFireAt,
                job_id: jobId,
                now: tx.now,
              });
      const run = scheduleRunOf(params, tx.now, jobId, dropped);
      await tx.q(this.sql.SCHEDULE_RUN_INSERT, {
        name,
        at: run.at,
        fire_at: run.fireAt,
        job_id: run.jobId,
        skipped: run.skipped,
      });
      await tx.q(this.sql.SCHEDULE_RUN_PRUNE, { name, keep: SCHEDULE_RUNS_KEPT });
      tx.events.push(firedEvent(params, tx.now, row?.next_fire_at ?? null, jobId, dropped));
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
    const rows = await this.store.read((q) =>
      q<ScheduleRunRow>(this.sql.SCHEDULE_RUN_LIST, { name: params.name, limit: params.limit }),
    );
    return rows.map(scheduleRunFromRow);
  }

  private async change(name: string, change: string, fn: (tx: Tx) => Promise<unknown[]>): Promise<boolean> {
    checkScheduleName(name);
    return this.store.write(`schedule ${change}`, async (tx) => {
      const done = (await fn(tx)).length > 0;
      if (done) tx.events.push(scheduleEvent("schedule:changed", name, tx.now, { change }));
      return done;
    });
  }
}
