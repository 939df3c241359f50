/**
 * The memory backend's state and the rules every section shares (which heap serves a job,
 * finishing, cancelling down the dependency graph, removing, snapshots, the feed). The
 * section files (jobs.ts, control.ts, reads.ts, maintenance.ts) act on one `MemoryStore`;
 * memory-backend.ts composes them.
 */

import type { Clock } from "../../core/clock.js";
import type { NewJobFollowUps } from "../../core/follow-ups.js";
import { FINAL_STATES, type JobLogLine, type JobRecord } from "../../core/types.js";
import type { BackendEvent, BackendEventListener, WorkerInfo } from "../backend.js";
import type { DedupeEntry } from "../dedupe-rule.js";
import { fairGroupOf } from "../flow-gate.js";
import type { JobFlow, QueueLimits } from "../seam/flow.js";
import type { SpawnPolicy } from "../seam/jobs.js";
import type { FollowUpRef } from "../seam/reads.js";
import { claimOrder } from "../shared.js";
import { NOT_STARTED_STATES } from "../workflow-shared.js";
import { Heap } from "./heap.js";
import { MemoryWorkflows } from "./memory-workflows.js";

export interface StoredJob extends JobRecord {
  leaseToken: string | null;
  /** Bumped whenever the job enters a heap, so stale heap entries can be recognised. */
  version: number;
  /** Set once the job spawned children (jobSpawn): how a failed child counts for it. */
  spawnPolicy: SpawnPolicy | null;
  /** Per-task / per-key limits (flow-gate.ts); null: none. */
  flow: JobFlow | null;
  /** Durable follow-ups written at its outcome (backend/follow-ups.ts); null: none. */
  followUps: NewJobFollowUps | null;
  /** The follow-up its outcome made (jobFollowUps); null: none yet. */
  followUpMade: FollowUpRef | null;
  /** The dedupe key this job was recorded under (`dedupe`), so removing it drops the entry. */
  dedupeKey: string | null;
}

export interface HeapEntry {
  id: string;
  version: number;
  priority: number;
  runAt: number;
}

/** Ready order: the claim order (higher priority, then earlier runAt, then older id). */
const readyLess = (a: HeapEntry, b: HeapEntry) => claimOrder(a, b) < 0;
const dueLess = (a: HeapEntry, b: HeapEntry) => (a.runAt !== b.runAt ? a.runAt < b.runAt : a.id < b.id);

/** A queue's limits and its rate limit's state (see flow.ts). */
export interface MemoryQueueLimits {
  limits: QueueLimits;
  /** GCRA theoretical arrival time of the rate limit (null: unused since it was set). */
  tat: number | null;
}

/** Log lines kept per job (oldest dropped first). */
export const LOG_LINES_MAX = 1000;

export class MemoryStore {
  readonly jobs = new Map<string, StoredJob>();
  readonly keys = new Map<string, string>();
  /** Dedupe windows: (task NUL dedupe key) -> the job last created for it (dedupe-rule.ts). */
  readonly dedupe = new Map<string, DedupeEntry>();
  readonly dependents = new Map<string, Set<string>>();
  readonly ready = new Map<string, Heap<HeapEntry>>();
  readonly due = new Map<string, Heap<HeapEntry>>();
  readonly running = new Set<string>();
  readonly paused = new Set<string>();
  readonly limits = new Map<string, MemoryQueueLimits>();
  /** Queue -> held until (a handler's RateLimitedError, see flow.ts). */
  readonly holds = new Map<string, number>();
  /**
   * Queued jobs with limits, per queue and fairness group (flow-gate.ts): they wait here
   * instead of the queue's ready heap, so a claim can serve the groups round-robin.
   */
  readonly flowReady = new Map<string, Map<string, Heap<HeapEntry>>>();
  /** Rate state (GCRA tat) of task and key groups. Holds of groups share `holds`. */
  readonly flowTat = new Map<string, number>();
  readonly logs = new Map<string, JobLogLine[]>();
  readonly workers = new Map<string, WorkerInfo & { expiresAt: number }>();
  readonly listeners = new Set<BackendEventListener>();
  closed = false;
  readonly workflows = new MemoryWorkflows({
    stateOf: (id) => this.jobs.get(id)?.state,
    cancelNotStarted: (id, now, reason, events) => {
      const job = this.jobs.get(id);
      if (!job || !(NOT_STARTED_STATES as readonly string[]).includes(job.state)) return;
      this.cancelOne(job, now, reason, events);
      this.cancelDependents(job, now, events, `dependency ${id} was cancelled`);
    },
  });

  constructor(readonly clock: Clock) {}

  leased(id: string, token: string): StoredJob | null {
    const job = this.jobs.get(id);
    return job && job.state === "running" && job.leaseToken === token ? job : null;
  }

  /** Puts a queued or scheduled job into the heap that serves it. */
  place(job: StoredJob): void {
    if (job.state !== "queued" && job.state !== "scheduled") return;
    job.version++;
    const entry: HeapEntry = { id: job.id, version: job.version, priority: job.priority, runAt: job.runAt };
    if (job.state === "queued" && job.flow !== null) {
      let groups = this.flowReady.get(job.queue);
      if (!groups) this.flowReady.set(job.queue, (groups = new Map()));
      const g = fairGroupOf(job.task, job.flow);
      let heap = groups.get(g);
      if (!heap) groups.set(g, (heap = new Heap(readyLess)));
      heap.push(entry);
      return;
    }
    const map = job.state === "queued" ? this.ready : this.due;
    let heap = map.get(job.queue);
    if (!heap) map.set(job.queue, (heap = new Heap(job.state === "queued" ? readyLess : dueLess)));
    heap.push(entry);
  }

