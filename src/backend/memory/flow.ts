/** Memory backend, flow control: queue limits and the room they leave a claim (see flow-limits.ts). */
import { checkQueueLimitParams, limitRoom, rateAdvance } from "../flow-limits.js";
import { noLimits, type QueueLimitParams, type QueueLimits } from "../seam/flow.js";
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
