/**
 * The SQLite store: the memory backend's semantics, over one WAL file shared by every process
 * on the host. See index.ts for the design note and limits, store.ts for the transaction rules.
 *
 * This class only composes: the connection, statements and shared rules are in store.ts, the
 * methods in one file per section of the seam (jobs.ts, control.ts, reads.ts, maintenance.ts,
 * plus workflows.ts, schedules.ts, audit.ts).
 */
import type Database from "better-sqlite3";
import type { Clock } from "../../core/clock.js";
import type { JobLogLine, JobRecord } from "../../core/types.js";
import type {
  Backend,
  BackendCapabilities,
  BackendEventListener,
  JobBackoffParams,
  JobCancelParams,
  JobCancelResult,
  JobClaimParams,
  JobClaimResult,
  JobCompleteParams,
  JobEnqueueParams,
  JobEnqueueResult,
  JobFailParams,
  JobFailResult,
  JobListParams,
  JobLogParams,
  JobPage,
  JobProgressParams,
  JobPromoteParams,
  JobReleaseParams,
  JobRemoveParams,
  JobRemoveResult,
  JobRetryParams,
  JobUpdateParams,
  LeaseRenewParams,
  LeaseRenewResult,
  LeaseRescueParams,
  LeaseRescueResult,
  QueueHoldParams,
  QueueInfo,
  QueueLimitParams,
  RetentionPruneParams,
  ScheduleFireParams,
  ScheduleFireResult,
  ScheduleRecord,
  ScheduleResumeParams,
  ScheduleRun,
  ScheduleRunsParams,
  ScheduleUpsertParams,
  ScheduleUpsertResult,
  TransitionResult,
  WorkerHeartbeatParams,
  WorkerInfo,
  WorkflowEnqueueParams,
  WorkflowEnqueueResult,
  WorkflowListParams,
  WorkflowPage,
  WorkflowRecord,
} from "../backend.js";
import { shiftRunAt } from "../store-clock.js";
import { SqliteAudit } from "./audit.js";
import * as control from "./control.js";
import { migrateDatabase } from "./database.js";
import * as flow from "./flow.js";
import { SqliteJobActions } from "./job-actions.js";
import * as jobs from "./jobs.js";
import * as maintenance from "./maintenance.js";
import * as reads from "./reads.js";
import { SqliteSchedules } from "./schedules.js";
import { SqliteSearch } from "./search.js";
import { SqliteStore } from "./store.js";
import type { SqliteOptions } from "./url.js";

export { LOG_LINES_MAX } from "./store.js";

export class SqliteBackend implements Backend {
  readonly kind = "sqlite";
  readonly capabilities: BackendCapabilities = { crossProcess: true, notify: "watch", push: false };
  readonly file: string;

  private readonly store: SqliteStore;
  private readonly schedules: SqliteSchedules;
  private readonly audit: SqliteAudit;
  private readonly actions: SqliteJobActions;
  private readonly search: SqliteSearch;

  constructor(
    readonly clock: Clock,
    options: SqliteOptions,
  ) {
    this.file = options.file;
    const store = new SqliteStore(clock, options);
    this.store = store;
    const host = {
      now: () => this.clock.now(),
      write: store.write.bind(store),
      read: store.read.bind(store),
    };
    // Audit times are the HTTP server's own (its sessions expire on its clock); schedule
    // writes and the jobs they insert are judged on the store's clock.
    this.audit = new SqliteAudit(store.db, host);
    const storeHost = { ...host, now: () => store.time().now };
    this.schedules = new SqliteSchedules(store.db, storeHost);
    this.actions = new SqliteJobActions(store.db, storeHost);
    this.search = new SqliteSearch(store.db, { ...host, open: () => !store.closed });
    this.search.start();
  }

  /** The connection (tests reach it to hold locks; spool code goes through the methods). */
  private get db(): Database.Database {
    return this.store.db;
  }

  async migrate(): Promise<void> {
    await this.store.retryBusy("SQLite migration failed", () => migrateDatabase(this.db, this.clock.now()));
  }

  async close(): Promise<void> {
    if (this.store.closed) return;
    // Calls already made are written, not dropped (or refused, if the file was replaced).
    await this.store.enqueues?.flush();
    const replaced = this.store.replaced();
    this.store.closed = true;
    this.search.stop();
    this.store.feed.close();
    // SQLite's last close checkpoints and then deletes `<path>-wal` and `<path>-shm` BY NAME:
    // with the file replaced, those names belong to the new database, whose unread WAL would
    // be lost. So a connection to a replaced file is abandoned, not closed (the OS releases
    // it when the process exits).
    if (!replaced) this.db.close();
  }

  subscribe(listener: BackendEventListener): () => void {
    if (this.store.closed) return () => {};
    return this.store.feed.subscribe(listener);
  }

  // ── jobs (jobs.ts) ───────────────────────────────────────────────────────────────────

