/**
 * The forwarding that the memory, SQLite and Redis backends share. Each writes the sections of
 * the seam as functions that take its store first (jobs.ts, control.ts, flow.ts, reads.ts,
 * maintenance.ts) and its schedules, workflow reads and audit log as objects; this class
 * forwards the Backend methods to them, written once instead of once per backend. A subclass
 * adds only what differs: its connection, `migrate`, `close`, `subscribe`, `workflowEnqueue`.
 *
 * PostgreSQL composes its sections as classes (postgres-backend.ts) and does not use this.
 */
import type { Backend, JobPromoteParams, JobUpdateParams } from "./backend.js";
import type { AuditBackend } from "./seam/audit.js";
import type {
  ScheduleFireParams,
  ScheduleFireResult,
  ScheduleRecord,
  ScheduleResumeParams,
  ScheduleRun,
  ScheduleRunsParams,
  ScheduleUpsertParams,
  ScheduleUpsertResult,
} from "./seam/schedules.js";
import type { WorkflowListParams, WorkflowPage, WorkflowRecord } from "./seam/workflows.js";
import { shiftRunAt } from "./store-clock.js";

/** The Backend methods a section function serves, given the store. */
type Forwarded =
  | "jobEnqueue"
  | "jobClaim"
  | "jobComplete"
  | "jobFail"
  | "jobRelease"
  | "jobSpawn"
  | "jobCancel"
  | "jobRetry"
  | "jobRemove"
  | "jobProgress"
  | "jobLog"
  | "queuePause"
  | "queueResume"
  | "queueLimit"
  | "queueHold"
  | "jobBackoff"
  | "jobUpdate"
  | "jobPromote"
  | "jobGet"
  | "jobGetMany"
  | "jobFollowUps"
  | "jobList"
  | "jobLogs"
  | "queueList"
  | "workerList"
  | "leaseRenew"
  | "leaseRescue"
  | "retentionPrune"
  | "workerHeartbeat"
  | "workerRemove";

/** Each forwarded method as a function of the store and the method's own params. */
export type StoreSections<S> = {
  [K in Forwarded]: (store: S, ...args: Parameters<Backend[K]>) => ReturnType<Backend[K]>;
};

/** A backend's schedule table (schedules.ts in each backend). */
export interface ScheduleSection {
  upsert(params: ScheduleUpsertParams): Promise<ScheduleUpsertResult>;
  get(name: string): Promise<ScheduleRecord | null>;
  list(): Promise<ScheduleRecord[]>;
  remove(name: string): Promise<boolean>;
  pause(name: string): Promise<boolean>;
  resume(params: ScheduleResumeParams): Promise<boolean>;
  fire(params: ScheduleFireParams): Promise<ScheduleFireResult>;
  runs(params: ScheduleRunsParams): Promise<ScheduleRun[]>;
}

/** A backend's workflow records (sync in memory, async elsewhere). */
export interface WorkflowReads {
  get(id: string): WorkflowRecord | null | Promise<WorkflowRecord | null>;
  list(params: WorkflowListParams): WorkflowPage | Promise<WorkflowPage>;
}

export interface BackendSections<S> {
  store: S;
  sections: StoreSections<S>;
  schedules: ScheduleSection;
  workflows: WorkflowReads;
  audit: AuditBackend;
  /**
   * The store clock's skew (store time minus the caller's clock, see store-clock.ts): a fired
   * schedule's job was timed on the caller's clock, so its `runAt` is moved onto the store's.
   * Omitted where the store runs on the caller's clock (memory).
   */
  skew?: () => number;
}

/** The job-actions section written as an object (job-actions.ts of SQLite and Redis). */
export function actionSections<S>(actions: {
  update(params: JobUpdateParams): ReturnType<Backend["jobUpdate"]>;
  promote(params: JobPromoteParams): ReturnType<Backend["jobPromote"]>;
}): Pick<StoreSections<S>, "jobUpdate" | "jobPromote"> {
  return {
    jobUpdate: (_, params) => actions.update(params),
    jobPromote: (_, params) => actions.promote(params),
  };
}

/** `jobList` that sends text searches to the backend's search (search.ts) and the rest to `list`. */
export function listWithSearch<S>(
  list: StoreSections<S>["jobList"],
  search: (
    store: S,
    params: Parameters<Backend["jobList"]>[0] & { search: string },
  ) => ReturnType<Backend["jobList"]>,
): StoreSections<S>["jobList"] {
  return (store, params) =>
    params.search !== undefined ? search(store, { ...params, search: params.search }) : list(store, params);
}

export abstract class SectionedBackend<S> {
  protected readonly store: S;
  private readonly parts: BackendSections<S>;

  protected constructor(parts: BackendSections<S>) {
    this.store = parts.store;
    this.parts = parts;
  }

  private get s(): StoreSections<S> {
    return this.parts.sections;
  }

  // ── jobs (jobs.ts) ───────────────────────────────────────────────────────────────────
  jobEnqueue(...a: Parameters<Backend["jobEnqueue"]>) {
    return this.s.jobEnqueue(this.store, ...a);
  }
  jobClaim(...a: Parameters<Backend["jobClaim"]>) {
    return this.s.jobClaim(this.store, ...a);
  }
  jobComplete(...a: Parameters<Backend["jobComplete"]>) {
    return this.s.jobComplete(this.store, ...a);
  }
  jobFail(...a: Parameters<Backend["jobFail"]>) {
    return this.s.jobFail(this.store, ...a);
  }
  jobRelease(...a: Parameters<Backend["jobRelease"]>) {
    return this.s.jobRelease(this.store, ...a);
  }
  jobSpawn(...a: Parameters<Backend["jobSpawn"]>) {
    return this.s.jobSpawn(this.store, ...a);
  }

