/**
 * The SQLite store: the memory backend's semantics, over one WAL file shared by every process
 * on the host. See index.ts for the design note and limits.
 *
 * Each method that writes runs exactly one `BEGIN IMMEDIATE` transaction: the write lock is
 * taken up front, so two processes never deadlock upgrading a read lock, and a busy writer is
 * waited for (busy_timeout) instead of failing. The change-feed row of a batch is written in the
 * same transaction as its transitions.
 */
import type Database from "better-sqlite3";
import type { Clock } from "../../core/clock.js";
import { BackendError, InvalidArgumentError, NotFoundError } from "../../core/errors/index.js";
import { newLeaseToken } from "../../core/ids.js";
import type { JobErrorRecord, JobLogLine, JobRecord, JobState, LeasedJob } from "../../core/types.js";
import {
  type Backend,
  type BackendCapabilities,
  type BackendEvent,
  type BackendEventListener,
  emptyCounts,
  type JobCancelParams,
  type JobCancelResult,
  type JobClaimParams,
  type JobClaimResult,
  type JobCompleteParams,
  type JobEnqueueParams,
  type JobEnqueueResult,
  type JobFailParams,
  type JobFailResult,
  type JobListParams,
  type JobLogParams,
  type JobPage,
  type JobProgressParams,
  type JobReleaseParams,
  type JobRemoveParams,
  type JobRemoveResult,
  type JobRetryParams,
  type LeaseRenewParams,
  type LeaseRenewResult,
  type LeaseRescueParams,
  type LeaseRescueResult,
  type NewJob,
  type QueueInfo,
  type RetentionPruneParams,
  type ScheduleFireParams,
  type ScheduleFireResult,
  type ScheduleRecord,
  type ScheduleResumeParams,
  type ScheduleUpsertParams,
  type ScheduleUpsertResult,
  type TransitionResult,
  type WorkerHeartbeatParams,
  type WorkerInfo,
  type WorkflowEnqueueParams,
  type WorkflowEnqueueResult,
  type WorkflowListParams,
  type WorkflowPage,
  type WorkflowRecord,
} from "../backend.js";
import {
  checkNewJobs,
  decodeCursor,
  encodeCursor,
  LEASE_EXPIRED_MESSAGE,
  listLimit,
  listStates,
} from "../shared.js";
import { SqliteAudit } from "./audit.js";
import { ChangeFeed } from "./change-feed.js";
import { migrateDatabase, openDatabase, toBackendError } from "./database.js";
import { GroupCommit } from "./group-commit.js";
import { type JobRow, toLeased, toRecord, toWorker } from "./rows.js";
import { SqliteSchedules } from "./schedules.js";
import { jobInsertParams, prepareStatements, type Statements } from "./statements.js";
import type { SqliteOptions } from "./url.js";
import { SqliteWorkflows } from "./workflows.js";

/** Log lines kept per job (oldest dropped first), as in the memory backend. */
export const LOG_LINES_MAX = 1000;

const EMPTY: readonly string[] = [];

type Events = BackendEvent[];

export class SqliteBackend implements Backend {
  readonly kind = "sqlite";
  readonly capabilities: BackendCapabilities = { crossProcess: true, notify: "watch", push: false };
  readonly file: string;

  private readonly db: Database.Database;
  private readonly sql: Statements;
  private readonly feed: ChangeFeed;
  private readonly txn: Database.Transaction<(fn: () => unknown) => unknown>;
  private readonly schedules: SqliteSchedules;
  private readonly workflows: SqliteWorkflows;
  private readonly enqueues: GroupCommit;
  private closed = false;