  jobEnqueue(params: JobEnqueueParams): Promise<JobEnqueueResult> {
    return jobs.jobEnqueue(this.store, params);
  }
  jobClaim(params: JobClaimParams): Promise<JobClaimResult> {
    return jobs.jobClaim(this.store, params);
  }
  jobComplete(params: JobCompleteParams): Promise<TransitionResult> {
    return jobs.jobComplete(this.store, params);
  }
  jobFail(params: JobFailParams): Promise<JobFailResult> {
    return jobs.jobFail(this.store, params);
  }
  jobRelease(params: JobReleaseParams): Promise<TransitionResult> {
    return jobs.jobRelease(this.store, params);
  }

  // ── control (control.ts) ─────────────────────────────────────────────────────────────

  jobCancel(params: JobCancelParams): Promise<JobCancelResult> {
    return control.jobCancel(this.store, params);
  }
  jobRetry(params: JobRetryParams): Promise<TransitionResult> {
    return control.jobRetry(this.store, params);
  }
  jobRemove(params: JobRemoveParams): Promise<JobRemoveResult> {
    return control.jobRemove(this.store, params);
  }
  jobProgress(params: JobProgressParams): Promise<boolean> {
    return control.jobProgress(this.store, params);
  }
  jobLog(params: JobLogParams): Promise<boolean> {
    return control.jobLog(this.store, params);
  }
  queueLimit(params: QueueLimitParams): Promise<void> {
    return flow.queueLimit(this.store, params);
  }
  queueHold(params: QueueHoldParams): Promise<void> {
    return flow.queueHold(this.store, params);
  }
  jobBackoff(params: JobBackoffParams): Promise<TransitionResult> {
    return flow.jobBackoff(this.store, params);
  }
  queuePause(params: { queue: string }): Promise<void> {
    return control.queuePause(this.store, params);
  }
  queueResume(params: { queue: string }): Promise<void> {
    return control.queueResume(this.store, params);
  }

  // ── job actions (job-actions.ts) ──────────────────────────────────────────────────────

  jobUpdate(params: JobUpdateParams): Promise<TransitionResult> {
    return this.actions.update(params);
  }
  jobPromote(params: JobPromoteParams): Promise<TransitionResult> {
    return this.actions.promote(params);
  }

  // ── reading (reads.ts) ───────────────────────────────────────────────────────────────

  jobGet(params: { id: string }): Promise<JobRecord | null> {
    return reads.jobGet(this.store, params);
  }
  jobGetMany(params: { ids: readonly string[] }): Promise<JobRecord[]> {
    return reads.jobGetMany(this.store, params);
  }
  /**
   * Indexes every job written since the search index last caught up (the backend also does
   * this in the background and before each search). For tools and benchmarks; returns the
   * number of batches (of up to 1,000 documents) it indexed.
   */
  searchCatchUp(): Promise<number> {
    return this.search.indexPending(Number.POSITIVE_INFINITY);
  }

  async jobList(params: JobListParams): Promise<JobPage> {
    // Text searches go through the trigram index (search.ts).
    if (params.search !== undefined) return this.search.list({ ...params, search: params.search });
    return reads.jobList(this.store, params);
  }
  jobLogs(params: { id: string; limit?: number }): Promise<JobLogLine[]> {
    return reads.jobLogs(this.store, params);
  }
  queueList(): Promise<QueueInfo[]> {
    return reads.queueList(this.store);
  }
  workerList(): Promise<WorkerInfo[]> {
    return reads.workerList(this.store);
  }

  // ── maintenance (maintenance.ts) ─────────────────────────────────────────────────────

  leaseRenew(params: LeaseRenewParams): Promise<LeaseRenewResult> {
    return maintenance.leaseRenew(this.store, params);
  }
  leaseRescue(params: LeaseRescueParams): Promise<LeaseRescueResult> {
    return maintenance.leaseRescue(this.store, params);
  }
  retentionPrune(params: RetentionPruneParams): Promise<{ removed: number }> {
    return maintenance.retentionPrune(this.store, params);
  }
  workerHeartbeat(params: WorkerHeartbeatParams): Promise<void> {
    return maintenance.workerHeartbeat(this.store, params);
  }
  workerRemove(params: { id: string }): Promise<void> {
    return maintenance.workerRemove(this.store, params);
  }

  // ── audit log and session revocations (audit.ts) ─────────────────────────────────────
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
    const { skew } = this.store.time();
    const job = params.job && shiftRunAt([params.job], skew)[0]!;
    return this.schedules.fire(job === params.job ? params : { ...params, job });
  }
  scheduleRuns(params: ScheduleRunsParams): Promise<ScheduleRun[]> {
    return this.schedules.runs(params);
  }

  // ── workflows (workflows.ts) ─────────────────────────────────────────────────────────

  async workflowEnqueue(params: WorkflowEnqueueParams): Promise<WorkflowEnqueueResult> {
    const { now, skew } = this.store.time();
    const jobs = shiftRunAt(params.jobs, skew) as WorkflowEnqueueParams["jobs"];
    return this.store.workflows.enqueue(jobs === params.jobs ? params : { ...params, jobs }, now);
  }
  async workflowGet({ id }: { id: string }): Promise<WorkflowRecord | null> {
    return this.store.workflows.get(id);
  }
  async workflowList(params: WorkflowListParams): Promise<WorkflowPage> {
    return this.store.workflows.list(params);
  }
}