  // ── control and flow (control.ts, flow.ts, job-actions.ts) ───────────────────────────
  jobCancel(...a: Parameters<Backend["jobCancel"]>) {
    return this.s.jobCancel(this.store, ...a);
  }
  jobRetry(...a: Parameters<Backend["jobRetry"]>) {
    return this.s.jobRetry(this.store, ...a);
  }
  jobRemove(...a: Parameters<Backend["jobRemove"]>) {
    return this.s.jobRemove(this.store, ...a);
  }
  jobProgress(...a: Parameters<Backend["jobProgress"]>) {
    return this.s.jobProgress(this.store, ...a);
  }
  jobLog(...a: Parameters<Backend["jobLog"]>) {
    return this.s.jobLog(this.store, ...a);
  }
  queuePause(...a: Parameters<Backend["queuePause"]>) {
    return this.s.queuePause(this.store, ...a);
  }
  queueResume(...a: Parameters<Backend["queueResume"]>) {
    return this.s.queueResume(this.store, ...a);
  }
  queueLimit(...a: Parameters<Backend["queueLimit"]>) {
    return this.s.queueLimit(this.store, ...a);
  }
  queueHold(...a: Parameters<Backend["queueHold"]>) {
    return this.s.queueHold(this.store, ...a);
  }
  jobBackoff(...a: Parameters<Backend["jobBackoff"]>) {
    return this.s.jobBackoff(this.store, ...a);
  }
  jobUpdate(...a: Parameters<Backend["jobUpdate"]>) {
    return this.s.jobUpdate(this.store, ...a);
  }
  jobPromote(...a: Parameters<Backend["jobPromote"]>) {
    return this.s.jobPromote(this.store, ...a);
  }

  // ── reading (reads.ts) ───────────────────────────────────────────────────────────────
  jobGet(...a: Parameters<Backend["jobGet"]>) {
    return this.s.jobGet(this.store, ...a);
  }
  jobGetMany(...a: Parameters<Backend["jobGetMany"]>) {
    return this.s.jobGetMany(this.store, ...a);
  }
  jobFollowUps(...a: Parameters<Backend["jobFollowUps"]>) {
    return this.s.jobFollowUps(this.store, ...a);
  }
  jobList(...a: Parameters<Backend["jobList"]>) {
    return this.s.jobList(this.store, ...a);
  }
  jobLogs(...a: Parameters<Backend["jobLogs"]>) {
    return this.s.jobLogs(this.store, ...a);
  }
  queueList() {
    return this.s.queueList(this.store);
  }
  workerList() {
    return this.s.workerList(this.store);
  }

  // ── maintenance (maintenance.ts) ─────────────────────────────────────────────────────
  leaseRenew(...a: Parameters<Backend["leaseRenew"]>) {
    return this.s.leaseRenew(this.store, ...a);
  }
  leaseRescue(...a: Parameters<Backend["leaseRescue"]>) {
    return this.s.leaseRescue(this.store, ...a);
  }
  retentionPrune(...a: Parameters<Backend["retentionPrune"]>) {
    return this.s.retentionPrune(this.store, ...a);
  }
  workerHeartbeat(...a: Parameters<Backend["workerHeartbeat"]>) {
    return this.s.workerHeartbeat(this.store, ...a);
  }
  workerRemove(...a: Parameters<Backend["workerRemove"]>) {
    return this.s.workerRemove(this.store, ...a);
  }

  // ── audit log and session revocations (audit.ts) ─────────────────────────────────────
  auditAppend(...a: Parameters<Backend["auditAppend"]>) {
    return this.parts.audit.auditAppend(...a);
  }
  auditList(...a: Parameters<Backend["auditList"]>) {
    return this.parts.audit.auditList(...a);
  }
  auditPrune(...a: Parameters<Backend["auditPrune"]>) {
    return this.parts.audit.auditPrune(...a);
  }
  sessionRevoke(...a: Parameters<Backend["sessionRevoke"]>) {
    return this.parts.audit.sessionRevoke(...a);
  }
  sessionRevoked(...a: Parameters<Backend["sessionRevoked"]>) {
    return this.parts.audit.sessionRevoked(...a);
  }

  // ── schedules (schedules.ts) ─────────────────────────────────────────────────────────
  scheduleUpsert(params: ScheduleUpsertParams): Promise<ScheduleUpsertResult> {
    return this.parts.schedules.upsert(params);
  }
  scheduleGet({ name }: { name: string }): Promise<ScheduleRecord | null> {
    return this.parts.schedules.get(name);
  }
  scheduleList(): Promise<ScheduleRecord[]> {
    return this.parts.schedules.list();
  }
  scheduleRemove({ name }: { name: string }): Promise<boolean> {
    return this.parts.schedules.remove(name);
  }
  schedulePause({ name }: { name: string }): Promise<boolean> {
    return this.parts.schedules.pause(name);
  }
  scheduleResume(params: ScheduleResumeParams): Promise<boolean> {
    return this.parts.schedules.resume(params);
  }
  scheduleFire(params: ScheduleFireParams): Promise<ScheduleFireResult> {
    const skew = this.parts.skew?.() ?? 0;
    const job = params.job && shiftRunAt([params.job], skew)[0]!;
    return this.parts.schedules.fire(job === params.job ? params : { ...params, job });
  }
  scheduleRuns(params: ScheduleRunsParams): Promise<ScheduleRun[]> {
    return this.parts.schedules.runs(params);
  }

  // ── workflows (reads; each backend enqueues its own way) ─────────────────────────────
  async workflowGet({ id }: { id: string }): Promise<WorkflowRecord | null> {
    return this.parts.workflows.get(id);
  }
  async workflowList(params: WorkflowListParams): Promise<WorkflowPage> {
    return this.parts.workflows.list(params);
  }
}
