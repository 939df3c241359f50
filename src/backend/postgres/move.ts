/**
 * PostgreSQL backend, move section (seam/move.ts): each call is one transaction. The take locks
 * its batch (FOR UPDATE, in id order) before it checks states, so a worker's claim either took a
 * job first (the take refuses it) or finds it `running` under the mover afterwards.
 */
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
import { storeFollowUps } from "./follow-ups.js";
import { type JobRow, jobEvent, toRecord } from "./rows.js";
import type { PgStore } from "./store.js";

type CarriedRow = JobRow & { spawn_policy: string | null; flow: string | null };

export async function jobMoveTake(s: PgStore, params: JobMoveTakeParams): Promise<JobMoveTakeResult> {
  checkMoveTake(params);
  if (params.ids.length === 0) return { taken: [], blocked: [], needs: [] };
  return s.write("move take", async (tx) => {
    const rows = await tx.q<JobRow>(s.sql.MOVE_LOCK, { ids: params.ids });
    const byId = new Map(rows.map((r) => [r.id, r]));
    const blocked = moveTakeBlocked(params.ids, (id) => byId.get(id)?.state);
    if (blocked.length > 0) return { taken: [], blocked, needs: [] };
    const batch = new Set(params.ids);
    const links: MoveLink[] = [];
    for (const row of rows) for (const id of row.depends_on) links.push({ id, of: row.id });
    const edges = await tx.q<{ parent_id: string; child_id: string }>(s.sql.MOVE_CHILDREN, {
      ids: params.ids,
    });
    for (const e of edges) links.push({ id: e.child_id, of: e.parent_id });
    // The relatives' states in one read (those in the batch are known to be not started).
    const outside = [...new Set(links.map((l) => l.id).filter((id) => !batch.has(id)))];
    const states = new Map<string, JobState>();
    if (outside.length > 0) {
      const found = await tx.q<{ id: string; state: JobState }>(s.sql.JOB_STATES, { ids: outside });
      for (const r of found) states.set(r.id, r.state);
    }
    const needs = moveTakeNeeds(params.ids, links, (id) => states.get(id));
    if (needs.length > 0) return { taken: [], blocked: [], needs };
    await tx.q(s.sql.MOVE_TAKE, {
      ids: params.ids,
      worker_id: params.workerId,
      token: params.token,
      until: MOVE_LEASE_UNTIL,
      now: tx.now,
    });
    const taken: JobRecord[] = params.ids.map((id) => toRecord(byId.get(id)!));
    return { taken, blocked: [], needs: [] };
  });
}

export async function jobMoveRead(s: PgStore, ids: string[]): Promise<MovedJob[]> {
  if (ids.length === 0) return [];
  return s.read(async (q) => {
    const rows = await q<CarriedRow>(s.sql.MOVE_READ, { ids });
    const dedupe = dedupeByJob(
      await q<{ job_id: string; key: string; first_at: string }>(s.sql.MOVE_READ_DEDUPE, { ids }),
    );
    const followUps = followUpsByJob(
      await q<{ parent_id: string; outcome: string; job: string }>(s.sql.MOVE_READ_FOLLOW_UPS, { ids }),
    );
    return rows.map((r) => ({
      ...toRecord(r),
      carried: carriedOf(r, dedupe.get(r.id), followUps.get(r.id)),
    }));
  });
}

export async function jobImport(s: PgStore, params: JobImportParams): Promise<JobImportResult> {
  checkImport(params);
  return s.write("move import", async (tx) => {
    const out: JobImportResult = { inserted: [], existing: [], conflicts: [] };
    const added: MovedJob[] = [];
    for (const job of params.jobs) {
      const [row] = await tx.q<{ id: string }>(s.sql.MOVE_INSERT, moveInsertColumns(job));
      if (row) {
        // Templates as at enqueue: the job is marked has_dependents, so its outcome takes them.
        const followUps = carriedFollowUps(job.carried);
        if (followUps) await storeFollowUps(s.sql, tx, { id: job.id, followUps });
        added.push(job);
        out.inserted.push(job.id);
        continue;
      }
      const [found] = await tx.q<{ id: string }>(s.sql.JOB_STATES, { ids: [job.id] });
      (found ? out.existing : out.conflicts).push(job.id);
    }
    const entries = added.flatMap((j) => (j.carried?.dedupe ?? []).map((d) => ({ job: j, ...d })));
    if (entries.length > 0)
      await tx.q(s.sql.MOVE_DEDUPE_IMPORT, {
        tasks: entries.map((e) => e.job.task),
        keys: entries.map((e) => e.key),
        job_ids: entries.map((e) => e.job.id),
        first_ats: entries.map((e) => e.firstAt),
      });
    // Links once the whole batch is in, so parents may come after their children. Parents are
    // locked (job-lock-parents.sql) so one completing now either finished first or finds the edge.
    for (const job of added) {
      if (keepsState(job.state)) continue;
      const states = new Map<string, JobState>();
      if (job.dependsOn.length > 0) {
        const rows = await tx.q<{ id: string; state: JobState }>(s.sql.JOB_LOCK_PARENTS, {
          ids: job.dependsOn,
        });
        for (const r of rows) states.set(r.id, r.state);
      }
      const parentStates = job.dependsOn.map((d) => states.get(d));
      const placed = placeImported(job, job.carried?.spawnPolicy ?? null, parentStates, tx.now);
      const parents = placed.linkTo;
      if (parents.length > 0) await tx.q(s.sql.DEPS_INSERT, { parents, children: parents.map(() => job.id) });
      await tx.q(s.sql.MOVE_PLACE, { id: job.id, state: placed.state, pending: placed.pending, now: tx.now });
      tx.events.push(jobEvent("job:enqueued", job.id, job.queue, tx.now, placed.state, { moved: true }));
    }
    for (const wf of params.workflows) await tx.q(s.sql.WORKFLOW_IMPORT, workflowImportColumns(wf));
    return out;
  });
}

export async function jobMoveDelete(s: PgStore, params: JobMoveDeleteParams): Promise<JobMoveDeleteResult> {
  checkMoveDelete(params);
  return s.write("move delete", async (tx) => {
    const out: JobMoveDeleteResult = { removed: [], skipped: [] };
    for (const id of params.ids) {
      const [row] = await tx.q<{
        queue: string;
        state: JobState;
        has_dependents: boolean;
        has_dependencies: boolean;
      }>(s.sql.MOVE_DELETE, { id, token: params.token });
      if (!row) {
        out.skipped.push(id);
        continue;
      }
      await tx.q(s.sql.JOB_LOGS_DELETE, { job_id: id });
      if (row.has_dependents || row.has_dependencies) await tx.q(s.sql.DEPS_DELETE, { id });
      out.removed.push(id);
      tx.events.push(jobEvent("job:removed", id, row.queue, tx.now, row.state, { moved: true }));
    }
    if (params.workflows.length > 0) await tx.q(s.sql.WORKFLOW_DELETE, { ids: params.workflows });
    return out;
  });
}

export async function scheduleImport(s: PgStore, schedule: ScheduleRecord): Promise<ScheduleImportResult> {
  return s.write("schedule import", async (tx) => {
    const rows = await tx.q<{ name: string }>(s.sql.SCHEDULE_IMPORT, scheduleImportColumns(schedule));
    if (rows.length > 0)
      tx.events.push(scheduleEvent("schedule:changed", schedule.name, tx.now, { change: "created" }));
    return { created: rows.length > 0 };
  });
}
