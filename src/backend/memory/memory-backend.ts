/**
 * The in-process reference backend. Every method runs synchronously between two awaits,
 * so each call is atomic by construction; that makes it the executable definition of the
 * contract that the other backends are tested against.
 *
 * Limits: state lives in this process only (another process sees nothing) and is gone
 * when it exits. Use it for tests and the inline mode's twin, not for real work.
 */
import type { Clock } from "../../core/clock.js";
import { InvalidArgumentError, NotFoundError } from "../../core/errors/index.js";
import { newLeaseToken } from "../../core/ids.js";
import {
  FINAL_STATES,
  type JobErrorRecord,
  type JobLogLine,
  type JobRecord,
  type JobState,
  type LeasedJob,
} from "../../core/types.js";
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
import type { JobPromoteParams, JobUpdateParams } from "../job-actions.js";
import { jobMatchesSearch, normalizeSearch } from "../search.js";
import {
  checkNewJobs,
  decodeCursor,
  encodeCursor,
  LEASE_EXPIRED_MESSAGE,
  listLimit,
  listStates,
} from "../shared.js";
import { checkWorkflowEnqueue, NOT_STARTED_STATES } from "../workflow-shared.js";
import { MemoryAudit } from "./audit.js";
import { Heap } from "./heap.js";
import { type MemoryJobActionsHost, memoryJobPromote, memoryJobUpdate } from "./job-actions.js";
import { MemoryWorkflows } from "./memory-workflows.js";
import { MemorySchedules } from "./schedules.js";

interface StoredJob extends JobRecord {
  leaseToken: string | null;
  /** Bumped whenever the job enters a heap, so stale heap entries can be recognised. */
  version: number;
}

interface HeapEntry {
  id: string;
  version: number;
  priority: number;
  runAt: number;
}

/** Ready order: higher priority, then earlier runAt, then older id. */
const readyLess = (a: HeapEntry, b: HeapEntry) =>
  a.priority !== b.priority ? a.priority > b.priority : a.runAt !== b.runAt ? a.runAt < b.runAt : a.id < b.id;
const dueLess = (a: HeapEntry, b: HeapEntry) => (a.runAt !== b.runAt ? a.runAt < b.runAt : a.id < b.id);

const LOG_LINES_MAX = 1000;

export class MemoryBackend implements Backend {
  readonly kind = "memory";
  readonly capabilities: BackendCapabilities = { crossProcess: false, notify: "none", push: false };

  private jobs = new Map<string, StoredJob>();
  private keys = new Map<string, string>();
  private dependents = new Map<string, Set<string>>();
  private ready = new Map<string, Heap<HeapEntry>>();
  private due = new Map<string, Heap<HeapEntry>>();
  private running = new Set<string>();
  private paused = new Set<string>();
  private logs = new Map<string, JobLogLine[]>();
  private workers = new Map<string, WorkerInfo & { expiresAt: number }>();
  private listeners = new Set<BackendEventListener>();
  private closed = false;
  private readonly workflows = new MemoryWorkflows({
    stateOf: (id) => this.jobs.get(id)?.state,
    cancelNotStarted: (id, now, reason, events) => {
      const job = this.jobs.get(id);
      if (!job || !(NOT_STARTED_STATES as readonly string[]).includes(job.state)) return;
      this.cancelOne(job, now, reason, events);
      this.cancelDependents(job, now, events, `dependency ${id} was cancelled`);
    },
  });

  constructor(readonly clock: Clock) {}

