/** SQLite backend, jobs section: enqueue, claim, complete, fail, release (one transaction each). */
import { NotFoundError } from "../../core/errors/index.js";
import { newLeaseToken } from "../../core/ids.js";
import type { JobState, LeasedJob } from "../../core/types.js";
import type {
  JobClaimParams,
  JobClaimResult,
  JobCompleteParams,
  JobEnqueueParams,
  JobEnqueueResult,
  JobFailParams,
  JobFailResult,
  JobReleaseParams,
  NewJob,
  TransitionResult,
} from "../backend.js";
import { checkClaimLimit, checkNewJobs, claimOrder, stateAtInsert } from "../shared.js";
import { shiftRunAt } from "../store-clock.js";
import { claimRoom, claimTook } from "./flow.js";
import { jobRow, toLeased } from "./rows.js";
import { alreadyExists, jobEvent, type SqliteStore } from "./store.js";

const EMPTY: readonly string[] = [];

export async function jobEnqueue(s: SqliteStore, params: JobEnqueueParams): Promise<JobEnqueueResult> {
  checkNewJobs(params.jobs);
  if (params.jobs.length === 0) return { jobs: [] };
  const { now, skew } = s.time();
  // runAt is in the caller's frame: judge it on the store's clock.
  const jobs = shiftRunAt(params.jobs, skew);
  if (jobs.length > 1 && jobs.every((j) => j.key === null && j.dependsOn.length === 0))
    return enqueueSimple(s, jobs, now);
  return s.write("enqueue", now, (events) => {
    const sql = s.sql;
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
      try {
        sql.jobInsertRows.run({
          now,
          workflow_id: null,
          jobs: JSON.stringify([jobRow(job, state, deps, pending)]),
        });
      } catch (error) {
        if ((error as { code?: string }).code === "SQLITE_CONSTRAINT_PRIMARYKEY") throw alreadyExists(job.id);
        throw error;
      }
      for (const dep of deps) {
        sql.depInsert.run({ parent_id: dep, child_id: job.id });
        sql.jobMarkHasDependents.run({ id: dep });
      }
      if (job.key !== null) batchKeys.set(`${job.task}\0${job.key}`, { id: job.id, state });
      out.push({ id: job.id, state, created: true });
      events.push(jobEvent("job:enqueued", job.id, job.queue, now, state));
    }
    return { jobs: out };
  });
}

/** Bulk path: no keys, no dependencies, so no per-job lookups: one INSERT … SELECT for the batch. */
async function enqueueSimple(
  s: SqliteStore,
  jobs: readonly NewJob[],
  now: number,
): Promise<JobEnqueueResult> {
  const out: JobEnqueueResult["jobs"] = [];
  const rows: unknown[] = [];
  const states: JobState[] = [];
  for (const job of jobs) {
    const state = stateAtInsert(false, 0, job.runAt, now);
    states.push(state);
    rows.push(jobRow(job, state));
    out.push({ id: job.id, state, created: true });
  }
  try {
    return await s.write("enqueue", now, (events) => {
      s.sql.jobInsertRows.run({ now, workflow_id: null, jobs: JSON.stringify(rows) });
      jobs.forEach((job, i) => {
        events.push(jobEvent("job:enqueued", job.id, job.queue, now, states[i]!));
      });
      return { jobs: out };
    });
  } catch (error) {
    if ((error as { cause?: { code?: string } }).cause?.code !== "SQLITE_CONSTRAINT_PRIMARYKEY") throw error;
    // Rolled back; name the first id that already exists.
    const taken = await s.read(() => jobs.find((job) => s.sql.jobState.get({ id: job.id })));
    throw alreadyExists(taken?.id ?? jobs[0]!.id);
  }
}

