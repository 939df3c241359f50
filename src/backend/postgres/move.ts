/**
 * PostgreSQL backend, move section (seam/move.ts): each call is one transaction. The take locks
 * its batch (FOR UPDATE, in id order) before it checks states, so a worker's claim either took a
 * job first (the take refuses it) or finds it `running` under the mover afterwards.
 */
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
import { type JobRow, jobEvent, toRecord } from "./rows.js";
import type { PgStore } from "./store.js";

const notStarted = (state: JobState | undefined) =>
  state !== undefined && (NOT_STARTED_STATES as readonly string[]).includes(state);
const unfinished = (state: JobState | undefined) => state !== undefined && !FINAL_STATES.has(state);

export async function jobMoveTake(s: PgStore, params: JobMoveTakeParams): Promise<JobMoveTakeResult> {
  checkMoveTake(params);
  if (params.ids.length === 0) return { taken: [], blocked: [], needs: [] };
  return s.write("move take", async (tx) => {
    const rows = await tx.q<JobRow>(s.sql.MOVE_LOCK, { ids: params.ids });
    const byId = new Map(rows.map((r) => [r.id, r]));
    const blocked = params.ids.filter((id) => !notStarted(byId.get(id)?.state));
    if (blocked.length > 0) return { taken: [], blocked, needs: [] };
    const batch = new Set(params.ids);
    const links: { id: string; of: string }[] = [];
    for (const row of rows)
      for (const dep of row.depends_on) if (!batch.has(dep)) links.push({ id: dep, of: row.id });
    const edges = await tx.q<{ parent_id: string; child_id: string }>(s.sql.MOVE_CHILDREN, {
      ids: params.ids,
    });
    for (const e of edges) if (!batch.has(e.child_id)) links.push({ id: e.child_id, of: e.parent_id });
    const states = new Map<string, JobState>();
    if (links.length > 0) {
      const found = await tx.q<{ id: string; state: JobState }>(s.sql.JOB_STATES, {
        ids: [...new Set(links.map((l) => l.id))],
      });
      for (const r of found) states.set(r.id, r.state);
    }
    const needs = links.filter((l) => unfinished(states.get(l.id)));
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

export async function jobImport(s: PgStore, params: JobImportParams): Promise<JobImportResult> {
  checkImport(params);
  return s.write("move import", async (tx) => {
    const out: JobImportResult = { inserted: [], existing: [], conflicts: [] };
    const added: JobRecord[] = [];
    for (const job of params.jobs) {
      const keep = keepsState(job.state);
      const [row] = await tx.q<{ id: string }>(s.sql.MOVE_INSERT, {
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
        depends_on: job.dependsOn,
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
      if (row) {
        added.push(job);
        out.inserted.push(job.id);
        continue;
      }
      const [found] = await tx.q<{ id: string }>(s.sql.JOB_STATES, { ids: [job.id] });
      (found ? out.existing : out.conflicts).push(job.id);
    }
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
      const { state, pending } = importedState(parentStates, job.runAt, tx.now);
      const parents = job.dependsOn.filter((_d, i) => unfinished(parentStates[i]));
      if (parents.length > 0) await tx.q(s.sql.DEPS_INSERT, { parents, children: parents.map(() => job.id) });
      await tx.q(s.sql.MOVE_PLACE, { id: job.id, state, pending, now: tx.now });
      tx.events.push(jobEvent("job:enqueued", job.id, job.queue, tx.now, state, { moved: true }));
    }
    for (const wf of params.workflows) {
      await tx.q(s.sql.WORKFLOW_IMPORT, {
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
    const rows = await tx.q<{ name: string }>(s.sql.SCHEDULE_IMPORT, {
      name: schedule.name,
      spec: schedule.spec,
      trigger_key: schedule.triggerKey,
      anchor_at: schedule.anchorAt,
      next_fire_at: schedule.nextFireAt,
      last_fire_at: schedule.lastFireAt,
      last_job_id: schedule.lastJobId,
      runs: schedule.runs,
      paused: schedule.paused,
      created_at: schedule.createdAt,
      updated_at: schedule.updatedAt,
    });
    if (rows.length > 0)
      tx.events.push(scheduleEvent("schedule:changed", schedule.name, tx.now, { change: "created" }));
    return { created: rows.length > 0 };
  });
}
