/**
 * Memory backend: the claim of a queue whose jobs have task or key limits (flow-gate.ts).
 * Jobs with limits wait in one heap per fairness group (store.ts `flowReady`); jobs without
 * limits in the queue's ready heap, served as one more group. Groups are served round-robin,
 * one job per group per round, in a ring that goes on from claim to claim; a group whose next
 * job a limit stops is skipped for the rest of the claim, so limited keys never block the others.
 */
import { FlowGate, type FlowGateIo } from "../flow-gate.js";
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

/** A group's place in the ring: the jobs without limits first, then groups by (task, key). */
type RingPos = { task: string; key: string } | "plain";

function before(a: RingPos, b: RingPos): boolean {
  if (a === "plain") return b !== "plain";
  if (b === "plain") return false;
  return a.task < b.task || (a.task === b.task && a.key < b.key);
}

/** One group of the ring and its heap. */
interface Group {
  pos: RingPos;
  heap: Heap<HeapEntry>;
  done: boolean;
}

/**
 * Claims up to `room` jobs of `queue` through the flow gate; `lease` starts one job. Groups
 * take turns in a ring (the same rule as SQLite's flow-ring.ts): round by round, each group's
 * next job the limits allow, the ring starting after the group the queue's previous fair claim
 * served last (`s.flowCursor`), so consecutive claims of one job each rotate between keys.
 * Returns what it took, and when a limit held a job back, the instant one may start.
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
  const ring: Group[] = [];
  for (const [name, heap] of groups) {
    const job = top(s, heap);
    if (!job) groups.delete(name);
    else if (!tasks || tasks.has(job.task))
      ring.push({ pos: { task: job.task, key: job.flow!.key }, heap, done: false });
  }
  if (plain && top(s, plain)) ring.push({ pos: "plain", heap: plain, done: false });
  ring.sort((a, b) => (before(a.pos, b.pos) ? -1 : before(b.pos, a.pos) ? 1 : 0));
  // Start after the cursor: the first group past it, wrapping around.
  const cursor = s.flowCursor.get(queue);
  const first = cursor === undefined ? 0 : ring.findIndex((g) => before(cursor, g.pos));
  const order = first <= 0 ? ring : [...ring.slice(first), ...ring.slice(0, first)];
  let taken = 0;
  let last: RingPos | null = null;
  /** Gives group `g` its turn: takes its next job the limits allow, if any. */
  const turn = (g: Group): void => {
    let job = top(s, g.heap);
    // The plain heap mixes tasks: step over jobs this claim may not start.
    while (job && g.pos === "plain" && ((tasks && !tasks.has(job.task)) || !gate.admit(job.task, null))) {
      skipped.push(g.heap.pop()!);
      job = top(s, g.heap);
    }
    // A group's jobs share task and key: once one is stopped, the rest of the group is too.
    if (!job || (g.pos !== "plain" && !gate.admit(job.task, job.flow))) {
      g.done = true;
      return;
    }
    g.heap.pop();
    lease(job);
    taken++;
    last = g.pos;
  };
  while (taken < room) {
    const live = order.filter((g) => !g.done);
    if (live.length === 0) break;
    for (const g of live) {
      if (taken >= room) break;
      turn(g);
    }
  }
  if (last !== null) s.flowCursor.set(queue, last);
  for (const entry of skipped) plain!.push(entry);
  for (const [group, tat] of gate.moved) s.flowTat.set(group, tat);
  return { taken, retryAt: gate.retryAt, limited: gate.limited };
}
