/**
 * Memory backend, jobs section: enqueue, claim, complete, fail, release. Each function runs
 * synchronously between two awaits, so each call is atomic.
 */
import { InvalidArgumentError, NotFoundError } from "../../core/errors/index.js";
import type { FollowUpOutcome } from "../../core/follow-ups.js";
import { newLeaseToken } from "../../core/ids.js";
import { FINAL_STATES, type LeasedJob } from "../../core/types.js";
import type {
  BackendEvent,
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
import { activeStrategy, capVerdict, supersededReason } from "../cap-strategy.js";
import { dedupeVerdict, stateAfterRunAt } from "../dedupe-rule.js";
import { capGroupOf } from "../flow-gate.js";
import { followUpFor, followUpJob } from "../follow-ups.js";
import { checkClaimLimit, checkNewJobs, claimOrder, refuseTx, stateAtInsert } from "../shared.js";
import { claimRoom, claimTook } from "./flow.js";
import { claimFlow, flowPending } from "./flow-claim.js";
import type { HeapEntry, MemoryStore, StoredJob } from "./store.js";

export async function jobEnqueue(s: MemoryStore, { jobs, tx }: JobEnqueueParams): Promise<JobEnqueueResult> {
  refuseTx(tx, "memory");
  checkNewJobs(jobs);
  return enqueueNow(s, jobs, s.clock.now(), true);
}

/**
 * Writes a checked batch: all its jobs or (on a missing dependency or taken id) none.
 * `strategies`: apply the at-cap strategies (cap-strategy.ts); only `jobEnqueue` does.
 */
export function enqueueNow(
  s: MemoryStore,
  jobs: JobEnqueueParams["jobs"],
  now: number,
  strategies = false,
): JobEnqueueResult {
  // Validate everything first: a batch either writes all its jobs or none.
  const batchIds = new Set<string>();
  const batchKeys = new Map<string, string>();
  for (const job of jobs) {
    for (const dep of job.dependsOn) {
      if (!batchIds.has(dep) && !s.jobs.has(dep)) throw new NotFoundError("job", dep);
    }
    if (s.jobs.has(job.id)) throw new InvalidArgumentError(`job id ${job.id} already exists`, "id");
    batchIds.add(job.id);
  }
  const out: JobEnqueueResult["jobs"] = [];
  const events: BackendEvent[] = [];
  // A job deduplicated by its key stands for the existing job in later jobs' dependsOn.
  const alias = new Map<string, string>();
  const capGroups = new LiveGroups(s);
  for (const job of jobs) {
    if (job.key !== null) {
      const k = `${job.task}\0${job.key}`;
      const existing = s.keys.get(k) ?? batchKeys.get(k);
      if (existing) {
        const state = s.jobs.get(existing)?.state ?? "queued";
        out.push({ id: existing, state, created: false });
        alias.set(job.id, existing);
        continue;
      }
      batchKeys.set(k, job.id);
    }
    if (job.dedupe) {
      const matched = matchDedupe(s, job, now, events);
      if (matched) {
        out.push(matched);
        alias.set(job.id, matched.id);
        continue;
      }
    }
    const deps = [...new Set(job.dependsOn.map((d) => alias.get(d) ?? d))];
    let pending = 0;
    let doomed = false;
    for (const dep of deps) {
      const parent = s.jobs.get(dep);
      if (parent?.state !== "completed") pending++;
      if (parent && (parent.state === "failed" || parent.state === "cancelled")) doomed = true;
    }
    const state = stateAtInsert(doomed, pending, job.runAt, now);
    const strategy = strategies ? activeStrategy(job, state === "queued") : null;
    if (strategy) {
      const group = capGroups.live(job);
      const verdict = capVerdict(strategy, job.flow!.concurrency!.limit, group);
      if (verdict.kind === "drop") {
        out.push({ id: job.id, state: "cancelled", created: false, dropped: true });
        continue;
      }
      const reason = supersededReason(job.id);
      for (const id of verdict.cancel) {
        const victim = s.jobs.get(id)!;
        if (!FINAL_STATES.has(victim.state)) s.cancelWithChildren(victim, now, reason, events, []);
      }
    }
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
      spawnPolicy: null,
      flow: job.flow ?? null,
      followUps: job.followUps ?? null,
      followUpMade: null,
      dedupeKey: job.dedupe ? job.dedupe.key : null,
    };
    s.jobs.set(job.id, stored);
    if (job.key !== null) s.keys.set(`${job.task}\0${job.key}`, job.id);
    if (job.dedupe) s.dedupe.set(`${job.task}\0${job.dedupe.key}`, { jobId: job.id, firstAt: now });
    for (const dep of deps) {
      let set = s.dependents.get(dep);
      if (!set) s.dependents.set(dep, (set = new Set()));
      set.add(job.id);
    }
    s.place(stored);
    // The group's live list (read once per batch) holds the jobs this batch inserts too.
    if (stored.flow?.concurrency && state === "queued") capGroups.inserted(stored);
    out.push({ id: job.id, state, created: true });
    events.push(s.event("job:enqueued", stored, now));
  }
  s.emit(events);
  return { jobs: out };
}

