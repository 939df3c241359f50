/**
 * SQLite backend: the claim of a queue whose jobs have task or key limits (flow-gate.ts),
 * inside the claim's write transaction, so counting and claiming are atomic across every
 * process sharing the file. Candidates come round-robin between groups (flow-candidates.sql);
 * a group whose next job a limit stops is skipped for the rest of the claim.
 */
import type { LeasedJob } from "../../core/types.js";
import { decodeFlow, FlowGate, type FlowGateIo, fairGroupOf } from "../flow-gate.js";
import { toLeased } from "./rows.js";
import type { SqliteStore } from "./store.js";

/** Candidates read per claim: enough to step over groups a limit stops, bounded for huge queues. */
export function flowScan(room: number): number {
  return Math.max(1000, room * 20);
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
  const gate = new FlowGate(gateIo(s), now);
  const blocked = new Set<string>();
  const rowids: number[] = [];
  for (const c of sql.flowCandidates.all({ queue, tasks: args.tasks, room, scan: flowScan(room) })) {
    if (rowids.length >= room) break;
    const flow = c.flow_key === null || c.flow === null ? null : decodeFlow(c.flow_key, c.flow);
    const group = fairGroupOf(c.task, flow);
    // A group's jobs share task and key: once one is stopped, the rest of the group is too.
    if (flow !== null && blocked.has(group)) continue;
    if (gate.admit(c.task, flow)) rowids.push(c.rid);
    else if (flow !== null) blocked.add(group);
  }
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
