/**
 * SQLite backend, move section (seam/move.ts): each call is one write transaction. The
 * statements are prepared on first use (a store that never takes part in a move pays nothing).
 */
import type Database from "better-sqlite3";
import type { JobRecord, JobState } from "../../core/types.js";
import type { ScheduleRecord } from "../backend.js";
import {
  carriedFollowUps,
  carriedOf,
  checkImport,
  checkMoveDelete,
  checkMoveTake,
  dedupeByJob,
  followUpsByJob,
  keepsState,
  type MoveLink,
  moveInsertColumns,
  moveTakeBlocked,
  moveTakeNeeds,
  placeImported,
  scheduleImportColumns,
  workflowImportColumns,
} from "../move-shared.js";
import {
  type JobImportParams,
  type JobImportResult,
  type JobMoveDeleteParams,
  type JobMoveDeleteResult,
  type JobMoveTakeParams,
  type JobMoveTakeResult,
  MOVE_LEASE_UNTIL,
  type MovedJob,
  type ScheduleImportResult,
} from "../seam/move.js";
import { scheduleEvent } from "../shared-schedules.js";
import { countInserted } from "./counts.js";
import * as SQL from "./generated/sql.js";
import { storeFollowUps } from "./insert.js";
import { type JobRow, toRecord } from "./rows.js";
import { jobEvent, type SqliteStore } from "./store.js";

type Removed = { queue: string; state: JobState; has_dependents: number; has_dependencies: number };
type CarriedRow = JobRow & { spawn_policy: string | null; flow: string | null };
type DedupeRow = { job_id: string; key: string; first_at: number };
type FollowUpRow = { parent_id: string; outcome: string; job: string };

function prepare(db: Database.Database) {
  return {
    take: db.prepare<[Record<string, unknown>], { id: string }>(SQL.MOVE_TAKE),
    read: db.prepare<[Record<string, unknown>], CarriedRow>(SQL.JOB_GET_MANY),
    readDedupe: db.prepare<[Record<string, unknown>], DedupeRow>(SQL.MOVE_READ_DEDUPE),
    readFollowUps: db.prepare<[Record<string, unknown>], FollowUpRow>(SQL.MOVE_READ_FOLLOW_UPS),
    dedupeImport: db.prepare<[Record<string, unknown>]>(SQL.MOVE_DEDUPE_IMPORT),
    insert: db.prepare<[Record<string, unknown>]>(SQL.MOVE_INSERT),
    place: db.prepare<[Record<string, unknown>]>(SQL.MOVE_PLACE),
    remove: db.prepare<[Record<string, unknown>], Removed>(SQL.MOVE_DELETE),
    workflowImport: db.prepare<[Record<string, unknown>]>(SQL.WORKFLOW_IMPORT),
    workflowDelete: db.prepare<[Record<string, unknown>]>(SQL.WORKFLOW_DELETE),
    scheduleImport: db.prepare<[Record<string, unknown>]>(SQL.SCHEDULE_IMPORT),
  };
}

const prepared = new WeakMap<SqliteStore, ReturnType<typeof prepare>>();
function stmts(s: SqliteStore) {
  let out = prepared.get(s);
  if (!out) prepared.set(s, (out = prepare(s.db)));
  return out;
}

export async function jobMoveTake(s: SqliteStore, params: JobMoveTakeParams): Promise<JobMoveTakeResult> {
  checkMoveTake(params);
  const q = stmts(s);
  const { now } = s.time();
  return s.write("move take", now, () => {
    const rows = new Map<string, JobRow>();
    for (const id of params.ids) {
      const row = s.sql.jobGet.get({ id });
      if (row) rows.set(id, row);
    }
    const blocked = moveTakeBlocked(params.ids, (id) => rows.get(id)?.state);
    if (blocked.length > 0) return { taken: [], blocked, needs: [] };
    const links: MoveLink[] = [];
    for (const [of, row] of rows) {
      const parents = row.depends_on === "[]" ? [] : (JSON.parse(row.depends_on) as string[]);
      const children = row.has_dependents
        ? s.sql.depsChildren.all({ parent_id: of }).map((r) => r.child_id)
        : [];
      for (const id of [...parents, ...children]) links.push({ id, of });
    }
    const needs = moveTakeNeeds(params.ids, links, (id) => s.sql.jobState.get({ id })?.state);
    if (needs.length > 0) return { taken: [], blocked: [], needs };
    const taken: JobRecord[] = [];
    for (const [id, row] of rows) {
      q.take.get({ id, worker_id: params.workerId, token: params.token, until: MOVE_LEASE_UNTIL, now });
      taken.push(toRecord(row));
    }
    return { taken, blocked: [], needs: [] };
  });
}

