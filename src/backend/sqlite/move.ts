/**
 * SQLite backend, move section (seam/move.ts): each call is one write transaction. The
 * statements are prepared on first use (a store that never takes part in a move pays nothing).
 */
import type Database from "better-sqlite3";
import { FINAL_STATES, type JobRecord, type JobState } from "../../core/types.js";
import type { ScheduleRecord } from "../backend.js";
import {
  checkImport,
  checkMoveDelete,
  checkMoveTake,
  importedState,
  keepsState,
  workflowIdOf,
} from "../move-shared.js";
import {
  type JobImportParams,
  type JobImportResult,
  type JobMoveDeleteParams,
  type JobMoveDeleteResult,
  type JobMoveTakeParams,
  type JobMoveTakeResult,
  MOVE_LEASE_UNTIL,
  type ScheduleImportResult,
} from "../seam/move.js";
import { scheduleEvent } from "../shared-schedules.js";
import { NOT_STARTED_STATES } from "../workflow-shared.js";
import * as SQL from "./generated/sql.js";
import { type JobRow, toRecord } from "./rows.js";
import { jobEvent, type SqliteStore } from "./store.js";

type Removed = { queue: string; state: JobState; has_dependents: number; has_dependencies: number };

function prepare(db: Database.Database) {
  return {
    take: db.prepare<[Record<string, unknown>], { id: string }>(SQL.MOVE_TAKE),
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

const notStarted = (state: JobState | undefined) =>
  state !== undefined && (NOT_STARTED_STATES as readonly string[]).includes(state);
const unfinished = (state: JobState | undefined) => state !== undefined && !FINAL_STATES.has(state);

export async function jobMoveTake(s: SqliteStore, params: JobMoveTakeParams): Promise<JobMoveTakeResult> {
  checkMoveTake(params);
  const q = stmts(s);
  const { now } = s.time();
  return s.write("move take", now, () => {
    const batch = new Set(params.ids);
    const rows = new Map<string, JobRow>();
    const blocked: string[] = [];
    for (const id of params.ids) {
      const row = s.sql.jobGet.get({ id });
      if (row && notStarted(row.state)) rows.set(id, row);
      else blocked.push(id);
    }
    if (blocked.length > 0) return { taken: [], blocked, needs: [] };
    const needs: JobMoveTakeResult["needs"] = [];
    const stateOf = (id: string) => s.sql.jobState.get({ id })?.state;
    for (const [id, row] of rows) {
      const parents = row.depends_on === "[]" ? [] : (JSON.parse(row.depends_on) as string[]);
      const children = row.has_dependents
        ? s.sql.depsChildren.all({ parent_id: id }).map((r) => r.child_id)
        : [];
      for (const rel of [...parents, ...children])
        if (!batch.has(rel) && unfinished(stateOf(rel))) needs.push({ id: rel, of: id });
    }
    if (needs.length > 0) return { taken: [], blocked: [], needs };
    const taken: JobRecord[] = [];
    for (const [id, row] of rows) {
      q.take.get({ id, worker_id: params.workerId, token: params.token, until: MOVE_LEASE_UNTIL, now });
      taken.push(toRecord(row));
    }
    return { taken, blocked: [], needs: [] };
  });
}

export async function jobImport(s: SqliteStore, params: JobImportParams): Promise<JobImportResult> {
  checkImport(params);
  const q = stmts(s);
  const { now } = s.time();
  return s.write("move import", now, (events) => {
    const out: JobImportResult = { inserted: [], existing: [], conflicts: [] };
    const added: JobRecord[] = [];
    for (const job of params.jobs) {
      if (s.sql.jobState.get({ id: job.id })) {
        out.existing.push(job.id);
        continue;
      }
      if (job.key !== null && s.sql.jobByKey.get({ task: job.task, key: job.key })) {
        out.conflicts.push(job.id);
        continue;
      }
      const keep = keepsState(job.state);
      q.insert.run({
        id: job.id,
        task: job.task,
        queue: job.queue,
        state: keep ? job.state : "waiting",
        priority: job.priority,
        run_at: job.runAt,
        attempt: job.attempt,
        max_attempts: job.maxAttempts,
        input: job.input,
        result: job.result,
        errors: JSON.stringify(job.errors),
        progress: job.progress === null ? null : JSON.stringify(job.progress),
        key: job.key,
        meta: JSON.stringify(job.meta),
        depends_on: JSON.stringify(job.dependsOn),
        pending_dependencies: job.pendingDependencies,
        lease_ms: job.leaseMs,
        timeout_ms: job.timeoutMs,
        worker_id: keep ? job.workerId : null,
        lease_expires_at: null,
        created_at: job.createdAt,
        started_at: job.startedAt,
        finished_at: keep ? job.finishedAt : null,
        updated_at: job.updatedAt,
        workflow_id: workflowIdOf(job),
      });
      added.push(job);
      out.inserted.push(job.id);
    }
    // Links once the whole batch is in, so parents may come after their children.
    for (const job of added) {
      if (keepsState(job.state)) continue;
      const parentStates = job.dependsOn.map((d) => s.sql.jobState.get({ id: d })?.state);
      const { state, pending } = importedState(parentStates, job.runAt, now);
      job.dependsOn.forEach((dep, i) => {
        if (!unfinished(parentStates[i])) return;
        s.sql.depInsert.run({ parent_id: dep, child_id: job.id });
        s.sql.jobMarkHasDependents.run({ id: dep });
      });
      q.place.run({ id: job.id, state, pending, now });
      events.push(jobEvent("job:enqueued", job.id, job.queue, now, state, { moved: true }));
    }
    for (const wf of params.workflows) {
      q.workflowImport.run({
        id: wf.id,
        name: wf.name,
        policy: wf.policy,
        state: wf.state,
        spec: wf.spec,
        total: wf.total,
        counts: wf.state === "running" ? null : JSON.stringify(wf.counts),
        created_at: wf.createdAt,
        finished_at: wf.finishedAt,
      });
    }
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
    const { changes } = q.scheduleImport.run({
      name: schedule.name,
      spec: schedule.spec,
      trigger_key: schedule.triggerKey,
      anchor_at: schedule.anchorAt,
      next_fire_at: schedule.nextFireAt,
      last_fire_at: schedule.lastFireAt,
      last_job_id: schedule.lastJobId,
      runs: schedule.runs,
      paused: schedule.paused ? 1 : 0,
      created_at: schedule.createdAt,
      updated_at: schedule.updatedAt,
    });
    if (changes > 0)
      events.push(scheduleEvent("schedule:changed", schedule.name, now, { change: "created" }));
    return { created: changes > 0 };
  });
}
