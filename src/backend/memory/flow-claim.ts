/**
 * Memory backend: the claim of a queue whose jobs have task or key limits (flow-gate.ts).
 * Jobs with limits wait in one heap per fairness group (store.ts `flowReady`); jobs without
 * limits in the queue's ready heap, served as one more group. Groups are served round-robin,
 * one job per group per round, each round in claim order; a group whose next job a limit
 * stops is skipped for the rest of the claim, so limited keys never block the others.
 */
import { FlowGate, type FlowGateIo } from "../flow-gate.js";
import { claimOrder } from "../shared.js";
import type { Heap } from "./heap.js";
import type { HeapEntry, MemoryStore, StoredJob } from "./store.js";

const GROUP_SEP = "\u001f";

/** Whether the queue's claim must take the flow path: jobs with limits wait, or a task/key hold is on. */
export function flowPending(s: MemoryStore, queue: string, now: number): boolean {
  const groups = s.flowReady.get(queue);
  if (groups && groups.size > 0) return true;
  for (const [name, until] of s.holds) if (until > now && name.includes(GROUP_SEP)) return true;
  return false;
}

/** The first live entry of a heap (stale ones dropped), or undefined. */
function top(s: MemoryStore, heap: Heap<HeapEntry>): StoredJob | undefined {
  while (heap.size > 0) {
    const entry = heap.peek()!;
    const job = s.jobs.get(entry.id);
    if (job?.state === "queued" && job.version === entry.version) return job;
    heap.pop();
  }
  return undefined;
}

/** What the flow gate reads, from the memory store. */
export function gateIo(s: MemoryStore): FlowGateIo {
  return {
    running: (task, key) => {
      let n = 0;
      for (const id of s.running) {
        const job = s.jobs.get(id);
        if (job?.task === task && job.flow !== null && (key === null || job.flow.key === key)) n++;
      }
      return n;
    },
    tat: (group) => s.flowTat.get(group) ?? null,
    hold: (group) => s.holds.get(group) ?? null,
  };
}

function gateFor(s: MemoryStore, now: number): FlowGate {
  return new FlowGate(gateIo(s), now);
}

/**
 * Claims up to `room` jobs of `queue` through the flow gate; `lease` starts one job. Returns
 * what it took, and when a limit held a job back, the instant one may start (rate or hold).
 */
export function claimFlow(
  s: MemoryStore,
  queue: string,
  room: number,
  tasks: Set<string> | null,
  now: number,
  lease: (job: StoredJob) => void,
): { taken: number; retryAt: number | null; limited: boolean } {
  const gate = gateFor(s, now);
  const groups = s.flowReady.get(queue) ?? new Map<string, Heap<HeapEntry>>();
  const plain = s.ready.get(queue);
  // Jobs without limits this claim may not take (task filter, task hold): put back at the end.
  const skipped: HeapEntry[] = [];
  const active = new Set<Heap<HeapEntry>>();
  for (const [name, heap] of groups) {
    const job = top(s, heap);
    if (!job) groups.delete(name);
    else if (!tasks || tasks.has(job.task)) active.add(heap);
  }
  if (plain) active.add(plain);
  let taken = 0;
  while (taken < room && active.size > 0) {
    // One round: each group's next job, in claim order.
    const round: { heap: Heap<HeapEntry>; job: StoredJob }[] = [];
    for (const heap of active) {
      let job = top(s, heap);
      // The plain heap mixes tasks: step over jobs this claim may not start.
      while (job && heap === plain && ((tasks && !tasks.has(job.task)) || !gate.admit(job.task, null))) {
        skipped.push(heap.pop()!);
        job = top(s, heap);
      }
      if (job) round.push({ heap, job });
      else active.delete(heap);
    }
    round.sort((a, b) => claimOrder(a.job, b.job));
    for (const { heap, job } of round) {
      if (taken >= room) break;
      // A plain job was admitted above; a group's job is admitted (and counted) here.
      if (heap !== plain && !gate.admit(job.task, job.flow)) {
        active.delete(heap);
        continue;
      }
      heap.pop();
      lease(job);
      taken++;
    }
  }
  for (const entry of skipped) plain!.push(entry);
  for (const [group, tat] of gate.moved) s.flowTat.set(group, tat);
  return { taken, retryAt: gate.retryAt, limited: gate.limited };
}