export async function jobMoveRead(s: SqliteStore, ids: string[]): Promise<MovedJob[]> {
  const q = stmts(s);
  // One read transaction, so the rows and their dedupe entries are of one moment.
  return s.db.transaction(() => {
    const json = JSON.stringify(ids);
    const rows = new Map(q.read.all({ ids: json }).map((r) => [r.id, r]));
    const dedupe = dedupeByJob(q.readDedupe.all({ ids: json }));
    const followUps = followUpsByJob(q.readFollowUps.all({ ids: json }));
    const out: MovedJob[] = [];
    for (const id of ids) {
      const r = rows.get(id);
      if (r) out.push({ ...toRecord(r), carried: carriedOf(r, dedupe.get(id), followUps.get(id)) });
    }
    return out;
  })();
}

export async function jobImport(s: SqliteStore, params: JobImportParams): Promise<JobImportResult> {
  checkImport(params);
  const q = stmts(s);
  const { now } = s.time();
  return s.write("move import", now, (events) => {
    const out: JobImportResult = { inserted: [], existing: [], conflicts: [] };
    const added: MovedJob[] = [];
    for (const job of params.jobs) {
      if (s.sql.jobState.get({ id: job.id })) {
        out.existing.push(job.id);
        continue;
      }
      if (job.key !== null && s.sql.jobByKey.get({ task: job.task, key: job.key })) {
        out.conflicts.push(job.id);
        continue;
      }
      const columns = moveInsertColumns(job);
      q.insert.run({ ...columns, depends_on: JSON.stringify(columns.depends_on) });
      countInserted(s.sql, [{ queue: columns.queue, state: columns.state }]);
      for (const d of job.carried?.dedupe ?? [])
        q.dedupeImport.run({ task: job.task, key: d.key, job_id: job.id, first_at: d.firstAt });
      // Templates as at enqueue: the job is marked has_dependents, so its outcome takes them.
      const followUps = carriedFollowUps(job.carried);
      if (followUps) storeFollowUps(s.sql, job.id, followUps);
      added.push(job);
      out.inserted.push(job.id);
    }
    // Links once the whole batch is in, so parents may come after their children.
    for (const job of added) {
      if (keepsState(job.state)) continue;
      const parentStates = job.dependsOn.map((d) => s.sql.jobState.get({ id: d })?.state);
      const { state, pending, linkTo } = placeImported(
        job,
        job.carried?.spawnPolicy ?? null,
        parentStates,
        now,
      );
      for (const dep of linkTo) {
        s.sql.depInsert.run({ parent_id: dep, child_id: job.id });
        s.sql.jobMarkHasDependents.run({ id: dep });
      }
      q.place.run({ id: job.id, state, pending, now });
      events.push(jobEvent("job:enqueued", job.id, job.queue, now, state, { moved: true }));
    }
    for (const wf of params.workflows) q.workflowImport.run(workflowImportColumns(wf));
    return out;
  });
}

export async function jobMoveDelete(
  s: SqliteStore,
  params: JobMoveDeleteParams,
): Promise<JobMoveDeleteResult> {
  checkMoveDelete(params);
  const q = stmts(s);
  const { now } = s.time();
  return s.write("move delete", now, (events) => {
    const out: JobMoveDeleteResult = { removed: [], skipped: [] };
    for (const id of params.ids) {
      const row = q.remove.get({ id, token: params.token });
      if (!row) {
        out.skipped.push(id);
        continue;
      }
      s.forget(id, row);
      out.removed.push(id);
      events.push(jobEvent("job:removed", id, row.queue, now, row.state, { moved: true }));
    }
    for (const id of params.workflows) q.workflowDelete.run({ id });
    return out;
  });
}

export async function scheduleImport(
  s: SqliteStore,
  schedule: ScheduleRecord,
): Promise<ScheduleImportResult> {
  const q = stmts(s);
  const { now } = s.time();
  return s.write("schedule import", now, (events) => {
    const columns = scheduleImportColumns(schedule);
    const { changes } = q.scheduleImport.run({ ...columns, paused: columns.paused ? 1 : 0 });
    if (changes > 0)
      events.push(scheduleEvent("schedule:changed", schedule.name, now, { change: "created" }));
    return { created: changes > 0 };
  });
}
