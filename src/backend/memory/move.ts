/** Memory backend, move section (seam/move.ts): take out of circulation, import by id, delete moved. */
import { FINAL_STATES, type JobRecord } from "../../core/types.js";
import type { BackendEvent } from "../backend.js";
import {
  carriedFollowUps,
  checkImport,
  checkMoveDelete,
  checkMoveTake,
  keepsState,
  type MoveLink,
  moveTakeBlocked,
  moveTakeNeeds,
  placeImported,
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
  type MoveDedupe,
  type MovedJob,
} from "../seam/move.js";
import type { MemoryStore, StoredJob } from "./store.js";

export async function jobMoveTake(s: MemoryStore, params: JobMoveTakeParams): Promise<JobMoveTakeResult> {
  checkMoveTake(params);
  const stateOf = (id: string) => s.jobs.get(id)?.state;
  const blocked = moveTakeBlocked(params.ids, stateOf);
  if (blocked.length > 0) return { taken: [], blocked, needs: [] };
  const links: MoveLink[] = [];
  for (const of of params.ids) {
    const job = s.jobs.get(of)!;
    for (const id of [...job.dependsOn, ...(s.dependents.get(of) ?? [])]) links.push({ id, of });
  }
  const needs = moveTakeNeeds(params.ids, links, stateOf);
  if (needs.length > 0) return { taken: [], blocked: [], needs };
  const now = s.clock.now();
  const taken: JobRecord[] = [];
  for (const id of params.ids) {
    const job = s.jobs.get(id)!;
    taken.push(s.snapshot(job));
    // Out of every heap (stale entries are skipped by version) and into `running` for good.
    job.version++;
    job.state = "running";
    job.workerId = params.workerId;
    job.leaseToken = params.token;
    job.leaseExpiresAt = MOVE_LEASE_UNTIL;
    job.updatedAt = now;
    s.running.add(id);
  }
  return { taken, blocked: [], needs: [] };
}

export async function jobMoveRead(s: MemoryStore, ids: string[]): Promise<MovedJob[]> {
  const wanted = new Set(ids);
  const dedupe = new Map<string, MoveDedupe[]>();
  for (const [field, entry] of s.dedupe) {
    if (!wanted.has(entry.jobId)) continue;
    const key = field.slice(field.indexOf("\0") + 1);
    dedupe.set(entry.jobId, [...(dedupe.get(entry.jobId) ?? []), { key, firstAt: entry.firstAt }]);
  }
  const out: MovedJob[] = [];
  for (const id of ids) {
    const job = s.jobs.get(id);
    if (!job) continue;
    const flow = job.flow === null ? null : structuredClone(job.flow);
    out.push({
      ...s.snapshot(job),
      carried: {
        spawnPolicy: job.spawnPolicy,
        flow,
        dedupe: dedupe.get(id) ?? [],
        followUps: job.followUps ? structuredClone(job.followUps) : null,
      },
    });
  }
  return out;
}

export async function jobImport(s: MemoryStore, params: JobImportParams): Promise<JobImportResult> {
  checkImport(params);
  const now = s.clock.now();
  const out: JobImportResult = { inserted: [], existing: [], conflicts: [] };
  const added: StoredJob[] = [];
  for (const { carried, ...rec } of params.jobs) {
    if (s.jobs.has(rec.id)) {
      out.existing.push(rec.id);
      continue;
    }
    const keyField = rec.key === null ? null : `${rec.task}\0${rec.key}`;
    if (keyField !== null && s.keys.has(keyField)) {
      out.conflicts.push(rec.id);
      continue;
    }
    const job: StoredJob = {
      ...rec,
      errors: rec.errors.map((e) => ({ ...e })),
      progress: rec.progress ? { ...rec.progress } : null,
      meta: { ...rec.meta },
      dependsOn: [...rec.dependsOn],
      workerId: keepsState(rec.state) ? rec.workerId : null,
      leaseExpiresAt: null,
      leaseToken: null,
      version: 0,
      spawnPolicy: carried?.spawnPolicy ?? null,
      flow: carried?.flow ? structuredClone(carried.flow) : null,
      followUps: structuredClone(carriedFollowUps(carried)),
      followUpMade: null,
      dedupeKey: carried?.dedupe?.[0]?.key ?? null,
    };
    delete job.limitKey;
    s.jobs.set(job.id, job);
    if (keyField !== null) s.keys.set(keyField, job.id);
    for (const d of carried?.dedupe ?? []) {
      const field = `${job.task}\0${d.key}`;
      const entry = s.dedupe.get(field);
      if (entry === undefined || !s.jobs.has(entry.jobId) || entry.jobId === job.id)
        s.dedupe.set(field, { jobId: job.id, firstAt: d.firstAt });
    }
    added.push(job);
    out.inserted.push(job.id);
  }
  // Links once every job of the batch is in, so parents may come after their children.
  const events: BackendEvent[] = [];
  for (const job of added) {
    if (keepsState(job.state)) continue;
    const parentStates = job.dependsOn.map((d) => s.jobs.get(d)?.state);
    const { state, pending, linkTo } = placeImported(job, job.spawnPolicy, parentStates, now);
    for (const dep of linkTo) {
      let set = s.dependents.get(dep);
      if (!set) s.dependents.set(dep, (set = new Set()));
      set.add(job.id);
    }
    job.state = state;
    job.pendingDependencies = pending;
    if (state === "cancelled") job.finishedAt = now;
    s.place(job);
    events.push(s.event("job:enqueued", job, now, { moved: true }));
  }
  const byWorkflow = new Map<string, string[]>();
  for (const job of added) {
    const wf = workflowIdOf(job);
    if (wf !== null) byWorkflow.set(wf, [...(byWorkflow.get(wf) ?? []), job.id]);
  }
  for (const record of params.workflows) s.workflows.importRecord(record, byWorkflow.get(record.id) ?? []);
  s.emit(events);
  return out;
}

export async function jobMoveDelete(
  s: MemoryStore,
  params: JobMoveDeleteParams,
): Promise<JobMoveDeleteResult> {
  checkMoveDelete(params);
  const now = s.clock.now();
  const out: JobMoveDeleteResult = { removed: [], skipped: [] };
  const events: BackendEvent[] = [];
  for (const id of params.ids) {
    const job = s.jobs.get(id);
    const held = job?.state === "running" && job.leaseToken === params.token;
    if (!job || !(held || FINAL_STATES.has(job.state))) {
      out.skipped.push(id);
      continue;
    }
    s.removeOne(job);
    out.removed.push(id);
    events.push(s.event("job:removed", job, now, { moved: true }));
  }
  for (const id of params.workflows) s.workflows.drop(id);
  s.emit(events);
  return out;
}