export async function jobClaim(s: SqliteStore, params: JobClaimParams): Promise<JobClaimResult> {
  checkClaimLimit(params.limit);
  const { now, skew } = s.time();
  const token = newLeaseToken();
  const { limit, workerId } = params;
  const tasks = params.tasks ? JSON.stringify(params.tasks) : null;
  return s.write("claim", now, (events) => {
    const sql = s.sql;
    const claimed: LeasedJob[] = [];
    let nextRunAt: number | null = null;
    let limited = false;
    // Queue by queue, in the order given (as the memory backend does); one statement claims
    // the whole remaining batch of a queue.
    for (const queue of params.queues) {
      if (sql.queuePaused.get({ queue })?.paused) continue;
      sql.jobPromoteDue.run({ queue, now });
      const gate = claimRoom(s, queue, limit - claimed.length, now);
      const room = gate.room;
      if (room < limit - claimed.length) limited = true;
      if (gate.retryAt !== null && (nextRunAt === null || gate.retryAt < nextRunAt)) nextRunAt = gate.retryAt;
      if (room > 0) {
        const args = { queue, limit: room, now, token, worker_id: workerId, lease_ms: params.leaseMs };
        const rows = tasks === null ? sql.jobClaim.all(args) : sql.jobClaimTasks.all({ ...args, tasks });
        for (const row of rows) claimed.push(toLeased(row, sql.jobClaimColumns));
        claimTook(s, queue, gate.row, rows.length, now);
      }
      if (claimed.length < limit) {
        const next = sql.jobNextRunAt.get({ queue })?.run_at ?? null;
        if (next !== null && (nextRunAt === null || next < nextRunAt)) nextRunAt = next;
      }
    }
    // Claims sort across queues by the same order a single queue uses.
    claimed.sort(claimOrder);
    for (const job of claimed) {
      // Handed back in the caller's frame: it times its renewals on its own clock.
      job.leaseExpiresAt -= skew;
      events.push(
        jobEvent("job:started", job.id, job.queue, now, "running", { attempt: job.attempt, workerId }),
      );
    }
    return {
      jobs: claimed,
      nextRunAt: claimed.length < limit && nextRunAt !== null ? nextRunAt - skew : null,
      ...(limited ? { limited } : {}),
    };
  });
}

export async function jobComplete(s: SqliteStore, { jobs }: JobCompleteParams): Promise<TransitionResult> {
  const { now } = s.time();
  return s.write("complete", now, (events) => {
    const ok: string[] = [];
    const refused: string[] = [];
    const done = (id: string, row: { queue: string; attempt: number; has_dependents: number }) => {
      ok.push(id);
      events.push(jobEvent("job:completed", id, row.queue, now, "completed", { attempt: row.attempt }));
      if (row.has_dependents) s.releaseDependents(id, now, events);
    };
    if (jobs.length > 1 && new Set(jobs.map((j) => j.id)).size === jobs.length) {
      // One statement for the whole batch; results come back unordered, so map them by id.
      const rows = s.sql.jobCompleteMany.all({
        now,
        jobs: JSON.stringify(jobs.map((j) => [j.id, j.token, j.result])),
      });
      const byId = new Map(rows.map((r) => [r.id, r]));
      for (const { id } of jobs) {
        const row = byId.get(id);
        if (row) done(id, row);
        else refused.push(id);
      }
    } else {
      // A single job, or repeated ids (the first use of a lease wins, as in memory).
      for (const { id, token, result } of jobs) {
        const row = s.sql.jobComplete.get({ id, token, result, now });
        if (row) done(id, row);
        else refused.push(id);
      }
    }
    return { ok, refused };
  });
}

export async function jobFail(s: SqliteStore, { jobs }: JobFailParams): Promise<JobFailResult> {
  const { now, skew } = s.time();
  return s.write("fail", now, (events) => {
    const out: JobFailResult = { retried: [], failed: [], refused: [] };
    for (const { id, token, error, retryAt } of jobs) {
      const row = s.sql.jobFail.get({
        id,
        token,
        error: JSON.stringify(error),
        retry_at: retryAt === null ? null : retryAt + skew,
        now,
      });
      if (!row) {
        out.refused.push(id);
        continue;
      }
      if (row.state === "failed") {
        out.failed.push(id);
        events.push(jobEvent("job:failed", id, row.queue, now, "failed", { attempt: row.attempt, error }));
        s.failed(id, row.has_dependents, now, events);
      } else {
        out.retried.push(id);
        events.push(
          jobEvent("job:retried", id, row.queue, now, row.state, {
            attempt: row.attempt,
            runAt: row.run_at,
            error,
          }),
        );
      }
    }
    return out;
  });
}

export async function jobRelease(s: SqliteStore, { leases }: JobReleaseParams): Promise<TransitionResult> {
  const { now } = s.time();
  return s.write("release", now, (events) => {
    const ok: string[] = [];
    const refused: string[] = [];
    for (const { id, token } of leases) {
      const row = s.sql.jobRelease.get({ id, token, now });
      if (!row) {
        refused.push(id);
        continue;
      }
      ok.push(id);
      events.push(jobEvent("job:released", id, row.queue, now, "queued"));
    }
    return { ok, refused };
  });
}
