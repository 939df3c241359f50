/**
 * Jobs waiting on a limit (docs/flow-control.md, "Seeing who waits"): for `queueList`, how many
 * queued jobs of each queue a limit holds back now, and which task or key limits do. Shared by
 * every backend: each reads the facts (queued jobs per task and key, running counts, rate state,
 * holds) its own way and this file applies the claim's rules to them, so the count agrees with
 * what the next claims would do (flow-gate.ts, flow-limits.ts) without claiming anything.
 */
import { capGroupOf, type FlowGateIo, keyGroup, rateGroupOf, taskGroup } from "./flow-gate.js";
import { limitRoom, rateAdvance, rateRoom } from "./flow-limits.js";
import type { FlowWaiting, JobFlow, LimitWait, QueueLimits } from "./seam/flow.js";

/** Most `limitWaits` entries per queue (the largest first). */
export const LIMIT_WAITS_MAX = 20;

/** Queued jobs of one task (and limit key) in a queue; `flow` null: jobs without limits. */
export interface WaitGroup {
  task: string;
  flow: JobFlow | null;
  queued: number;
}

/** What a backend reads about one queue. */
export interface QueueFacts {
  queue: string;
  /** Every queued job of the queue (with and without limits). */
  queued: number;
  limits: QueueLimits;
  /** Jobs of the queue running now. */
  running: number;
  /** The queue's rate state (null: never used). */
  tat: number | null;
  /** The queue's hold (null or past: none). */
  hold: number | null;
  /**
   * Queued jobs with limits, per task and key; jobs without limits need only be given for
   * tasks a task hold is on (nothing else stops them below the queue's own limits).
   */
  groups: readonly WaitGroup[];
}

export function noWaiting(): FlowWaiting {
  return { waitingOnLimit: 0, limitWaits: [] };
}

/** A limit's room shared by every group it covers (a task cap spans keys and queues). */
class Rooms {
  private readonly capLeft = new Map<string, number>();
  private readonly tat = new Map<string, number | null>();
  private readonly holds = new Map<string, number | null>();

  constructor(
    private readonly io: FlowGateIo,
    private readonly now: number,
  ) {}

  held(group: string): boolean {
    let until = this.holds.get(group);
    if (until === undefined) this.holds.set(group, (until = this.io.hold(group)));
    return until !== null && until > this.now;
  }

  /** How many of a group's `n` queued jobs its limits let start now; those are counted. */
  admit(g: WaitGroup): { admitted: number; wait: Omit<LimitWait, "waiting"> | null } {
    const { task, flow, queued: n } = g;
    const key = flow === null || flow.key === "" ? null : flow.key;
    if (this.held(taskGroup(task)))
      return { admitted: 0, wait: { scope: "task", task, key: null, reason: "hold" } };
    if (flow === null) return { admitted: n, wait: null };
    if (key !== null && this.held(keyGroup(task, key)))
      return { admitted: 0, wait: { scope: "key", task, key, reason: "hold" } };
    let admitted = n;
    let wait: Omit<LimitWait, "waiting"> | null = null;
    const cap = capGroupOf(task, flow);
    if (cap !== null) {
      let left = this.capLeft.get(cap);
      if (left === undefined)
        left = flow.concurrency!.limit - this.io.running(task, flow.concurrency!.keyed ? flow.key : null);
      left = Math.max(0, left);
      this.capLeft.set(cap, left);
      if (left < admitted) {
        admitted = left;
        const keyed = flow.concurrency!.keyed;
        wait = { scope: keyed ? "key" : "task", task, key: keyed ? key : null, reason: "concurrency" };
      }
    }
    const rateGroup = rateGroupOf(task, flow);
    if (rateGroup !== null) {
      const rate = flow.rateLimit!;
      let tat = this.tat.get(rateGroup);
      if (tat === undefined) tat = this.io.tat(rateGroup);
      const room = rateRoom(rate, tat, this.now);
      if (room < admitted) {
        admitted = room;
        wait = { scope: rate.keyed ? "key" : "task", task, key: rate.keyed ? key : null, reason: "rate" };
      }
      this.tat.set(rateGroup, admitted > 0 ? rateAdvance(rate, tat, this.now, admitted) : tat);
    }
    if (cap !== null) this.capLeft.set(cap, this.capLeft.get(cap)! - admitted);
    return { admitted, wait };
  }
}

/**
 * Per queue: queued jobs a limit holds back now (task and key limits first, then the queue's
 * own concurrency cap, rate limit or hold on what they let through), and the task and key
 * limits that hold jobs back, largest first. Queues are taken in the order given.
 */
export function flowWaiting(
  queues: readonly QueueFacts[],
  io: FlowGateIo,
  now: number,
): Map<string, FlowWaiting> {
  const rooms = new Rooms(io, now);
  const out = new Map<string, FlowWaiting>();
  for (const q of queues) {
    // One entry per limit: a task limit's groups (one per key) add up.
    const byLimit = new Map<string, LimitWait>();
    let held = 0;
    for (const g of q.groups) {
      const { admitted, wait } = rooms.admit(g);
      if (wait === null || g.queued <= admitted) continue;
      const id = JSON.stringify([wait.scope, wait.task, wait.key, wait.reason]);
      const entry = byLimit.get(id);
      if (entry) entry.waiting += g.queued - admitted;
      else byLimit.set(id, { ...wait, waiting: g.queued - admitted });
      held += g.queued - admitted;
    }
    const waits = [...byLimit.values()];
    const through = Math.max(0, q.queued - held);
    let room = through;
    let reason: LimitWait["reason"] | null = null;
    if (q.hold !== null && q.hold > now) {
      room = 0;
      reason = "hold";
    } else {
      room = limitRoom(q.limits, q.running, q.tat, through, now).room;
      if (room < through) {
        const capRoom =
          q.limits.concurrency === null ? through : Math.max(0, q.limits.concurrency - q.running);
        reason = capRoom <= room ? "concurrency" : "rate";
      }
    }
    if (reason !== null && room < through)
      waits.push({ scope: "queue", task: null, key: null, reason, waiting: through - room });
    waits.sort((a, b) => b.waiting - a.waiting);
    out.set(q.queue, {
      waitingOnLimit: q.queued - Math.min(through, room),
      limitWaits: waits.slice(0, LIMIT_WAITS_MAX),
    });
  }
  return out;
}
