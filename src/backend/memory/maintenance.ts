/** Memory backend, maintenance section: leases, rescue, retention, the worker registry. */
import type { JobErrorRecord, JobState } from "../../core/types.js";
import type {
  BackendEvent,
  LeaseRenewParams,
  LeaseRenewResult,
  LeaseRescueParams,
  LeaseRescueResult,
  RetentionPruneParams,
  WorkerHeartbeatParams,
  WorkerInfo,
} from "../backend.js";
import { LEASE_EXPIRED_MESSAGE } from "../shared.js";
import { insertFollowUp } from "./jobs.js";
import type { MemoryStore } from "./store.js";

export async function leaseRenew(
  s: MemoryStore,
  { leases, leaseMs }: LeaseRenewParams,
): Promise<LeaseRenewResult> {
  const now = s.clock.now();
  const out: LeaseRenewResult = { renewed: [], lost: [] };
  for (const { id, token } of leases) {
    const job = s.leased(id, token);
    if (!job) {
      out.lost.push(id);
      continue;
    }
    job.leaseExpiresAt = now + (job.leaseMs ?? leaseMs);
    out.renewed.push({ id, leaseExpiresAt: job.leaseExpiresAt });
  }
  return out;
}

export async function leaseRescue(s: MemoryStore, { limit }: LeaseRescueParams): Promise<LeaseRescueResult> {
  const now = s.clock.now();
  const out: LeaseRescueResult = { requeued: [], failed: [] };
  const events: BackendEvent[] = [];
  for (const id of [...s.running]) {
    if (out.requeued.length + out.failed.length >= limit) break;
    const job = s.jobs.get(id)!;
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
      s.running.delete(id);
      job.state = "queued";
      job.leaseToken = null;
      job.leaseExpiresAt = null;
      job.updatedAt = now;
      s.place(job);
      out.requeued.push(id);
      events.push(s.event("job:rescued", job, now, { attempt: job.attempt, error }));
    } else {
      s.finish(job, "failed", now);
      out.failed.push(id);
      events.push(s.event("job:failed", job, now, { attempt: job.attempt, error }));
      insertFollowUp(s, job, "failed", JSON.stringify(error), now);
      s.failed(job, now, events);
    }
  }
  s.emit(events);
  return out;
}

export async function retentionPrune(
  s: MemoryStore,
  params: RetentionPruneParams,
): Promise<{ removed: number }> {
  const victims = new Set<string>();
  s.workflows.settle(s.clock.now());
  const byState = (state: JobState) =>
    [...s.jobs.values()]
      .filter((j) => j.state === state && !s.workflows.retains(j.id))
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
    s.removeOne(s.jobs.get(id)!);
    removed++;
  }
  return { removed };
}

export async function workerHeartbeat(
  s: MemoryStore,
  { worker, ttlMs }: WorkerHeartbeatParams,
): Promise<void> {
  const now = s.clock.now();
  s.workers.set(worker.id, {
    ...worker,
    running: [...worker.running],
    queues: [...worker.queues],
    lastSeenAt: now,
    expiresAt: now + ttlMs,
  });
}

export async function workerList(s: MemoryStore): Promise<WorkerInfo[]> {
  const now = s.clock.now();
  const out: WorkerInfo[] = [];
  for (const [id, w] of s.workers) {
    if (w.expiresAt < now) {
      s.workers.delete(id);
      continue;
    }
    const { expiresAt: _, ...info } = w;
    out.push({ ...info, running: [...info.running], queues: [...info.queues] });
  }
  return out.sort((a, b) => a.id.localeCompare(b.id));
}

export async function workerRemove(s: MemoryStore, { id }: { id: string }): Promise<void> {
  s.workers.delete(id);
}
