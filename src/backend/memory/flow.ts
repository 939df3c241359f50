/** Memory backend, flow control: queue limits and the room they leave a claim (see flow-limits.ts). */
import type { BackendEvent, TransitionResult } from "../backend.js";
import { holdNameOf } from "../flow-gate.js";
import {
  checkBackoff,
  checkQueueHold,
  checkQueueLimitParams,
  limitRoom,
  rateAdvance,
} from "../flow-limits.js";
import {
  type JobBackoffParams,
  noLimits,
  type QueueHoldParams,
  type QueueLimitParams,
  type QueueLimits,
} from "../seam/flow.js";
import type { MemoryStore } from "./store.js";

export async function queueLimit(s: MemoryStore, params: QueueLimitParams): Promise<void> {
  const p = checkQueueLimitParams(params);
  const entry = s.limits.get(p.queue) ?? { limits: noLimits(), tat: null };
  if (p.concurrency !== undefined) entry.limits.concurrency = p.concurrency;
  if (p.rateLimit !== undefined) {
    entry.limits.rateLimit = p.rateLimit;
    entry.tat = null;
  }
  if (entry.limits.concurrency === null && entry.limits.rateLimit === null) s.limits.delete(p.queue);
  else s.limits.set(p.queue, entry);
}

export function limitsOf(s: MemoryStore, queue: string): QueueLimits {
  const entry = s.limits.get(queue);
  return entry ? { ...entry.limits } : noLimits();
}

/**
 * How many of `want` jobs the queue's limits let one claim start now, and (when the rate
 * limit is what stops it) the instant one more start is allowed.
 */
export function claimRoom(
  s: MemoryStore,
  queue: string,
  want: number,
  now: number,
): { room: number; retryAt: number | null } {
  const hold = s.holds.get(queue);
  if (hold !== undefined && hold > now) return { room: 0, retryAt: hold };
  const entry = s.limits.get(queue);
  if (!entry) return { room: want, retryAt: null };
  let running = 0;
  if (entry.limits.concurrency !== null)
    for (const id of s.running) if (s.jobs.get(id)?.queue === queue) running++;
  return limitRoom(entry.limits, running, entry.tat, want, now);
}

/** Records `n` starts against the queue's rate limit. */
export function claimTook(s: MemoryStore, queue: string, n: number, now: number): void {
  const entry = s.limits.get(queue);
  if (n > 0 && entry?.limits.rateLimit) entry.tat = rateAdvance(entry.limits.rateLimit, entry.tat, now, n);
}

export async function queueHold(s: MemoryStore, params: QueueHoldParams): Promise<void> {
  const p = checkQueueHold(params);
  const name = holdNameOf(p);
  s.holds.set(name, Math.max(p.until, s.holds.get(name) ?? 0));
}

export async function jobBackoff(s: MemoryStore, params: JobBackoffParams): Promise<TransitionResult> {
  checkBackoff(params);
  const now = s.clock.now();
  const ok: string[] = [];
  const refused: string[] = [];
  const events: BackendEvent[] = [];
  for (const { id, token, runAt } of params.jobs) {
    const job = s.leased(id, token);
    if (!job) {
      refused.push(id);
      continue;
    }
    s.running.delete(id);
    job.state = runAt > now ? "scheduled" : "queued";
    job.runAt = runAt;
    job.attempt = Math.max(0, job.attempt - 1);
    job.leaseToken = null;
    job.leaseExpiresAt = null;
    job.updatedAt = now;
    s.place(job);
    ok.push(id);
    events.push(s.event("job:retried", job, now, { attempt: job.attempt }));
  }
  s.emit(events);
  return { ok, refused };
}