  constructor(
    readonly clock: Clock,
    options: SqliteOptions,
  ) {
    this.file = options.file;
    this.db = openDatabase(options);
    try {
      migrateDatabase(this.db, clock.now());
      // jobList's search matches case-insensitively the way String.toLowerCase does (SQLite's
      // lower() folds ASCII only).
      this.db.function("spool_contains_ci", { deterministic: true }, (hay, needle) =>
        String(hay).toLowerCase().includes(String(needle)) ? 1 : 0,
      );
      this.sql = prepareStatements(this.db);
    } catch (error) {
      this.db.close();
      throw toBackendError(error, `cannot prepare the SQLite database ${options.file}`);
    }
    this.txn = this.db.transaction((fn: () => unknown) => fn());
    // Called inside the group's transaction, a better-sqlite3 transaction is a SAVEPOINT.
    const savepoint = this.db.transaction((fn: () => unknown) => fn());
    this.enqueues = new GroupCommit({
      write: (fn) => this.write("enqueue", this.clock.now(), fn),
      savepoint: <T>(fn: () => T) => savepoint(fn) as T,
      toError: (error) => toBackendError(error, "SQLite enqueue failed"),
    });
    this.feed = new ChangeFeed(this.sql.feed, options.file, options.pollMs, clock.now());
    this.workflows = new SqliteWorkflows(this.db, {
      write: (what, now, fn) => this.write(what, now, fn),
      read: (fn) => this.read(fn),
      cancelDependents: (id, now, events, reason) => this.cancelDependents(id, now, events, reason),
    });
    this.audit = new SqliteAudit(this.db, {
      now: () => this.clock.now(),
      write: (what, now, fn) => this.write(what, now, fn),
      read: (fn) => this.read(fn),
    });
    this.schedules = new SqliteSchedules(this.db, {
      now: () => this.clock.now(),
      write: (what, now, fn) => this.write(what, now, fn),
      read: (fn) => this.read(fn),
    });
  }

  async migrate(): Promise<void> {
    this.assertOpen();
    migrateDatabase(this.db, this.clock.now());
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.enqueues.flush(); // calls already made are written, not dropped
    this.closed = true;
    this.feed.close();
    this.db.close();
  }

  // ── enqueue ──────────────────────────────────────────────────────────────────────────

  /**
   * Group-committed (group-commit.ts): concurrent calls share one transaction, each in its own
   * savepoint, and each settles once that transaction has committed.
   */
  async jobEnqueue({ jobs }: JobEnqueueParams): Promise<JobEnqueueResult> {
    checkNewJobs(jobs);
    if (jobs.length === 0) return { jobs: [] };
    this.assertOpen();
    const now = this.clock.now();
    if (jobs.length > 1 && jobs.every((j) => j.key === null && j.dependsOn.length === 0))
      return this.enqueues.submit((events) => this.insertSimple(jobs, now, events));
    return this.enqueues.submit((events) => this.insertJobs(jobs, now, events));
  }