  promoteDue(queue: string, now: number): void {
    const heap = this.due.get(queue);
    while (heap && heap.size > 0 && heap.peek()!.runAt <= now) {
      const entry = heap.pop()!;
      const job = this.jobs.get(entry.id);
      if (job?.state !== "scheduled" || job.version !== entry.version) continue;
      job.state = "queued";
      this.place(job);
    }
  }

  nextDue(queue: string): number | null {
    const heap = this.due.get(queue);
    while (heap && heap.size > 0) {
      const top = heap.peek()!;
      const job = this.jobs.get(top.id);
      if (job && job.state === "scheduled" && job.version === top.version) return top.runAt;
      heap.pop();
    }
    return null;
  }

  finish(job: StoredJob, state: "completed" | "failed", now: number): void {
    this.running.delete(job.id);
    job.state = state;
    job.leaseToken = null;
    job.leaseExpiresAt = null;
    job.finishedAt = now;
    job.updatedAt = now;
  }

  cancelOne(job: StoredJob, now: number, reason: string, events: BackendEvent[]): void {
    this.running.delete(job.id);
    job.state = "cancelled";
    job.leaseToken = null;
    job.leaseExpiresAt = null;
    job.finishedAt = now;
    job.updatedAt = now;
    events.push(this.event("job:cancelled", job, now, { reason }));
  }

  releaseDependents(parent: StoredJob, now: number, events: BackendEvent[]): void {
    for (const childId of this.dependents.get(parent.id) ?? []) {
      const child = this.jobs.get(childId);
      if (child?.state !== "waiting") continue;
      this.countDown(child, child.pendingDependencies - 1, now, events);
    }
  }

  /** Sets a waiting job's pending count; at zero it becomes queued (or scheduled). */
  private countDown(child: StoredJob, pending: number, now: number, events: BackendEvent[]): void {
    child.pendingDependencies = Math.max(0, pending);
    if (child.pendingDependencies > 0) return;
    child.state = child.runAt > now ? "scheduled" : "queued";
    if (child.state === "queued") child.runAt = Math.max(child.runAt, now);
    child.updatedAt = now;
    this.place(child);
    events.push(this.event("job:enqueued", child, now, { released: true }));
  }

  /**
   * Cancels every not-yet-final job downstream of `parent` (transitively). A job that spawned
   * `parent` (a spawn waiter) is not cancelled: its policy decides (see seam/jobs.ts SpawnPolicy).
   */
  cancelDependents(
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
      if (child.spawnPolicy !== null) {
        if (child.state === "waiting")
          this.countDown(
            child,
            child.spawnPolicy === "fail" ? 0 : child.pendingDependencies - 1,
            now,
            events,
          );
        continue;
      }
      this.cancelOne(child, now, reason, events);
      into?.push(child.id);
      stack.push(...(this.dependents.get(child.id) ?? []));
    }
  }

  /** Cancels a job, its dependents, and (a spawn waiter) its unfinished children, transitively. */
  cancelWithChildren(
    job: StoredJob,
    now: number,
    reason: string,
    events: BackendEvent[],
    into: string[],
  ): void {
    this.cancelOne(job, now, reason, events);
    into.push(job.id);
    this.cancelDependents(job, now, events, `dependency ${job.id} was cancelled`, into);
    if (job.spawnPolicy === null) return;
    for (const dep of job.dependsOn) {
      const child = this.jobs.get(dep);
      if (child && !FINAL_STATES.has(child.state))
        this.cancelWithChildren(child, now, `parent ${job.id} was cancelled`, events, into);
    }
  }

  /** A job ended `failed` (no retry left): its dependents are cancelled, failFast applies. */
  failed(job: StoredJob, now: number, events: BackendEvent[]): void {
    this.cancelDependents(job, now, events, `dependency ${job.id} failed`);
    this.workflows.onJobFailed(job.id, now, events);
  }

  removeOne(job: StoredJob): void {
    this.jobs.delete(job.id);
    this.running.delete(job.id);
    this.logs.delete(job.id);
    this.workflows.forget(job.id);
    if (job.key !== null && this.keys.get(`${job.task}\0${job.key}`) === job.id)
      this.keys.delete(`${job.task}\0${job.key}`);
    // Its dedupe entry matches nothing once it is gone (unless a later job of the key took it).
    if (job.dedupeKey !== null && this.dedupe.get(`${job.task}\0${job.dedupeKey}`)?.jobId === job.id)
      this.dedupe.delete(`${job.task}\0${job.dedupeKey}`);
    for (const dep of job.dependsOn) this.dependents.get(dep)?.delete(job.id);
    // Children keep their counters: a removed parent that never completed still blocks them.
    this.dependents.delete(job.id);
  }

  snapshot(job: StoredJob): JobRecord {
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
      ...(job.flow === null ? {} : { limitKey: job.flow.key }),
    };
  }

  event(
    type: BackendEvent["type"],
    job: StoredJob,
    at: number,
    data?: Record<string, unknown>,
  ): BackendEvent {
    return data === undefined
      ? { type, jobId: job.id, queue: job.queue, at, state: job.state }
      : { type, jobId: job.id, queue: job.queue, at, state: job.state, data };
  }

  emit(events: BackendEvent[]): void {
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