/**
 * The live (`queued` / `running`) jobs of cap groups, oldest first, read from the store once per
 * batch (only when a job of the batch has a strategy) and kept up to date by the batch's writes.
 */
class LiveGroups {
  private groups: Map<string, StoredJob[]> | null = null;
  constructor(private readonly s: MemoryStore) {}

  live(job: NewJob): StoredJob[] {
    if (this.groups === null) {
      this.groups = new Map();
      for (const j of this.s.jobs.values())
        if (j.state === "queued" || j.state === "running") this.inserted(j);
      for (const list of this.groups.values())
        list.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    }
    const name = capGroupOf(job.task, job.flow!)!;
    // Jobs this batch cancelled (or a cascade ended) leave the list here.
    const list = (this.groups.get(name) ?? []).filter((j) => j.state === "queued" || j.state === "running");
    this.groups.set(name, list);
    return list;
  }

  inserted(job: StoredJob): void {
    if (this.groups === null || !job.flow) return;
    const name = capGroupOf(job.task, job.flow);
    if (name === null) return;
    let list = this.groups.get(name);
    if (!list) this.groups.set(name, (list = []));
    list.push(job);
  }
}

/** The job a dedupe window matched (returned, or updated by debounce/replace), or null: create. */
function matchDedupe(
  s: MemoryStore,
  job: NewJob,
  now: number,
  events: BackendEvent[],
): JobEnqueueResult["jobs"][number] | null {
  const d = job.dedupe!;
  const entry = s.dedupe.get(`${job.task}\0${d.key}`) ?? null;
  const matched = entry ? s.jobs.get(entry.jobId) : undefined;
  const verdict = dedupeVerdict(d, entry, matched?.state ?? null, job.runAt, now);
  if (verdict.kind === "create" || !matched) return null;
  if (verdict.kind === "update") {
    matched.input = job.input;
    if (verdict.runAt !== null) {
      matched.runAt = verdict.runAt;
      matched.state = stateAfterRunAt(matched.state, verdict.runAt, now);
      s.place(matched);
    }
    matched.updatedAt = now;
    events.push(s.event("job:updated", matched, now, { input: true, runAt: matched.runAt, dedupe: d.mode }));
  }
  return { id: matched.id, state: matched.state, created: false, deduplicated: true };
}

export async function jobClaim(s: MemoryStore, params: JobClaimParams): Promise<JobClaimResult> {
  checkClaimLimit(params.limit);
  const now = s.clock.now();
  const token = newLeaseToken();
  const claimed: LeasedJob[] = [];
  const events: BackendEvent[] = [];
  let nextRunAt: number | null = null;
  let limited = false;
  const tasks = params.tasks ? new Set(params.tasks) : null;
  const lease = (job: StoredJob) => {
    job.state = "running";
    job.attempt += 1;
    job.leaseToken = token;
    job.leaseExpiresAt = now + (job.leaseMs ?? params.leaseMs);
    job.workerId = params.workerId;
    job.startedAt = now;
    job.updatedAt = now;
    s.running.add(job.id);
    claimed.push({ ...s.snapshot(job), leaseToken: token, leaseExpiresAt: job.leaseExpiresAt });
    events.push(s.event("job:started", job, now, { attempt: job.attempt, workerId: params.workerId }));
  };
  for (const queue of params.queues) {
    if (s.paused.has(queue)) continue;
    s.promoteDue(queue, now);
    const heap = s.ready.get(queue);
    const { room, retryAt } = claimRoom(s, queue, params.limit - claimed.length, now);
    if (room < params.limit - claimed.length) limited = true;
    const before = claimed.length;
    let waiting = heap !== undefined && heap.size > 0;
    if (room > 0 && flowPending(s, queue, now)) {
      // Task and key limits, fairness between keys (flow-claim.ts).
      const flow = claimFlow(s, queue, room, tasks, now, lease);
      if (flow.limited) limited = true;
      if (flow.retryAt !== null && (nextRunAt === null || flow.retryAt < nextRunAt)) nextRunAt = flow.retryAt;
      waiting ||= (s.flowReady.get(queue)?.size ?? 0) > 0;
    } else {
      const stop = claimed.length + room;
      // Ready jobs of tasks this claimer does not run: left in place for another claimer.
      const skipped: HeapEntry[] = [];
      while (heap && heap.size > 0 && claimed.length < stop) {
        const entry = heap.pop()!;
        const job = s.jobs.get(entry.id);
        if (job?.state !== "queued" || job.version !== entry.version) continue;
        if (tasks && !tasks.has(job.task)) {
          skipped.push(entry);
          continue;
        }
        lease(job);
      }
      for (const entry of skipped) heap!.push(entry);
    }
    claimTook(s, queue, claimed.length - before, now);
    if (retryAt !== null && waiting && (nextRunAt === null || retryAt < nextRunAt)) nextRunAt = retryAt;
    const next = s.nextDue(queue);
    if (next !== null && (nextRunAt === null || next < nextRunAt)) nextRunAt = next;
  }
  // Claims sort across queues by the same order a single queue uses.
  claimed.sort(claimOrder);
  s.emit(events);
  return {
    jobs: claimed,
    nextRunAt: claimed.length < params.limit ? nextRunAt : null,
    ...(limited ? { limited } : {}),
  };
}