  /** Inside a transaction: the general enqueue (keys, dependencies), one job at a time. */
  private insertJobs(jobs: readonly NewJob[], now: number, events: Events): JobEnqueueResult {
    const sql = this.sql;
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
      const state: JobState = doomed
        ? "cancelled"
        : pending > 0
          ? "waiting"
          : job.runAt > now
            ? "scheduled"
            : "queued";
      try {
        sql.jobInsert.run(jobInsertParams(job, state, now, deps, pending, doomed ? now : null));
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
  }

  /**
   * Inside a transaction, bulk path: no keys, no dependencies, so no per-job lookups: one
   * INSERT … SELECT for the batch.
   */
  private insertSimple(jobs: readonly NewJob[], now: number, events: Events): JobEnqueueResult {
    const out: JobEnqueueResult["jobs"] = [];
    const rows: unknown[] = [];
    const states: JobState[] = [];
    for (const job of jobs) {
      const state: JobState = job.runAt > now ? "scheduled" : "queued";
      states.push(state);
      rows.push([
        job.id,
        job.task,
        job.queue,
        state,
        job.priority,
        job.runAt,
        job.maxAttempts,
        job.input,
        JSON.stringify(job.meta ?? {}),
        job.leaseMs,
        job.timeoutMs,
      ]);
      out.push({ id: job.id, state, created: true });
    }
    try {
      this.sql.jobInsertMany.run({ now, jobs: JSON.stringify(rows) });
    } catch (error) {
      if ((error as { code?: string }).code !== "SQLITE_CONSTRAINT_PRIMARYKEY") throw error;
      // The statement was rolled back; name the first id that already exists.
      const taken = jobs.find((job) => this.sql.jobState.get({ id: job.id }));
      throw alreadyExists(taken?.id ?? jobs[0]!.id);
    }
    jobs.forEach((job, i) => {
      events.push(jobEvent("job:enqueued", job.id, job.queue, now, states[i]!));
    });
    return { jobs: out };
  }

  // ── claim & finish ───────────────────────────────────────────────────────────────────

  async jobClaim(params: JobClaimParams): Promise<JobClaimResult> {
    if (!Number.isInteger(params.limit) || params.limit < 0) {
      throw new InvalidArgumentError(`limit must be an integer >= 0, got ${params.limit}`, "limit");
    }
    const now = this.clock.now();
    const token = newLeaseToken();
    const { limit, workerId } = params;
    return this.write("claim", now, (events) => {
      const sql = this.sql;
      const claimed: LeasedJob[] = [];
      let nextRunAt: number | null = null;
      // Queue by queue, in the order given (as the memory backend does); one statement claims
      // the whole remaining batch of a queue.
      for (const queue of params.queues) {
        if (sql.queuePaused.get({ queue })?.paused) continue;
        sql.jobPromoteDue.run({ queue, now });
        const room = limit - claimed.length;
        if (room > 0) {
          const rows = sql.jobClaim.all({
            queue,
            limit: room,
            now,
            token,
            worker_id: workerId,
            lease_ms: params.leaseMs,
          });
          for (const row of rows) claimed.push(toLeased(row, sql.jobClaimColumns));
        }
        if (claimed.length < limit) {
          const next = sql.jobNextRunAt.get({ queue })?.run_at ?? null;
          if (next !== null && (nextRunAt === null || next < nextRunAt)) nextRunAt = next;
        }
      }
      // Claims sort across queues by the same order a single queue uses.
      claimed.sort((a, b) => b.priority - a.priority || a.runAt - b.runAt || (a.id < b.id ? -1 : 1));
      for (const job of claimed) {
        events.push(
          jobEvent("job:started", job.id, job.queue, now, "running", { attempt: job.attempt, workerId }),
        );
      }
      return { jobs: claimed, nextRunAt: claimed.length < limit ? nextRunAt : null };
    });
  }

  async jobComplete({ jobs }: JobCompleteParams): Promise<TransitionResult> {
    const now = this.clock.now();
    return this.write("complete", now, (events) => {
      const ok: string[] = [];
      const refused: string[] = [];
      const done = (id: string, row: { queue: string; attempt: number; has_dependents: number }) => {
        ok.push(id);
        events.push(jobEvent("job:completed", id, row.queue, now, "completed", { attempt: row.attempt }));
        if (row.has_dependents) this.releaseDependents(id, now, events);
      };
      if (jobs.length > 1 && new Set(jobs.map((j) => j.id)).size === jobs.length) {
        // One statement for the whole batch; results come back unordered, so map them by id.
        const rows = this.sql.jobCompleteMany.all({
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
          const row = this.sql.jobComplete.get({ id, token, result, now });
          if (row) done(id, row);
          else refused.push(id);
        }
      }
      return { ok, refused };
    });
  }

  async jobFail({ jobs }: JobFailParams): Promise<JobFailResult> {
    const now = this.clock.now();
    return this.write("fail", now, (events) => {
      const out: JobFailResult = { retried: [], failed: [], refused: [] };
      for (const { id, token, error, retryAt } of jobs) {
        const row = this.sql.jobFail.get({ id, token, error: JSON.stringify(error), retry_at: retryAt, now });
        if (!row) {
          out.refused.push(id);
          continue;
        }
        if (row.state === "failed") {
          out.failed.push(id);
          events.push(jobEvent("job:failed", id, row.queue, now, "failed", { attempt: row.attempt, error }));
          if (row.has_dependents) this.cancelDependents(id, now, events, `dependency ${id} failed`);
          this.workflows.onJobFailed(id, now, events);
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

  async jobRelease({ leases }: JobReleaseParams): Promise<TransitionResult> {
    const now = this.clock.now();
    return this.write("release", now, (events) => {
      const ok: string[] = [];
      const refused: string[] = [];
      for (const { id, token } of leases) {
        const row = this.sql.jobRelease.get({ id, token, now });
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

  // ── control ──────────────────────────────────────────────────────────────────────────

  async jobCancel({ ids, reason }: JobCancelParams): Promise<JobCancelResult> {
    const now = this.clock.now();
    return this.write("cancel", now, (events) => {
      const cancelled: string[] = [];
      const skipped: string[] = [];
      for (const id of ids) {
        const row = this.sql.jobCancel.get({ id, now });
        if (!row) {
          skipped.push(id);
          continue;
        }
        events.push(
          jobEvent("job:cancelled", id, row.queue, now, "cancelled", { reason: reason ?? "cancelled" }),
        );
        cancelled.push(id);
        if (row.has_dependents)
          this.cancelDependents(id, now, events, `dependency ${id} was cancelled`, cancelled);
      }
      return { cancelled, skipped };
    });
  }

  async jobRetry({ ids }: JobRetryParams): Promise<TransitionResult> {
    const now = this.clock.now();
    return this.write("retry", now, (events) => {
      const ok: string[] = [];
      const refused: string[] = [];
      for (const id of ids) {
        const row = this.sql.jobRetry.get({ id, now });
        if (!row) {
          refused.push(id);
          continue;
        }
        ok.push(id);
        events.push(jobEvent("job:enqueued", id, row.queue, now, "queued", { retry: true }));
      }
      return { ok, refused };
    });
  }

  async jobRemove({ ids }: JobRemoveParams): Promise<JobRemoveResult> {
    const now = this.clock.now();
    return this.write("remove", now, (events) => {
      const removed: string[] = [];
      const skipped: string[] = [];
      for (const id of ids) {
        const row = this.removeOne(id);
        if (!row) {
          skipped.push(id);
          continue;
        }
        removed.push(id);
        events.push(jobEvent("job:removed", id, row.queue, now, row.state));
      }
      return { removed, skipped };
    });
  }

  async jobProgress({ id, token, progress }: JobProgressParams): Promise<boolean> {
    const now = this.clock.now();
    return this.write("progress", now, (events) => {
      const row = this.sql.jobProgress.get({ id, token, progress: JSON.stringify(progress), now });
      if (!row) return false;
      events.push(jobEvent("job:progress", id, row.queue, now, "running", { ...progress }));
      return true;
    });
  }

  async jobLog({ id, token, lines }: JobLogParams): Promise<boolean> {
    const now = this.clock.now();
    return this.write("log", now, (events) => {
      const job = this.sql.jobLeased.get({ id, token });
      if (!job) return false;
      for (const line of lines) {
        this.sql.jobLogInsert.run({
          job_id: id,
          attempt: job.attempt,
          at: line.at,
          level: line.level,
          message: line.message,
        });
      }
      if (lines.length > 0) this.sql.jobLogsTrim.run({ job_id: id, keep: LOG_LINES_MAX });
      events.push(jobEvent("job:log", id, job.queue, now, "running", { lines: lines.length }));
      return true;
    });
  }

  // ── reading ──────────────────────────────────────────────────────────────────────────

  async jobGet({ id }: { id: string }): Promise<JobRecord | null> {
    const row = this.read(() => this.sql.jobGet.get({ id }));
    return row ? toRecord(row) : null;
  }

  async jobGetMany({ ids }: { ids: readonly string[] }): Promise<JobRecord[]> {
    if (ids.length === 0) return [];
    const rows = this.read(() => this.sql.jobGetMany.all({ ids: JSON.stringify(ids) }));
    const byId = new Map(rows.map((r) => [r.id, r]));
    const out: JobRecord[] = [];
    for (const id of ids) {
      const row = byId.get(id);
      if (row) out.push(toRecord(row));
    }
    return out;
  }

  async jobList(params: JobListParams): Promise<JobPage> {
    const limit = listLimit(params);
    const states = listStates(params);
    const after = decodeCursor(params.cursor);
    const stmt = (params.order ?? "desc") === "desc" ? this.sql.jobListDesc : this.sql.jobListAsc;
    const rows = this.read(() =>
      stmt.all({
        queue: params.queue ?? null,
        states: states ? JSON.stringify(states) : null,
        task: params.task ?? null,
        key: params.key ?? null,
        created_after: params.createdAfter ?? null,
        created_before: params.createdBefore ?? null,
        after,
        search: params.search === undefined ? null : params.search.toLowerCase(),
        limit: limit + 1,
      }),
    );
    const page = rows.slice(0, limit).map(toRecord);
    return { jobs: page, nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]!.id) : null };
  }

  async jobLogs({ id, limit }: { id: string; limit?: number }): Promise<JobLogLine[]> {
    const n = limit !== undefined && limit > 0 ? Math.min(limit, LOG_LINES_MAX) : LOG_LINES_MAX;
    const rows = this.read(() => this.sql.jobLogs.all({ job_id: id, limit: n }));
    return rows.reverse().map((r) => ({
      at: r.at,
      level: r.level as JobLogLine["level"],
      message: r.message,
      attempt: r.attempt,
    }));
  }

  // ── leases ───────────────────────────────────────────────────────────────────────────

  async leaseRenew({ leases, leaseMs }: LeaseRenewParams): Promise<LeaseRenewResult> {
    const now = this.clock.now();
    return this.write("renew", now, () => {
      const out: LeaseRenewResult = { renewed: [], lost: [] };
      for (const { id, token } of leases) {
        const row = this.sql.leaseRenew.get({ id, token, now, lease_ms: leaseMs });
        if (row) out.renewed.push({ id, leaseExpiresAt: row.lease_expires_at });
        else out.lost.push(id);
      }
      return out;
    });
  }

  async leaseRescue(params: LeaseRescueParams): Promise<LeaseRescueResult> {
    const now = this.clock.now();
    // Like memory's `count >= limit` check: a fractional limit rounds up, none below 1.
    const limit = Math.ceil(params.limit);
    if (!(limit > 0)) return { requeued: [], failed: [] };
    return this.write("rescue", now, (events) => {
      const out: LeaseRescueResult = { requeued: [], failed: [] };
      for (const row of this.sql.leaseRescue.all({ now, limit, message: LEASE_EXPIRED_MESSAGE })) {
        const error = JSON.parse(row.error) as JobErrorRecord;
        if (row.state === "queued") {
          out.requeued.push(row.id);
          events.push(
            jobEvent("job:rescued", row.id, row.queue, now, "queued", { attempt: row.attempt, error }),
          );
        } else {
          out.failed.push(row.id);
          events.push(
            jobEvent("job:failed", row.id, row.queue, now, "failed", { attempt: row.attempt, error }),
          );
          if (row.has_dependents) this.cancelDependents(row.id, now, events, `dependency ${row.id} failed`);
          this.workflows.onJobFailed(row.id, now, events);
        }
      }
      return out;
    });
  }

  // ── queues ───────────────────────────────────────────────────────────────────────────

  async queuePause({ queue }: { queue: string }): Promise<void> {
    const now = this.clock.now();
    this.write("queue pause", now, (events) => {
      this.sql.queuePause.run({ queue, now });
      events.push({ type: "queue:paused", jobId: "", queue, at: now });
    });
  }

  async queueResume({ queue }: { queue: string }): Promise<void> {
    const now = this.clock.now();
    this.write("queue resume", now, (events) => {
      this.sql.queueResume.run({ queue });
      events.push({ type: "queue:resumed", jobId: "", queue, at: now });
    });
  }

  async queueList(): Promise<QueueInfo[]> {
    // Three reads in one read transaction, so counts and flags agree.
    return this.read(() =>
      this.db
        .transaction(() => {
          const byName = new Map<string, QueueInfo>();
          const get = (name: string) => {
            let q = byName.get(name);
            if (!q)
              byName.set(name, (q = { name, paused: false, counts: emptyCounts(), oldestQueuedAt: null }));
            return q;
          };
          for (const { name } of this.sql.queuePausedList.all()) get(name).paused = true;
          for (const { queue, state, n } of this.sql.queueCounts.all()) get(queue).counts[state] += n;
          for (const { queue, oldest } of this.sql.queueOldestQueued.all())
            get(queue).oldestQueuedAt = oldest;
          return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
        })
        .deferred(),
    );
  }

  // ── retention ────────────────────────────────────────────────────────────────────────

  async retentionPrune(params: RetentionPruneParams): Promise<{ removed: number }> {
    const now = this.clock.now();
    const limit = Math.ceil(params.limit);
    if (!(limit > 0)) return { removed: 0 };
    return this.write("retention", now, () => {
      this.workflows.settle(now);
      let removed = 0;
      const rules: [JobState, number | undefined, number | undefined][] = [
        ["completed", params.completedBefore, params.completedKeep],
        ["failed", params.failedBefore, params.failedKeep],
        ["cancelled", params.cancelledBefore, undefined],
      ];
      for (const [state, before, keep] of rules) {
        const victims = new Set<string>();
        if (before !== undefined) {
          const room = limit - removed;
          if (room > 0)
            for (const { id } of this.sql.retentionBefore.all({ state, before, limit: room }))
              victims.add(id);
        }
        if (keep !== undefined) {
          // Both rules select a prefix of the same (finished_at, id) order: the union is the longer one.
          const room = limit - removed;
          const list = this.sql.retentionBeyondKeep.all({ state, keep, limit: room });
          for (const { id } of list) if (victims.size < room) victims.add(id);
        }
        for (const id of victims) {
          if (removed >= limit) break;
          if (this.removeOne(id)) removed++;
        }
      }
      return { removed };
    });
  }

  // ── workers ──────────────────────────────────────────────────────────────────────────

  async workerHeartbeat({ worker, ttlMs }: WorkerHeartbeatParams): Promise<void> {
    const now = this.clock.now();
    this.write("worker heartbeat", now, () => {
      this.sql.workerDeleteExpired.run({ now });
      this.sql.workerUpsert.run({
        id: worker.id,
        host: worker.host,
        pid: worker.pid,
        queues: JSON.stringify(worker.queues),
        concurrency: worker.concurrency,
        running: JSON.stringify(worker.running),
        started_at: worker.startedAt,
        now,
        expires_at: now + ttlMs,
      });
    });
  }

  async workerRemove({ id }: { id: string }): Promise<void> {
    this.write("worker remove", this.clock.now(), () => {
      this.sql.workerDelete.run({ id });
    });
  }

  async workerList(): Promise<WorkerInfo[]> {
    const now = this.clock.now();
    const rows = this.read(() => this.sql.workerList.all({ now }));
    return rows.map(toWorker).sort((a, b) => a.id.localeCompare(b.id));
  }

  subscribe(listener: BackendEventListener): () => void {
    if (this.closed) return () => {};
    return this.feed.subscribe(listener);
  }

  // ── audit log and session revocations (audit.ts) ─────────────────────────────────────
  private readonly audit: SqliteAudit;
  readonly auditAppend: Backend["auditAppend"] = (p) => this.audit.auditAppend(p);
  readonly auditList: Backend["auditList"] = (p) => this.audit.auditList(p);
  readonly auditPrune: Backend["auditPrune"] = (p) => this.audit.auditPrune(p);
  readonly sessionRevoke: Backend["sessionRevoke"] = (p) => this.audit.sessionRevoke(p);
  readonly sessionRevoked: Backend["sessionRevoked"] = (p) => this.audit.sessionRevoked(p);

  // ── schedules (schedules.ts) ─────────────────────────────────────────────────────────

  scheduleUpsert(params: ScheduleUpsertParams): Promise<ScheduleUpsertResult> {
    return this.schedules.upsert(params);
  }
  scheduleGet({ name }: { name: string }): Promise<ScheduleRecord | null> {
    return this.schedules.get(name);
  }
  scheduleList(): Promise<ScheduleRecord[]> {
    return this.schedules.list();
  }
  scheduleRemove({ name }: { name: string }): Promise<boolean> {
    return this.schedules.remove(name);
  }
  schedulePause({ name }: { name: string }): Promise<boolean> {
    return this.schedules.pause(name);
  }
  scheduleResume(params: ScheduleResumeParams): Promise<boolean> {
    return this.schedules.resume(params);
  }
  scheduleFire(params: ScheduleFireParams): Promise<ScheduleFireResult> {
    return this.schedules.fire(params);
  }

  // ── workflows (workflows.ts) ─────────────────────────────────────────────────────────

  async workflowEnqueue(params: WorkflowEnqueueParams): Promise<WorkflowEnqueueResult> {
    return this.workflows.enqueue(params, this.clock.now());
  }
  async workflowGet({ id }: { id: string }): Promise<WorkflowRecord | null> {
    return this.workflows.get(id);
  }
  async workflowList(params: WorkflowListParams): Promise<WorkflowPage> {
    return this.workflows.list(params);
  }

  // ── internals ────────────────────────────────────────────────────────────────────────

  /**
   * Runs `fn` in one BEGIN IMMEDIATE transaction, appends the events it collected to the
   * change feed in the same transaction, and hands them to local subscribers after commit.
   */
  private write<T>(what: string, now: number, fn: (events: Events) => T): T {
    this.assertOpen();
    const events: Events = [];
    let seq = 0;
    let result: T;
    try {
      result = this.txn.immediate(() => {
        const r = fn(events);
        seq = this.feed.append(events, now);
        return r;
      }) as T;
    } catch (error) {
      throw toBackendError(error, `SQLite ${what} failed`);
    }
    this.feed.committed(seq, events);
    return result;
  }

  private read<T>(fn: () => T): T {
    this.assertOpen();
    try {
      return fn();
    } catch (error) {
      throw toBackendError(error, "SQLite read failed");
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new BackendError(`the SQLite backend (${this.file}) is closed`);
  }

  /** Inside a transaction: every waiting child of `parentId` has one dependency fewer. */
  private releaseDependents(parentId: string, now: number, events: Events): void {
    for (const child of this.sql.depsRelease.all({ parent_id: parentId, now })) {
      if (child.state === "waiting") continue;
      events.push(jobEvent("job:enqueued", child.id, child.queue, now, child.state, { released: true }));
    }
  }

  /** Inside a transaction: cancels every not-yet-final, not-running job downstream of `rootId`. */
  private cancelDependents(
    rootId: string,
    now: number,
    events: Events,
    reason: string,
    into?: string[],
  ): void {
    const stack = this.children(rootId);
    while (stack.length > 0) {
      const id = stack.pop()!;
      const row = this.sql.jobCancelDependent.get({ id, now });
      if (!row) continue;
      events.push(jobEvent("job:cancelled", id, row.queue, now, "cancelled", { reason }));
      into?.push(id);
      if (row.has_dependents) stack.push(...this.children(id));
    }
  }

  private children(parentId: string): string[] {
    return this.sql.depsChildren.all({ parent_id: parentId }).map((r) => r.child_id);
  }

  /** Inside a transaction: deletes a job that is not running, with its logs and dependency edges. */
  private removeOne(id: string): { queue: string; state: JobState } | undefined {
    const row = this.sql.jobDelete.get({ id });
    if (!row) return undefined;
    this.sql.jobLogsDelete.run({ job_id: id });
    if (row.has_dependents || row.has_dependencies) this.sql.depsDelete.run({ id });
    return row;
  }
}

function jobEvent(
  type: BackendEvent["type"],
  jobId: string,
  queue: string,
  at: number,
  state: JobState,
  data?: Record<string, unknown>,
): BackendEvent {
  return data === undefined ? { type, jobId, queue, at, state } : { type, jobId, queue, at, state, data };
}

function alreadyExists(id: string): InvalidArgumentError {
  return new InvalidArgumentError(`job id ${id} already exists`, "id");
}

export type { JobRow };
