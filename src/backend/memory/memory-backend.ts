/**
 * The in-process reference backend. Every method runs synchronously between two awaits,
 * so each call is atomic by construction; that makes it the executable definition of the
 * contract that the other backends are tested against.
 *
 * Limits: state lives in this process only (another process sees nothing) and is gone
 * when it exits. Use it for tests and the inline mode's twin, not for real work.
 *
 * This class only composes: the state and shared rules are in store.ts, the methods in one
 * file per section of the seam (jobs.ts, control.ts, reads.ts, maintenance.ts, plus
 * memory-workflows.ts, schedules.ts, audit.ts).
 */
import type { Clock } from "../../core/clock.js";
import { InvalidArgumentError } from "../../core/errors/index.js";
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
import { checkWorkflowEnqueue } from "../workflow-shared.js";
import { MemoryAudit } from "./audit.js";
import * as control from "./control.js";
import * as flow from "./flow.js";
import * as jobActions from "./job-actions.js";
import * as jobs from "./jobs.js";
import * as maintenance from "./maintenance.js";
import * as reads from "./reads.js";
import { MemorySchedules } from "./schedules.js";
import { MemoryStore } from "./store.js";

export class MemoryBackend implements Backend {
  readonly kind = "memory";
  readonly capabilities: BackendCapabilities = { crossProcess: false, notify: "none", push: false };
  private readonly store: MemoryStore;

  constructor(readonly clock: Clock) {
    this.store = new MemoryStore(clock);
  }

  async migrate(): Promise<void> {}

  async close(): Promise<void> {
    this.store.closed = true;
    this.store.listeners.clear();
  }

  subscribe(listener: BackendEventListener): () => void {
    this.store.listeners.add(listener);
    return () => this.store.listeners.delete(listener);
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
  queuePause(params: { queue: string }): Promise<void> {
    return control.queuePause(this.store, params);
  }
  queueResume(params: { queue: string }): Promise<void> {
    return control.queueResume(this.store, params);
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

  // ── job actions (job-actions.ts) ──────────────────────────────────────────────────────

  jobUpdate(params: JobUpdateParams): Promise<TransitionResult> {
    return jobActions.jobUpdate(this.store, params);
  }
  jobPromote(params: JobPromoteParams): Promise<TransitionResult> {
    return jobActions.jobPromote(this.store, params);
  }

  // ── reading (reads.ts) ───────────────────────────────────────────────────────────────

  jobGet(params: { id: string }): Promise<JobRecord | null> {
    return reads.jobGet(this.store, params);
  }
  jobGetMany(params: { ids: readonly string[] }): Promise<JobRecord[]> {
    return reads.jobGetMany(this.store, params);
  }
  jobList(params: JobListParams): Promise<JobPage> {
    return reads.jobList(this.store, params);
  }
  jobLogs(params: { id: string; limit?: number }): Promise<JobLogLine[]> {
    return reads.jobLogs(this.store, params);
  }
  queueList(): Promise<QueueInfo[]> {
    return reads.queueList(this.store);
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
  async workerRemove({ id }: { id: string }): Promise<void> {
    this.store.workers.delete(id);
  }
  workerList(): Promise<WorkerInfo[]> {
    return maintenance.workerList(this.store);
  }

  // ── workflows (memory-workflows.ts) ──────────────────────────────────────────────────

  async workflowEnqueue(params: WorkflowEnqueueParams): Promise<WorkflowEnqueueResult> {
    checkWorkflowEnqueue(params);
    const { workflows } = this.store;
    if (workflows.has(params.workflow.id))
      throw new InvalidArgumentError(`workflow id ${params.workflow.id} already exists`, "id");
    const now = this.clock.now();
    const out = jobs.enqueueNow(this.store, params.jobs, now);
    workflows.add(
      params.workflow,
      params.jobs.map((j) => j.id),
      now,
    );
    return out;
  }
  async workflowGet({ id }: { id: string }): Promise<WorkflowRecord | null> {
    return this.store.workflows.get(id);
  }
  async workflowList(params: WorkflowListParams): Promise<WorkflowPage> {
    return this.store.workflows.list(params);
  }

  // ── audit log and session revocations (audit.ts) ─────────────────────────────────────
  private readonly audit = new MemoryAudit(() => this.clock.now());
  readonly auditAppend: Backend["auditAppend"] = (p) => this.audit.auditAppend(p);
  readonly auditList: Backend["auditList"] = (p) => this.audit.auditList(p);
  readonly auditPrune: Backend["auditPrune"] = (p) => this.audit.auditPrune(p);
  readonly sessionRevoke: Backend["sessionRevoke"] = (p) => this.audit.sessionRevoke(p);
  readonly sessionRevoked: Backend["sessionRevoked"] = (p) => this.audit.sessionRevoked(p);

  // ── schedules (schedules.ts) ─────────────────────────────────────────────────────────

  private readonly schedules = new MemorySchedules({
    now: () => this.clock.now(),
    emit: (events) => this.store.emit(events),
    insertJob: (job) => this.jobEnqueue({ jobs: [job] }),
  });

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
  scheduleRuns(params: ScheduleRunsParams): Promise<ScheduleRun[]> {
    return this.schedules.runs(params);
  }
}