export async function jobComplete(
  s: MemoryStore,
  { jobs, tx }: JobCompleteParams,
): Promise<TransitionResult> {
  refuseTx(tx, "memory", "complete a job");
  const now = s.clock.now();
  const ok: string[] = [];
  const refused: string[] = [];
  const events: BackendEvent[] = [];
  for (const { id, token, result } of jobs) {
    const job = s.leased(id, token);
    if (!job) {
      refused.push(id);
      continue;
    }
    s.finish(job, "completed", now);
    job.result = result;
    job.progress = job.progress ? { ...job.progress, percent: 100 } : job.progress;
    ok.push(id);
    events.push(s.event("job:completed", job, now, { attempt: job.attempt }));
    s.releaseDependents(job, now, events);
    insertFollowUp(s, job, "completed", result, now);
  }
  s.emit(events);
  return { ok, refused };
}

export async function jobFail(s: MemoryStore, { jobs }: JobFailParams): Promise<JobFailResult> {
  const now = s.clock.now();
  const result: JobFailResult = { retried: [], failed: [], refused: [] };
  const events: BackendEvent[] = [];
  for (const { id, token, error, retryAt } of jobs) {
    const job = s.leased(id, token);
    if (!job) {
      result.refused.push(id);
      continue;
    }
    job.errors.push(error);
    if (retryAt !== null && job.attempt < job.maxAttempts) {
      s.running.delete(id);
      job.leaseToken = null;
      job.leaseExpiresAt = null;
      job.runAt = Math.max(retryAt, now);
      job.state = retryAt > now ? "scheduled" : "queued";
      job.updatedAt = now;
      s.place(job);
      result.retried.push(id);
      events.push(s.event("job:retried", job, now, { attempt: job.attempt, runAt: job.runAt, error }));
    } else {
      s.finish(job, "failed", now);
      result.failed.push(id);
      events.push(s.event("job:failed", job, now, { attempt: job.attempt, error }));
      insertFollowUp(s, job, "failed", JSON.stringify(error), now);
      s.failed(job, now, events);
    }
  }
  s.emit(events);
  return result;
}

export async function jobRelease(s: MemoryStore, { leases }: JobReleaseParams): Promise<TransitionResult> {
  const now = s.clock.now();
  const ok: string[] = [];
  const refused: string[] = [];
  const events: BackendEvent[] = [];
  for (const { id, token } of leases) {
    const job = s.leased(id, token);
    if (!job) {
      refused.push(id);
      continue;
    }
    s.running.delete(id);
    job.state = "queued";
    job.attempt = Math.max(0, job.attempt - 1);
    job.leaseToken = null;
    job.leaseExpiresAt = null;
    job.updatedAt = now;
    s.place(job);
    ok.push(id);
    events.push(s.event("job:released", job, now));
  }
  s.emit(events);
  return { ok, refused };
}

/**
 * Durable follow-ups (../follow-ups.ts): inserts `job`'s follow-up for `outcome` (then / catch),
 * if it has one, in the same synchronous step that records the outcome, so exactly once.
 */
export function insertFollowUp(
  s: MemoryStore,
  job: StoredJob,
  outcome: FollowUpOutcome,
  payload: string,
  now: number,
): void {
  const tpl = followUpFor(job.followUps, outcome);
  // Taken at the outcome, both templates (as the other stores delete them).
  job.followUps = null;
  if (!tpl || s.jobs.has(tpl.id)) return;
  enqueueNow(s, [followUpJob(tpl, payload, now)], now);
  job.followUpMade = { outcome, id: tpl.id, task: tpl.task, queue: tpl.queue, made: true };
}
