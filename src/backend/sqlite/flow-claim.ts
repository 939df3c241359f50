/**
 * SQLite backend: the claim of a queue whose jobs have task or key limits (flow-gate.ts),
 * inside the claim's write transaction, so counting and claiming are atomic across every
 * process sharing the file. Groups take turns (flow-ring.ts): round by round, each group's next
 * job, the ring starting after the group the queue's previous fair claim served last, so
 * consecutive claims rotate between keys even when each claims one job. A group whose next job
 * a limit stops is skipped for the rest of the claim.
 */
import type { LeasedJob } from "../../core/types.js";
import { decodeFlow, FlowGate, type FlowGateIo } from "../flow-gate.js";
import type { JobFlow } from "../seam/flow.js";
import { GroupRing, type RingGroup } from "./flow-ring.js";
import { toLeased } from "./rows.js";
import type { SqliteStore } from "./store.js";

/** Groups (and jobs without limits) a claim may look at: enough to step over stopped ones, bounded. */
export function flowScan(room: number): number {
  return Math.max(1000, room * 20);
}

/** A queued job the claim may take: its rowid, task and limits. */
interface Candidate {
  rid: number;
  task: string;
  flow: JobFlow | null;
}

export function flowPending(s: SqliteStore, queue: string, now: number): boolean {
  return s.sql.flowPending.get({ queue, now }) !== undefined;
}

/** What the flow gate reads, from the store (inside a transaction). */
export function gateIo(s: SqliteStore): FlowGateIo {
  const sql = s.sql;
  return {
    running: (task, key) => sql.flowRunning.get({ task, key })?.n ?? 0,
    tat: (grp) => sql.flowTatGet.get({ grp })?.tat ?? null,
    hold: (name) => sql.queueHoldGet.get({ queue: name })?.until ?? null,
  };
}

export function claimFlow(
  s: SqliteStore,
  args: {
    queue: string;
    room: number;
    tasks: string | null;
    now: number;
    token: string;
    workerId: string;
    leaseMs: number;
  },
  into: LeasedJob[],
): { taken: number; retryAt: number | null; limited: boolean } {
  const sql = s.sql;
  const { queue, room, now } = args;
  const tasks = args.tasks === null ? null : new Set(JSON.parse(args.tasks) as string[]);
  const gate = new FlowGate(gateIo(s), now);
  const ring = new GroupRing(s, queue, sql.flowCursorGet.get({ queue }));
  const buffers = new Map<RingGroup, Candidate[]>();
  const rowids: number[] = [];
  let budget = flowScan(room);
  let lastTaken: RingGroup | null = null;
  let lastSeen: RingGroup | null = null;

  /** The group's next unread job (null: none left), reading `chunk` more when its buffer is empty. */
  const nextOf = (g: RingGroup, chunk: number): Candidate | null => {
    let buf = buffers.get(g);
    if (!buf || buf.length === 0) {
      const n = Math.max(1, chunk);
      buf =
        g.task === null
          ? sql.flowPlainJobs
              .all({ queue, tasks: args.tasks, n, skip: g.read })
              .map((r) => ({ rid: r.rid, task: r.task, flow: null }))
          : sql.flowGroupJobs
              .all({ queue, task: g.task, key: g.key!, n, skip: g.read })
              .map((r) => ({ rid: r.rid, task: g.task!, flow: decodeFlow(g.key!, r.flow) }));
      buffers.set(g, buf);
    }
    const c = buf.shift();
    if (c === undefined) return null;
    g.read++;
    return c;
  };

  /** Gives group `g` its turn: takes its next job the limits allow, if any. */
  const turn = (g: RingGroup, chunk: number): boolean => {
    lastSeen = g;
    if (g.task !== null && tasks !== null && !tasks.has(g.task)) {
      budget--;
      g.done = true;
      return false;
    }
    for (;;) {
      if (budget-- <= 0) return false;
      const c = nextOf(g, chunk);
      if (c === null) {
        g.done = true;
        return false;
      }
      if (gate.admit(c.task, c.flow)) {
        rowids.push(c.rid);
        lastTaken = g;
        return true;
      }
      // A group's jobs share task and key: once one is stopped, the rest of the group is too.
      // Jobs without limits mix tasks: a held task's job is stepped over.
      if (g.task !== null) {
        g.done = true;
        return false;
      }
    }
  };

  // Round one walks the ring lazily (a claim of one job reads one group); later rounds go
  // round the groups met, each reading about its share of the room left.
  for (let g = ring.next(); g !== null && rowids.length < room && budget > 0; g = ring.next()) turn(g, 1);
  while (rowids.length < room && budget > 0) {
    const live = ring.groups.filter((g) => !g.done);
    if (live.length === 0) break;
    const chunk = Math.ceil((room - rowids.length) / live.length);
    let took = false;
    for (const g of live) {
      if (rowids.length >= room || budget <= 0) break;
      if (turn(g, chunk)) took = true;
    }
    if (!took) break;
  }
  // The next claim starts after the last group served, or, when this one ran out of budget
  // stepping over stopped groups, after the last one it looked at (so it moves on).
  // (Assigned inside the closures above, which the compiler does not follow.)
  const last = (budget <= 0 ? lastSeen : lastTaken) as RingGroup | null;
  if (last !== null) sql.flowCursorPut.run({ queue, task: last.task, key: last.key });
  let taken = 0;
  if (rowids.length > 0) {
    const rows = sql.flowClaim.all({
      rowids: JSON.stringify(rowids),
      now,
      token: args.token,
      worker_id: args.workerId,
      lease_ms: args.leaseMs,
    });
    const write = { queue, workerId: args.workerId, token: args.token, now, leaseMs: args.leaseMs };
    for (const row of rows) {
      const job = toLeased(row, write);
      // flow_key follows CLAIM_COLUMNS (flow-claim.sql).
      const limitKey = row[row.length - 1] as string | null;
      into.push(limitKey === null ? job : { ...job, limitKey });
    }
    taken = rows.length;
  }
  for (const [grp, tat] of gate.moved) sql.flowTatPut.run({ grp, tat });
  return { taken, retryAt: gate.retryAt, limited: gate.limited };
}
