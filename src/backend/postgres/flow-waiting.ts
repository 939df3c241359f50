/**
 * PostgreSQL backend: the facts flow-waiting.ts needs for `queueList` (queued jobs per task and
 * key, running counts, rate state, holds), read in a few queries of the listing's snapshot.
 */
import type { QueueInfo } from "../backend.js";
import { decodeFlow, keyGroup, rateGroupOf, taskGroup } from "../flow-gate.js";
import { flowWaiting, type WaitGroup } from "../flow-waiting.js";
import type { FlowWaiting } from "../seam/flow.js";
import type { PgStore, Tx } from "./store.js";

export async function pgFlowWaiting(
  store: PgStore,
  q: Tx["q"],
  list: readonly QueueInfo[],
  tats: ReadonlyMap<string, number | null>,
  now: number,
): Promise<Map<string, FlowWaiting>> {
  const sql = store.sql;
  const groups = new Map<string, WaitGroup[]>();
  const add = (queue: string, g: WaitGroup) => {
    const of = groups.get(queue);
    if (of) of.push(g);
    else groups.set(queue, [g]);
  };
  const tasks = new Set<string>();
  const grps = new Set<string>();
  for (const r of await q<{ queue: string; task: string; flow_key: string; flow: string; n: number }>(
    sql.FLOW_WAITING,
  )) {
    const flow = decodeFlow(r.flow_key, r.flow);
    add(r.queue, { task: r.task, flow, queued: r.n });
    tasks.add(r.task);
    const rate = rateGroupOf(r.task, flow);
    if (rate !== null) grps.add(rate);
  }
  for (const r of await q<{ queue: string; task: string; n: number }>(sql.FLOW_WAITING_HELD, { now }))
    add(r.queue, { task: r.task, flow: null, queued: r.n });
  const running = new Map<string, number>();
  if (tasks.size > 0)
    for (const r of await q<{ task: string; flow_key: string; n: number }>(sql.FLOW_RUNNING, {
      tasks: [...tasks],
    })) {
      running.set(keyGroup(r.task, r.flow_key), r.n);
      running.set(taskGroup(r.task), (running.get(taskGroup(r.task)) ?? 0) + r.n);
    }
  const tatOf = new Map<string, number>();
  if (grps.size > 0)
    for (const r of await q<{ grp: string; tat: number }>(sql.FLOW_TATS, { grps: [...grps] }))
      tatOf.set(r.grp, r.tat);
  const until = new Map<string, number>();
  for (const r of await q<{ name: string; until: number }>(sql.FLOW_HOLDS_ALL, { now }))
    until.set(r.name, Number(r.until));
  return flowWaiting(
    list.map((info) => ({
      queue: info.name,
      queued: info.counts.queued,
      limits: info.limits,
      running: info.counts.running,
      tat: tats.get(info.name) ?? null,
      hold: until.get(info.name) ?? null,
      groups: groups.get(info.name) ?? [],
    })),
    {
      running: (task, key) => running.get(key === null ? taskGroup(task) : keyGroup(task, key)) ?? 0,
      tat: (grp) => tatOf.get(grp) ?? null,
      hold: (name) => until.get(name) ?? null,
    },
    now,
  );
}