  async migrate(): Promise<void> {}

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
  }

  // ── enqueue ──────────────────────────────────────────────────────────────────────────

  async jobEnqueue({ jobs }: JobEnqueueParams): Promise<JobEnqueueResult> {
    checkNewJobs(jobs);
    return this.enqueueNow(jobs, this.clock.now());
  }

  private enqueueNow(jobs: JobEnqueueParams["jobs"], now: number): JobEnqueueResult {
    // Validate everything first: a batch either writes all its jobs or none.
    const batchIds = new Set<string>();
    const batchKeys = new Map<string, string>();
    for (const job of jobs) {
      for (const dep of job.dependsOn) {
        if (!batchIds.has(dep) && !this.jobs.has(dep)) throw new NotFoundError("job", dep);
      }
      if (this.jobs.has(job.id)) throw new InvalidArgumentError(`job id ${job.id} already exists`, "id");
      batchIds.add(job.id);
    }
    const out: JobEnqueueResult["jobs"] = [];
    const events: BackendEvent[] = [];
    // A job deduplicated by its key stands for the existing job in later jobs' dependsOn.
    const alias = new Map<string, string>();
    for (const job of jobs) {
      if (job.key !== null) {
        const k = `${job.task}\0${job.key}`;
        const existing = this.keys.get(k) ?? batchKeys.get(k);
        if (existing) {
          const state = this.jobs.get(existing)?.state ?? "queued";
          out.push({ id: existing, state, created: false });
          alias.set(job.id, existing);
          continue;
        }
        batchKeys.set(k, job.id);
      }
      const deps = [...new Set(job.dependsOn.map((d) => alias.get(d) ?? d))];
      let pending = 0;
      let doomed = false;
      for (const dep of deps) {
        const parent = this.jobs.get(dep);
        if (parent?.state !== "completed") pending++;
        if (parent && (parent.state === "failed" || parent.state === "cancelled")) doomed = true;
      }
      const state: JobState = doomed
        ? "cancelled"
        : pending > 0
          ? "waiting"
          : job.runAt > now
            ? "scheduled"
            : "queued";
      // An explicit literal (not a spread) keeps one hidden class for every stored job.
      const stored: StoredJob = {
        id: job.id,
        task: job.task,
        queue: job.queue,
        state,
        priority: job.priority,
        runAt: job.runAt,
        attempt: 0,
        maxAttempts: job.maxAttempts,
        input: job.input,
        result: null,
        errors: [],
        progress: null,
        key: job.key,
        meta: { ...job.meta },
        dependsOn: deps,
        pendingDependencies: pending,
        leaseMs: job.leaseMs,
        timeoutMs: job.timeoutMs,
        workerId: null,
        leaseExpiresAt: null,
        createdAt: now,
        startedAt: null,
        finishedAt: doomed ? now : null,
        updatedAt: now,
        leaseToken: null,
        version: 0,
      };
      this.jobs.set(job.id, stored);
      if (job.key !== null) this.keys.set(`${job.task}\0${job.key}`, job.id);
      for (const dep of deps) {
        let set = this.dependents.get(dep);
        if (!set) this.dependents.set(dep, (set = new Set()));
        set.add(job.id);
      }
      this.place(stored);
      out.push({ id: job.id, state, created: true });
      events.push(this.event("job:enqueued", stored, now));
    }
    this.emit(events);
    return { jobs: out };
  }

  // ── claim & finish ───────────────────────────────────────────────────────────────────

  async jobClaim(params: JobClaimParams): Promise<JobClaimResult> {
    if (!Number.isInteger(params.limit) || params.limit < 0) {
      throw new InvalidArgumentError(`limit must be an integer >= 0, got ${params.limit}`, "limit");
    }
    const now = this.clock.now();
    const token = newLeaseToken();
    const claimed: LeasedJob[] = [];
    const events: BackendEvent[] = [];
    let nextRunAt: number | null = null;
    for (const queue of params.queues) {
      if (this.paused.has(queue)) continue;
      this.promoteDue(queue, now);
      const heap = this.ready.get(queue);
      while (heap && heap.size > 0 && claimed.length < params.limit) {
        const entry = heap.pop()!;
        const job = this.jobs.get(entry.id);
        if (job?.state !== "queued" || job.version !== entry.version) continue;
        job.state = "running";
        job.attempt += 1;
        job.leaseToken = token;
        job.leaseExpiresAt = now + (job.leaseMs ?? params.leaseMs);
        job.workerId = params.workerId;
        job.startedAt = now;
        job.updatedAt = now;
        this.running.add(job.id);
        claimed.push({ ...this.snapshot(job), leaseToken: token, leaseExpiresAt: job.leaseExpiresAt });
        events.push(this.event("job:started", job, now, { attempt: job.attempt, workerId: params.workerId }));
      }
      const next = this.nextDue(queue);
      if (next !== null && (nextRunAt === null || next < nextRunAt)) nextRunAt = next;
    }
    // Claims sort across queues by the same order a single queue uses.
    claimed.sort((a, b) => b.priority - a.priority || a.runAt - b.runAt || (a.id < b.id ? -1 : 1));
    this.emit(events);
    return { jobs: claimed, nextRunAt: claimed.length < params.limit ? nextRunAt : null };
  }

  async jobComplete({ jobs }: JobCompleteParams): Promise<TransitionResult> {
    const now = this.clock.now();
    const ok: string[] = [];
    const refused: string[] = [];
    const events: BackendEvent[] = [];
    for (const { id, token, result } of jobs) {
      const job = this.leased(id, token);
      if (!job) {
        refused.push(id);
        continue;
      }
      this.finish(job, "completed", now);
      job.result = result;
      job.progress = job.progress ? { ...job.progress, percent: 100 } : job.progress;
      ok.push(id);
      events.push(this.event("job:completed", job, now, { attempt: job.attempt }));
      this.releaseDependents(job, now, events);
    }
    this.emit(events);
    return { ok, refused };
  }

  async jobFail({ jobs }: JobFailParams): Promise<JobFailResult> {
    const now = this.clock.now();
    const result: JobFailResult = { retried: [], failed: [], refused: [] };
    const events: BackendEvent[] = [];
    for (const { id, token, error, retryAt } of jobs) {
      const job = this.leased(id, token);
      if (!job) {
        result.refused.push(id);
        continue;
      }
      job.errors.push(error);
      if (retryAt !== null && job.attempt < job.maxAttempts) {
        this.running.delete(id);
        job.leaseToken = null;
        job.leaseExpiresAt = null;
        job.runAt = Math.max(retryAt, now);
        job.state = retryAt > now ? "scheduled" : "queued";
        job.updatedAt = now;
        this.place(job);
        result.retried.push(id);
        events.push(this.event("job:retried", job, now, { attempt: job.attempt, runAt: job.runAt, error }));
      } else {
        this.finish(job, "failed", now);
        result.failed.push(id);
        events.push(this.event("job:failed", job, now, { attempt: job.attempt, error }));
        this.cancelDependents(job, now, events, `dependency ${id} failed`);
        this.workflows.onJobFailed(id, now, events);
      }
    }
    this.emit(events);
    return result;
  }

  async jobRelease({ leases }: JobReleaseParams): Promise<TransitionResult> {
    const now = this.clock.now();
    const ok: string[] = [];
    const refused: string[] = [];
    const events: BackendEvent[] = [];
    for (const { id, token } of leases) {
      const job = this.leased(id, token);
      if (!job) {
        refused.push(id);
        continue;
      }
      this.running.delete(id);
      job.state = "queued";
      job.attempt = Math.max(0, job.attempt - 1);
      job.leaseToken = null;
      job.leaseExpiresAt = null;
      job.updatedAt = now;
      this.place(job);
      ok.push(id);
      events.push(this.event("job:released", job, now));
    }
    this.emit(events);
    return { ok, refused };
  }

  // ── control ──────────────────────────────────────────────────────────────────────────

  async jobCancel({ ids, reason }: JobCancelParams): Promise<JobCancelResult> {
    const now = this.clock.now();
    const cancelled: string[] = [];
    const skipped: string[] = [];
    const events: BackendEvent[] = [];
    for (const id of ids) {
      const job = this.jobs.get(id);
      if (!job || FINAL_STATES.has(job.state)) {
        skipped.push(id);
        continue;
      }
      this.cancelOne(job, now, reason ?? "cancelled", events);
      cancelled.push(id);
      this.cancelDependents(job, now, events, `dependency ${id} was cancelled`, cancelled);
    }
    this.emit(events);
    return { cancelled, skipped };
  }

  async jobRetry({ ids }: JobRetryParams): Promise<TransitionResult> {
    const now = this.clock.now();
    const ok: string[] = [];
    const refused: string[] = [];
    const events: BackendEvent[] = [];
    for (const id of ids) {
      const job = this.jobs.get(id);
      if (!job || (job.state !== "failed" && job.state !== "cancelled")) {
        refused.push(id);
        continue;
      }
      job.state = "queued";
      job.attempt = 0;
      job.runAt = now;
      job.finishedAt = null;
      job.pendingDependencies = 0;
      job.updatedAt = now;
      this.place(job);
      ok.push(id);
      events.push(this.event("job:enqueued", job, now, { retry: true }));
    }
    this.emit(events);
    return { ok, refused };
  }

  async jobRemove({ ids }: JobRemoveParams): Promise<JobRemoveResult> {
    const removed: string[] = [];
    const skipped: string[] = [];
    const events: BackendEvent[] = [];
    const now = this.clock.now();
    for (const id of ids) {
      const job = this.jobs.get(id);
      if (!job || job.state === "running") {
        skipped.push(id);
        continue;
      }
      this.removeOne(job);
      removed.push(id);
      events.push(this.event("job:removed", job, now));
    }
    this.emit(events);
    return { removed, skipped };
  }

  async jobUpdate(params: JobUpdateParams): Promise<TransitionResult> {
    return memoryJobUpdate(this.actionsHost, params);
  }

  async jobPromote(params: JobPromoteParams): Promise<TransitionResult> {
    return memoryJobPromote(this.actionsHost, params);
  }

  private readonly actionsHost: MemoryJobActionsHost<StoredJob> = {
    now: () => this.clock.now(),
    job: (id) => this.jobs.get(id),
    place: (job) => this.place(job),
    event: (type, job, at, data) => this.event(type, job, at, data),
    emit: (events) => this.emit(events),
  };

  async jobProgress({ id, token, progress }: JobProgressParams): Promise<boolean> {
    const job = this.leased(id, token);
    if (!job) return false;
    const now = this.clock.now();
    job.progress = { ...progress };
    job.updatedAt = now;
    this.emit([this.event("job:progress", job, now, { ...progress })]);
    return true;
  }

  async jobLog({ id, token, lines }: JobLogParams): Promise<boolean> {
    const job = this.leased(id, token);
    if (!job) return false;
    let list = this.logs.get(id);
    if (!list) this.logs.set(id, (list = []));
    for (const line of lines) list.push({ ...line, attempt: job.attempt });
    if (list.length > LOG_LINES_MAX) list.splice(0, list.length - LOG_LINES_MAX);
    this.emit([this.event("job:log", job, this.clock.now(), { lines: lines.length })]);
    return true;
  }

  // ── reading ──────────────────────────────────────────────────────────────────────────

  async jobGet({ id }: { id: string }): Promise<JobRecord | null> {
    const job = this.jobs.get(id);
    return job ? this.snapshot(job) : null;
  }

  async jobGetMany({ ids }: { ids: readonly string[] }): Promise<JobRecord[]> {
    const out: JobRecord[] = [];
    for (const id of ids) {
      const job = this.jobs.get(id);
      if (job) out.push(this.snapshot(job));
    }
    return out;
  }

  async jobList(params: JobListParams): Promise<JobPage> {
    const limit = listLimit(params);
    const states = listStates(params);
    const after = decodeCursor(params.cursor);
    const desc = (params.order ?? "desc") === "desc";
    const search = params.search === undefined ? undefined : normalizeSearch(params.search);
    const matches: StoredJob[] = [];
    for (const job of this.jobs.values()) {
      if (params.queue !== undefined && job.queue !== params.queue) continue;
      if (states && !states.includes(job.state)) continue;
      if (params.task !== undefined && job.task !== params.task) continue;
      if (params.key !== undefined && job.key !== params.key) continue;
      if (params.createdAfter !== undefined && job.createdAt < params.createdAfter) continue;
      if (params.createdBefore !== undefined && job.createdAt >= params.createdBefore) continue;
      if (after !== null && (desc ? job.id >= after : job.id <= after)) continue;
      if (search !== undefined && !jobMatchesSearch(job, search)) continue;
      matches.push(job);
    }
    matches.sort((a, b) => (a.id < b.id ? (desc ? 1 : -1) : desc ? -1 : 1));
    const page = matches.slice(0, limit);
    const nextCursor = matches.length > limit ? encodeCursor(page[page.length - 1]!.id) : null;
    return { jobs: page.map((j) => this.snapshot(j)), nextCursor };
  }

  async jobLogs({ id, limit }: { id: string; limit?: number }): Promise<JobLogLine[]> {
    const list = this.logs.get(id) ?? [];
    return list.slice(-(limit ?? LOG_LINES_MAX)).map((l) => ({ ...l }));
  }

  // ── leases ───────────────────────────────────────────────────────────────────────────

  async leaseRenew({ leases, leaseMs }: LeaseRenewParams): Promise<LeaseRenewResult> {
    const now = this.clock.now();
    const out: LeaseRenewResult = { renewed: [], lost: [] };
    for (const { id, token } of leases) {
      const job = this.leased(id, token);
      if (!job) {
        out.lost.push(id);
        continue;
      }
      job.leaseExpiresAt = now + (job.leaseMs ?? leaseMs);
      out.renewed.push({ id, leaseExpiresAt: job.leaseExpiresAt });
    }
    return out;
  }

  async leaseRescue({ limit }: LeaseRescueParams): Promise<LeaseRescueResult> {
    const now = this.clock.now();
    const out: LeaseRescueResult = { requeued: [], failed: [] };
    const events: BackendEvent[] = [];
    for (const id of [...this.running]) {
      if (out.requeued.length + out.failed.length >= limit) break;
      const job = this.jobs.get(id)!;
      if (job.leaseExpiresAt === null || job.leaseExpiresAt > now) continue;
      const error: JobErrorRecord = {
        attempt: job.attempt,
        name: "LeaseExpiredError",
        code: "LEASE_EXPIRED",
        message: LEASE_EXPIRED_MESSAGE,
        at: now,
      };
      job.errors.push(error);
      if (job.attempt < job.maxAttempts) {
        this.running.delete(id);
        job.state = "queued";
        job.leaseToken = null;
        job.leaseExpiresAt = null;
        job.updatedAt = now;
        this.place(job);
        out.requeued.push(id);
        events.push(this.event("job:rescued", job, now, { attempt: job.attempt, error }));
      } else {
        this.finish(job, "failed", now);
        out.failed.push(id);
        events.push(this.event("job:failed", job, now, { attempt: job.attempt, error }));
        this.cancelDependents(job, now, events, `dependency ${id} failed`);
        this.workflows.onJobFailed(id, now, events);
      }
    }
    this.emit(events);
    return out;
  }

  // ── queues ───────────────────────────────────────────────────────────────────────────

  async queuePause({ queue }: { queue: string }): Promise<void> {
    this.paused.add(queue);
    this.emit([{ type: "queue:paused", jobId: "", queue, at: this.clock.now() }]);
  }

  async queueResume({ queue }: { queue: string }): Promise<void> {
    this.paused.delete(queue);
    this.emit([{ type: "queue:resumed", jobId: "", queue, at: this.clock.now() }]);
  }

  async queueList(): Promise<QueueInfo[]> {
    const byName = new Map<string, QueueInfo>();
    const get = (name: string) => {
      let q = byName.get(name);
      if (!q)
        byName.set(
          name,
          (q = { name, paused: this.paused.has(name), counts: emptyCounts(), oldestQueuedAt: null }),
        );
      return q;
    };
    for (const name of this.paused) get(name);
    for (const job of this.jobs.values()) {
      const q = get(job.queue);
      q.counts[job.state]++;
      if (job.state === "queued" && (q.oldestQueuedAt === null || job.createdAt < q.oldestQueuedAt))
        q.oldestQueuedAt = job.createdAt;
    }
    return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  // ── retention ────────────────────────────────────────────────────────────────────────

  async retentionPrune(params: RetentionPruneParams): Promise<{ removed: number }> {
    const victims = new Set<string>();
    this.workflows.settle(this.clock.now());
    const byState = (state: JobState) =>
      [...this.jobs.values()]
        .filter((j) => j.state === state && !this.workflows.retains(j.id))
        .sort((a, b) => (b.finishedAt ?? 0) - (a.finishedAt ?? 0) || (a.id < b.id ? 1 : -1));
    const pick = (state: JobState, before: number | undefined, keep: number | undefined) => {
      const list = byState(state);
      list.forEach((job, index) => {
        if (before !== undefined && (job.finishedAt ?? 0) < before) victims.add(job.id);
        if (keep !== undefined && index >= keep) victims.add(job.id);
      });
    };
    pick("completed", params.completedBefore, params.completedKeep);
    pick("failed", params.failedBefore, params.failedKeep);
    pick("cancelled", params.cancelledBefore, undefined);
    let removed = 0;
    for (const id of victims) {
      if (removed >= params.limit) break;
      this.removeOne(this.jobs.get(id)!);
      removed++;
    }
    return { removed };
  }

  // ── workers ──────────────────────────────────────────────────────────────────────────

  async workerHeartbeat({ worker, ttlMs }: WorkerHeartbeatParams): Promise<void> {
    const now = this.clock.now();
    this.workers.set(worker.id, {
      ...worker,
      running: [...worker.running],
      queues: [...worker.queues],
      lastSeenAt: now,
      expiresAt: now + ttlMs,
    });
  }

  async workerRemove({ id }: { id: string }): Promise<void> {
    this.workers.delete(id);
  }

  async workerList(): Promise<WorkerInfo[]> {
    const now = this.clock.now();
    const out: WorkerInfo[] = [];
    for (const [id, w] of this.workers) {
      if (w.expiresAt < now) {
        this.workers.delete(id);
        continue;
      }
      const { expiresAt: _, ...info } = w;
      out.push({ ...info, running: [...info.running], queues: [...info.queues] });
    }
    return out.sort((a, b) => a.id.localeCompare(b.id));
  }

  // ── workflows ────────────────────────────────────────────────────────────────────────

  async workflowEnqueue(params: WorkflowEnqueueParams): Promise<WorkflowEnqueueResult> {
    checkWorkflowEnqueue(params);
    if (this.workflows.has(params.workflow.id))
      throw new InvalidArgumentError(`workflow id ${params.workflow.id} already exists`, "id");
    const now = this.clock.now();
    const out = this.enqueueNow(params.jobs, now);
    this.workflows.add(
      params.workflow,
      params.jobs.map((j) => j.id),
      now,
    );
    return out;
  }

  async workflowGet({ id }: { id: string }): Promise<WorkflowRecord | null> {
    return this.workflows.get(id);
  }

  async workflowList(params: WorkflowListParams): Promise<WorkflowPage> {
    return this.workflows.list(params);
  }

  subscribe(listener: BackendEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
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
    emit: (events) => this.emit(events),
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

  // ── internals ────────────────────────────────────────────────────────────────────────

  private leased(id: string, token: string): StoredJob | null {
    const job = this.jobs.get(id);
    return job && job.state === "running" && job.leaseToken === token ? job : null;
  }

  /** Puts a queued or scheduled job into the heap that serves it. */
  private place(job: StoredJob): void {
    if (job.state !== "queued" && job.state !== "scheduled") return;
    job.version++;
    const entry: HeapEntry = { id: job.id, version: job.version, priority: job.priority, runAt: job.runAt };
    const map = job.state === "queued" ? this.ready : this.due;
    let heap = map.get(job.queue);
    if (!heap) map.set(job.queue, (heap = new Heap(job.state === "queued" ? readyLess : dueLess)));
    heap.push(entry);
  }

  private promoteDue(queue: string, now: number): void {
    const heap = this.due.get(queue);
    while (heap && heap.size > 0 && heap.peek()!.runAt <= now) {
      const entry = heap.pop()!;
      const job = this.jobs.get(entry.id);
      if (job?.state !== "scheduled" || job.version !== entry.version) continue;
      job.state = "queued";
      this.place(job);
    }
  }

  private nextDue(queue: string): number | null {
    const heap = this.due.get(queue);
    while (heap && heap.size > 0) {
      const top = heap.peek()!;
      const job = this.jobs.get(top.id);
      if (job && job.state === "scheduled" && job.version === top.version) return top.runAt;
      heap.pop();
    }
    return null;
  }

  private finish(job: StoredJob, state: "completed" | "failed", now: number): void {
    this.running.delete(job.id);
    job.state = state;
    job.leaseToken = null;
    job.leaseExpiresAt = null;
    job.finishedAt = now;
    job.updatedAt = now;
  }

  private cancelOne(job: StoredJob, now: number, reason: string, events: BackendEvent[]): void {
    this.running.delete(job.id);
    job.state = "cancelled";
    job.leaseToken = null;
    job.leaseExpiresAt = null;
    job.finishedAt = now;
    job.updatedAt = now;
    events.push(this.event("job:cancelled", job, now, { reason }));
  }

  private releaseDependents(parent: StoredJob, now: number, events: BackendEvent[]): void {
    for (const childId of this.dependents.get(parent.id) ?? []) {
      const child = this.jobs.get(childId);
      if (child?.state !== "waiting") continue;
      child.pendingDependencies = Math.max(0, child.pendingDependencies - 1);
      if (child.pendingDependencies > 0) continue;
      child.state = child.runAt > now ? "scheduled" : "queued";
      if (child.state === "queued") child.runAt = Math.max(child.runAt, now);
      child.updatedAt = now;
      this.place(child);
      events.push(this.event("job:enqueued", child, now, { released: true }));
    }
  }

  /** Cancels every not-yet-final job downstream of `parent` (transitively). */
  private cancelDependents(
    parent: StoredJob,
    now: number,
    events: BackendEvent[],
    reason: string,
    into?: string[],
  ): void {
    const stack = [...(this.dependents.get(parent.id) ?? [])];
    while (stack.length > 0) {
      const child = this.jobs.get(stack.pop()!);
      if (!child || FINAL_STATES.has(child.state) || child.state === "running") continue;
      this.cancelOne(child, now, reason, events);
      into?.push(child.id);
      stack.push(...(this.dependents.get(child.id) ?? []));
    }
  }

  private removeOne(job: StoredJob): void {
    this.jobs.delete(job.id);
    this.running.delete(job.id);
    this.logs.delete(job.id);
    this.workflows.forget(job.id);
    if (job.key !== null && this.keys.get(`${job.task}\0${job.key}`) === job.id)
      this.keys.delete(`${job.task}\0${job.key}`);
    for (const dep of job.dependsOn) this.dependents.get(dep)?.delete(job.id);
    // Children keep their counters: a removed parent that never completed still blocks them.
    this.dependents.delete(job.id);
  }

  private snapshot(job: StoredJob): JobRecord {
    return {
      id: job.id,
      task: job.task,
      queue: job.queue,
      state: job.state,
      priority: job.priority,
      runAt: job.runAt,
      attempt: job.attempt,
      maxAttempts: job.maxAttempts,
      input: job.input,
      result: job.result,
      errors: job.errors.map((e) => ({ ...e })),
      progress: job.progress ? { ...job.progress } : null,
      key: job.key,
      meta: { ...job.meta },
      dependsOn: [...job.dependsOn],
      pendingDependencies: job.pendingDependencies,
      leaseMs: job.leaseMs,
      timeoutMs: job.timeoutMs,
      workerId: job.workerId,
      leaseExpiresAt: job.leaseExpiresAt,
      createdAt: job.createdAt,
      startedAt: job.startedAt,
      finishedAt: job.finishedAt,
      updatedAt: job.updatedAt,
    };
  }

  private event(
    type: BackendEvent["type"],
    job: StoredJob,
    at: number,
    data?: Record<string, unknown>,
  ): BackendEvent {
    return data === undefined
      ? { type, jobId: job.id, queue: job.queue, at, state: job.state }
      : { type, jobId: job.id, queue: job.queue, at, state: job.state, data };
  }

  private emit(events: BackendEvent[]): void {
    if (events.length === 0 || this.closed || this.listeners.size === 0) return;
    // Deliver after the current call returns, as a cross-process feed would: listeners never
    // observe a half-applied batch and cannot re-enter the backend mid-transition.
    queueMicrotask(() => {
      for (const listener of this.listeners) {
        try {
          listener(events);
        } catch {
          // A faulty listener must not break the transition that already happened.
        }
      }
    });
  }
}
