/** Inserting new jobs one by one (keys, dependencies), on spool's connection or on the app's (`{ tx }`). */
import { NotFoundError } from "../../core/errors/index.js";
import type { NewJobFollowUps } from "../../core/follow-ups.js";
import type { JobState } from "../../core/types.js";
import type { BackendEvent, EnqueuedRef, JobEnqueueResult, NewJob } from "../backend.js";
import { activeStrategy, capVerdict, supersededReason } from "../cap-strategy.js";
import { dedupeVerdict, stateAfterRunAt } from "../dedupe-rule.js";
import { stateAtInsert } from "../shared.js";
import { countInserted } from "./counts.js";
import { jobRow } from "./rows.js";
import { alreadyExists, jobEvent, type SqliteStore } from "./store.js";

const EMPTY: readonly string[] = [];

/** The statements `insertEach` runs (on spool's connection, or on the app's in `{ tx }`). */
export type InsertStatements = Pick<
  SqliteStore["sql"],
  | "jobState"
  | "jobByKey"
  | "jobInsertRows"
  | "depInsert"
  | "jobMarkHasDependents"
  | "dedupeGet"
  | "dedupePut"
  | "jobDedupeUpdate"
  | "followUpInsert"
  | "stateCountsAdd"
>;

/**
 * The strategy at the cap (cap-strategy.ts), given only by `jobEnqueue` on spool's connection:
 * reads a cap group's live jobs, oldest first, and cancels one (with its cascade).
 */
export interface AtCap {
  live(task: string, key: string | null): string[];
  cancel(id: string, reason: string, events: BackendEvent[]): void;
}

/** Inside a transaction: inserts jobs one by one in batch order (keys, dependencies). */
export function insertEach(
  sql: InsertStatements,
  jobs: readonly NewJob[],
  now: number,
  events: BackendEvent[],
  atCap?: AtCap,
): JobEnqueueResult {
  const out: JobEnqueueResult["jobs"] = [];
  // Ids of this batch seen so far: a job may depend on jobs *earlier* in the batch.
  const earlier = new Set<string>();
  const batchKeys = new Map<string, { id: string; state: JobState }>();
  // A job deduplicated by its key stands for the existing job in later jobs' dependsOn.
  const alias = new Map<string, string>();
  for (const job of jobs) {
    for (const dep of job.dependsOn) {
      if (!earlier.has(dep) && !sql.jobState.get({ id: dep })) throw new NotFoundError("job", dep);
    }
    earlier.add(job.id);
    if (job.key !== null) {
      const k = `${job.task}\0${job.key}`;
      const existing = batchKeys.get(k) ?? sql.jobByKey.get({ task: job.task, key: job.key });
      if (existing) {
        if (sql.jobState.get({ id: job.id })) throw alreadyExists(job.id);
        out.push({ id: existing.id, state: existing.state, created: false });
        alias.set(job.id, existing.id);
        continue;
      }
    }
    if (job.dedupe) {
      const matched = matchDedupe(sql, job, now, events);
      if (matched) {
        if (sql.jobState.get({ id: job.id })) throw alreadyExists(job.id);
        out.push(matched);
        alias.set(job.id, matched.id);
        continue;
      }
    }
    let deps = EMPTY;
    let pending = 0;
    let doomed = false;
    if (job.dependsOn.length > 0) {
      deps = [...new Set(job.dependsOn.map((d) => alias.get(d) ?? d))];
      for (const dep of deps) {
        const parent = sql.jobState.get({ id: dep })?.state;
        if (parent !== "completed") pending++;
        if (parent === "failed" || parent === "cancelled") doomed = true;
      }
    }
    const state = stateAtInsert(doomed, pending, job.runAt, now);
    const strategy = atCap ? activeStrategy(job, state === "queued") : null;
    if (strategy) {
      const c = job.flow!.concurrency!;
      // Read per job, not per batch: earlier jobs of this batch (and their cancels) count.
      const live = atCap!.live(job.task, c.keyed ? job.flow!.key : null).map((id) => ({ id }));
      const verdict = capVerdict(strategy, c.limit, live);
      if (verdict.kind === "drop") {
        if (sql.jobState.get({ id: job.id })) throw alreadyExists(job.id);
        out.push({ id: job.id, state: "cancelled", created: false, dropped: true });
        continue;
      }
      for (const id of verdict.cancel) atCap!.cancel(id, supersededReason(job.id), events);
    }
    try {
      sql.jobInsertRows.run({
        now,
        workflow_id: null,
        jobs: JSON.stringify([jobRow(job, state, deps, pending)]),
      });
      countInserted(sql, [{ queue: job.queue, state }]);
    } catch (error) {
      if ((error as { code?: string }).code === "SQLITE_CONSTRAINT_PRIMARYKEY") throw alreadyExists(job.id);
      throw error;
    }
    for (const dep of deps) {
      sql.depInsert.run({ parent_id: dep, child_id: job.id });
      sql.jobMarkHasDependents.run({ id: dep });
    }
    if (job.key !== null) batchKeys.set(`${job.task}\0${job.key}`, { id: job.id, state });
    if (job.followUps) storeFollowUps(sql, job.id, job.followUps);
    if (job.dedupe) sql.dedupePut.run({ task: job.task, key: job.dedupe.key, job_id: job.id, first_at: now });
    out.push({ id: job.id, state, created: true });
    events.push(jobEvent("job:enqueued", job.id, job.queue, now, state));
  }
  return { jobs: out };
}

/**
 * Durable follow-ups (follow-ups.ts): stores `parentId`'s templates and marks it has_dependents,
 * so the writes that record its outcome look for them.
 */
export function storeFollowUps(sql: InsertStatements, parentId: string, followUps: NewJobFollowUps): void {
  if (followUps.completed)
    sql.followUpInsert.run({
      parent_id: parentId,
      outcome: "completed",
      job: JSON.stringify(followUps.completed),
    });
  if (followUps.failed)
    sql.followUpInsert.run({ parent_id: parentId, outcome: "failed", job: JSON.stringify(followUps.failed) });
  sql.jobMarkHasDependents.run({ id: parentId });
}

/** The job a dedupe window matched (returned, or updated by debounce/replace), or null: create. */
function matchDedupe(
  sql: InsertStatements,
  job: NewJob,
  now: number,
  events: BackendEvent[],
): EnqueuedRef | null {
  const d = job.dedupe!;
  const row = sql.dedupeGet.get({ task: job.task, key: d.key });
  const entry = row ? { jobId: row.job_id, firstAt: row.first_at } : null;
  const verdict = dedupeVerdict(d, entry, row?.state ?? null, job.runAt, now);
  if (verdict.kind === "create" || !row?.state) return null;
  let state = row.state;
  if (verdict.kind === "update") {
    const runAt = verdict.runAt;
    const updated = sql.jobDedupeUpdate.get({
      id: row.job_id,
      input: job.input,
      run_at: runAt,
      state: runAt === null ? null : stateAfterRunAt(state, runAt, now),
      now,
    });
    if (!updated) return null;
    state = updated.state;
    events.push(
      jobEvent("job:updated", row.job_id, row.queue ?? job.queue, now, state, {
        input: true,
        dedupe: d.mode,
      }),
    );
  }
  return { id: row.job_id, state, created: false, deduplicated: true };
}
