/**
 * The Redis backend: each method is one Lua script call (see scripts/*.lua and index.ts for
 * the key layout), plus plain reads (HGETALL, LRANGE) where no transition happens.
 *
 * This class only composes: the connection, scripts and call helpers are in store.ts, the
 * change feed in subscriber.ts, push delivery in push.ts, the methods in one file per section
 * of the seam (jobs.ts, control.ts, reads.ts, maintenance.ts, plus workflows.ts,
 * schedules.ts, audit.ts).
 */
import type { Redis } from "ioredis";
import type { Clock } from "../../core/clock.js";
import { BackendError } from "../../core/errors/index.js";
import type { JobLogLine, JobRecord, LeasedJob } from "../../core/types.js";
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
  SubscribeOptions,
  TransitionResult,
  WorkerHeartbeatParams,
  WorkerInfo,
  WorkflowEnqueueParams,
  WorkflowEnqueueResult,
  WorkflowListParams,
  WorkflowPage,
  WorkflowRecord,
} from "../backend.js";
import { ENQUEUE_JOBS_MAX } from "../backend.js";
import { shiftRunAt } from "../store-clock.js";
import { RedisAudit } from "./audit.js";
import * as control from "./control.js";
import { EnqueueGroup } from "./enqueue-group.js";
import { RedisJobActions } from "./job-actions.js";
import * as jobs from "./jobs.js";
import * as maintenance from "./maintenance.js";
import { RedisPush } from "./push.js";
import * as reads from "./reads.js";
import { RedisSchedules } from "./schedules.js";
import { redisSearch } from "./search.js";
import { RedisStore, wrap } from "./store.js";
import { RedisWorkflows } from "./workflows.js";

export { PROMOTE_MAX } from "./jobs.js";
export { PUSH_WAIT_MAX_MS } from "./push.js";
export { LIST_SCAN_MAX, LOG_LINES_MAX, OLDEST_SCAN } from "./reads.js";

/** Layout version stored at `<prefix>version`; a newer one is refused. */
export const LAYOUT_VERSION = 1;

export class RedisBackend implements Backend {
  readonly kind = "redis";
  readonly capabilities: BackendCapabilities = { crossProcess: true, notify: "push", push: true };
  /** `{prefix}:` — one hash tag, so every key of this store lives in one cluster slot. */
  readonly keyPrefix: string;
  private readonly store: RedisStore;
  private readonly push: RedisPush;
  private closing: Promise<void> | null = null;
  private readonly schedules: RedisSchedules;
  private readonly workflows: RedisWorkflows;
  private readonly audit: RedisAudit;
  private readonly actions: RedisJobActions;

  constructor(
    readonly clock: Clock,
    redis: Redis,
    /** The subscriber connection (connected by createRedisBackend, SUBSCRIBEd on first use). */
    sub: Redis,
    prefix: string,
  ) {
    const store = new RedisStore(clock, redis, sub, prefix);
    store.enqueues = new EnqueueGroup(
      (batch, now) => jobs.enqueueScript(store, batch, now),
      ENQUEUE_JOBS_MAX,
    );
    this.store = store;
    this.keyPrefix = store.keyPrefix;
    this.push = new RedisPush(store);
    this.workflows = new RedisWorkflows({
      now: () => store.time().now,
      run: (name, args, writes) => store.run(name, args, writes),
    });
    this.actions = new RedisJobActions({
      now: () => store.time().now,
      run: (name, args, writes) => store.run(name, args, writes),
    });
    this.audit = new RedisAudit({
      redis,
      prefix: this.keyPrefix,
      now: () => this.clock.now(),
      beforeWrite: async () => store.assertOpen(),
      wrap,
    });
    // Audit times are the HTTP server's own (its sessions expire on its clock); schedule writes
    // and the jobs they insert are judged on the store's clock.
    this.schedules = new RedisSchedules({
      redis,
      prefix: this.keyPrefix,
      now: () => store.time().now,
      run: (name, args) => store.run(name, args, true),
      wrap,
    });
  }

  /** The command connection (tests and tools use it; spool code goes through the methods). */
  get client(): Redis {
    return this.store.redis;
  }

  async migrate(): Promise<void> {
    const key = `${this.keyPrefix}version`;
    const redis = this.store.redis;
    try {
      await redis.set(key, String(LAYOUT_VERSION), "NX");
      const version = Number(await redis.get(key));
      if (version > LAYOUT_VERSION) {
        throw new BackendError(
          `the Redis data under ${this.keyPrefix} uses layout version ${version}; this spool knows ${LAYOUT_VERSION}: upgrade spool`,
          { code: "SCHEMA_TOO_NEW" },
        );
      }
    } catch (err) {
      throw wrap(err, "migrate");
    }
  }

  /** Measures the store clock against the server (createRedisBackend calls it once). */
  startClock(): Promise<void> {
    return this.store.startClock();
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.store.enqueues.flush(); // calls already made are sent (QUIT waits for their replies)
      this.store.closed = true;
      this.store.stopClock();
      this.store.subscriber.clear();
      this.push.disconnectAll();
      await Promise.all(
        [this.store.redis, this.store.sub].map(async (c) => {
          try {
            if (c.status === "ready") await c.quit();
            else c.disconnect();
          } catch {
            c.disconnect();
          }
        }),
      );
    })();
    return this.closing;
  }

  /** See RedisSubscriber.subscribe: events of every process sharing the prefix. */
  subscribe(listener: BackendEventListener, options?: SubscribeOptions): () => void {
    if (this.store.closed) return () => {};
    return this.store.subscriber.subscribe(listener, options);
  }

  // ── jobs (jobs.ts, push.ts) ──────────────────────────────────────────────────────────

  jobEnqueue(params: JobEnqueueParams): Promise<JobEnqueueResult> {
    return jobs.jobEnqueue(this.store, params);
  }
  jobClaim(params: JobClaimParams): Promise<JobClaimResult> {
    return jobs.jobClaim(this.store, params);
  }
  jobAwaitPushed(params: { workerId: string; timeoutMs: number }): Promise<LeasedJob[]> {
    return this.push.await(params);
  }
  jobInterruptPushed(params: { workerId: string }): Promise<void> {
    return this.push.interrupt(params);
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
    return control.queueLimit(this.store, params);
  }
  queueHold(params: QueueHoldParams): Promise<void> {
    return control.queueHold(this.store, params);
  }
  jobBackoff(params: JobBackoffParams): Promise<TransitionResult> {
    return control.jobBackoff(this.store, params);
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
  jobList(params: JobListParams): Promise<JobPage> {
    // Text searches walk the jobs in bounded script calls (search.ts).
    if (params.search !== undefined) return redisSearch(this.store, { ...params, search: params.search });
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

  workflowEnqueue(params: WorkflowEnqueueParams): Promise<WorkflowEnqueueResult> {
    const jobs = shiftRunAt(params.jobs, this.store.time().skew) as WorkflowEnqueueParams["jobs"];
    return this.workflows.enqueue(jobs === params.jobs ? params : { ...params, jobs });
  }
  workflowGet({ id }: { id: string }): Promise<WorkflowRecord | null> {
    return this.workflows.get(id);
  }
  workflowList(params: WorkflowListParams): Promise<WorkflowPage> {
    return this.workflows.list(params);
  }
}
