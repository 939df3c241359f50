/**
 * PostgreSQL backend: the claim of a queue whose jobs have task or key limits (flow-gate.ts).
 * Fair claims take one transaction-scoped advisory lock (flow-lock.sql), so each counts the
 * running jobs every earlier one committed; plain claims never take jobs with limits
 * (job-claim.sql), so they need no part in it. The gate's reads are loaded in three queries
 * for all the candidates' groups, then applied in memory.
 */
import type { LeasedJob } from "../../core/types.js";
import { decodeFlow, FlowGate, fairGroupOf, keyGroup, rateGroupOf, taskGroup } from "../flow-gate.js";
import type { JobFlow } from "../seam/flow.js";
import { type JobRow, toLeased } from "./rows.js";
import type { PgStore, Tx } from "./store.js";

/** Candidates read per claim: enough to step over groups a limit stops, bounded for huge queues. */
const flowScan = (room: number) => Math.max(1000, room * 20);

/**
 * The queues of a claim that take the fair path. Asked before the claim locks anything: when
 * there are some, the claim takes the fair claims' lock first, before any queue's limits row,
 * so it never waits for that lock while holding a row another fair claim waits for.
 */
export async function pgFlowPending(store: PgStore, tx: Tx, queues: readonly string[]): Promise<Set<string>> {
  const rows = await tx.q<{ queue: string }>(store.sql.FLOW_PENDING, { queues: [...queues], now: tx.now });
  const out = new Set(rows.map((r) => r.queue));
  if (out.size > 0) await tx.q(store.sql.FLOW_LOCK);
  return out;
}

export async function pgClaimFlow(
  store: PgStore,
  tx: Tx,
  args: {
    queue: string;
    room: number;
    tasks: string[] | null;
    token: string;
    workerId: string;
    leaseMs: number;
  },
  into: LeasedJob[],
): Promise<{ taken: number; retryAt: number | null; limited: boolean }> {
  const sql = store.sql;
  const { queue, room } = args;
  const rows = await tx.q<{ id: string; task: string; flow_key: string | null; flow: string | null }>(
    sql.FLOW_CANDIDATES,
    { queue, tasks: args.tasks, room, scan: flowScan(room) },
  );
  const candidates = rows.map((r) => ({
    id: r.id,
    task: r.task,
    flow: r.flow_key === null || r.flow === null ? null : decodeFlow(r.flow_key, r.flow),
  }));
  // Everything the gate may read, in three queries.
  const tasks = new Set<string>();
  const grps = new Set<string>();
  const holds = new Set<string>();
  for (const c of candidates) {
    holds.add(taskGroup(c.task));
    if (c.flow === null) continue;
    tasks.add(c.task);
    if (c.flow.key !== "") holds.add(keyGroup(c.task, c.flow.key));
    const rate = rateGroupOf(c.task, c.flow);
    if (rate !== null) grps.add(rate);
  }
  const running = new Map<string, number>();
  if (tasks.size > 0)
    for (const r of await tx.q<{ task: string; flow_key: string; n: number }>(sql.FLOW_RUNNING, {
      tasks: [...tasks],
    })) {
      running.set(keyGroup(r.task, r.flow_key), r.n);
      running.set(taskGroup(r.task), (running.get(taskGroup(r.task)) ?? 0) + r.n);
    }
  const tats = new Map<string, number>();
  if (grps.size > 0)
    for (const r of await tx.q<{ grp: string; tat: number }>(sql.FLOW_TATS, { grps: [...grps] }))
      tats.set(r.grp, r.tat);
  const until = new Map<string, number>();
  for (const r of await tx.q<{ name: string; until: number }>(sql.FLOW_HOLDS, { names: [...holds] }))
    until.set(r.name, Number(r.until));
  const gate = new FlowGate(
    {
      running: (task, key) => running.get(key === null ? taskGroup(task) : keyGroup(task, key)) ?? 0,
      tat: (grp) => tats.get(grp) ?? null,
      hold: (name) => until.get(name) ?? null,
    },
    tx.now,
  );
  const blocked = new Set<string>();
  const ids: string[] = [];
  for (const c of candidates) {
    if (ids.length >= room) break;
    const group = fairGroupOf(c.task, c.flow as JobFlow | null);
    // A group's jobs share task and key: once one is stopped, the rest of the group is too.
    if (c.flow !== null && blocked.has(group)) continue;
    if (gate.admit(c.task, c.flow)) ids.push(c.id);
    else if (c.flow !== null) blocked.add(group);
  }
  let taken = 0;
  if (ids.length > 0) {
    const claimed = await tx.q<JobRow>(sql.FLOW_CLAIM, {
      ids,
      now: tx.now,
      token: args.token,
      worker_id: args.workerId,
      lease_ms: Math.ceil(args.leaseMs),
    });
    for (const row of claimed) into.push(toLeased(row));
    taken = claimed.length;
  }
  for (const [grp, tat] of gate.moved) await tx.q(sql.FLOW_TAT_PUT, { grp, tat });
  return { taken, retryAt: gate.retryAt, limited: gate.limited };
}
