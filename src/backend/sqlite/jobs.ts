/** SQLite backend, jobs section: enqueue, claim, complete, fail, release (one transaction each). */
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
import { completeInAppTransaction, enqueueInAppTransaction } from "./app-tx.js";
import { atCapOf } from "./at-cap.js";
import { countClaimed, countCompleted, countInserted } from "./counts.js";
import { toBackendError } from "./database.js";
import { claimRoom, claimTook } from "./flow.js";
import { claimFlow, flowPending } from "./flow-claim.js";
import { takeFollowUp } from "./follow-ups.js";
import { GroupCommit } from "./group-commit.js";
import { insertEach } from "./insert.js";
import { jobRow, toLeased } from "./rows.js";
import { alreadyExists, type Events, jobEvent, type SqliteStore } from "./store.js";

/**
 * Group-committed (group-commit.ts): concurrent calls share one transaction, each in its own
 * savepoint, and each settles once that transaction has committed.
 */
export async function jobEnqueue(s: SqliteStore, params: JobEnqueueParams): Promise<JobEnqueueResult> {
  checkNewJobs(params.jobs);
  if (params.jobs.length === 0) return { jobs: [] };
  s.assertOpen();
  const { now, skew } = s.time();
  // runAt is in the caller's frame: judge it on the store's clock.
  const jobs = shiftRunAt(params.jobs, skew);
  if (params.tx !== undefined) return enqueueInAppTransaction(s, params.tx, jobs, now);
  const group = enqueueGroup(s);
  if (
    jobs.every(
      (j) =>
        j.key === null &&
        j.dependsOn.length === 0 &&
        !j.dedupe &&
        !j.followUps &&
        !j.flow?.concurrency?.strategy,
    )
  )
    return group.submit((events) => ({ jobs: insertSimple(s, jobs, now, events) }), { jobs, now });
  return group.submit((events) => insertEach(s.sql, jobs, now, events, atCapOf(s, now)));
}

function enqueueGroup(s: SqliteStore): GroupCommit {
  s.enqueues ??= new GroupCommit({
    write: (fn) => s.write("enqueue", s.time().now, fn),
    savepoint: (fn) => s.savepoint(fn),
    toError: (error) => toBackendError(error, "SQLite enqueue failed"),
    insertMany: (jobs, now, events) => insertSimple(s, jobs, now, events),
  });
  return s.enqueues;
}

/**
 * Inside a transaction, bulk path: no keys, no dependencies, so no per-job lookups: one
 * INSERT … SELECT for the batch.
 */
function insertSimple(
  s: SqliteStore,
  jobs: readonly NewJob[],
  now: number,
  events: Events,
): JobEnqueueResult["jobs"] {
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
    s.sql.jobInsertRows.run({ now, workflow_id: null, jobs: JSON.stringify(rows) });
    countInserted(
      s.sql,
      jobs.map((job, i) => ({ queue: job.queue, state: states[i]! })),
    );
  } catch (error) {
    if ((error as { code?: string }).code !== "SQLITE_CONSTRAINT_PRIMARYKEY") throw error;
    // The statement was rolled back; name the first id that already exists.
    const taken = jobs.find((job) => s.sql.jobState.get({ id: job.id }));
    throw alreadyExists(taken?.id ?? jobs[0]!.id);
  }
  jobs.forEach((job, i) => {
    events.push(jobEvent("job:enqueued", job.id, job.queue, now, states[i]!));
  });
  return out;
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
      if (room > 0 && flowPending(s, queue, now)) {
        // Task and key limits, fairness between keys (flow-claim.ts).
        const flowArgs = { queue, room, tasks, now, token, workerId, leaseMs: params.leaseMs };
        const before = claimed.length;
        const flow = claimFlow(s, flowArgs, claimed);
        if (flow.limited) limited = true;
        if (flow.retryAt !== null && (nextRunAt === null || flow.retryAt < nextRunAt))
          nextRunAt = flow.retryAt;
        countClaimed(sql, queue, claimed.length - before);
        claimTook(s, queue, gate.row, claimed.length - before, now);
      } else if (room > 0) {
        const args = { queue, limit: room, now, token, worker_id: workerId, lease_ms: params.leaseMs };
        const rows = tasks === null ? sql.jobClaim.all(args) : sql.jobClaimTasks.all({ ...args, tasks });
        const write = { queue, workerId, token, now, leaseMs: params.leaseMs };
        for (const row of rows) claimed.push(toLeased(row, write));
        countClaimed(sql, queue, rows.length);
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

export async function jobComplete(
  s: SqliteStore,
  { jobs, tx }: JobCompleteParams,
): Promise<TransitionResult> {
  const { now } = s.time();
  if (tx !== undefined) return completeInAppTransaction(s, tx, jobs, now);
  return s.write("complete", now, (events) => {
    const ok: string[] = [];
    const refused: string[] = [];
    // Completions per queue: one counter update per queue and state for the batch (counts.ts).
    const perQueue = new Map<string, number>();
    // The result each completed job stored (a repeated id is refused after its first use).
    const results = new Map<string, string>();
    for (const j of jobs) if (!results.has(j.id)) results.set(j.id, j.result);
    const done = (id: string, row: { queue: string; attempt: number; has_dependents: number }) => {
      ok.push(id);
      perQueue.set(row.queue, (perQueue.get(row.queue) ?? 0) + 1);
      events.push(jobEvent("job:completed", id, row.queue, now, "completed", { attempt: row.attempt }));
      if (row.has_dependents) {
        s.releaseDependents(id, now, events);
        takeFollowUp(s.sql, id, "completed", results.get(id)!, now, events);
      }
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
    countCompleted(s.sql, perQueue);
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
        if (row.has_dependents) takeFollowUp(s.sql, id, "failed", JSON.stringify(error), now, events);
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
