/**
 * Redis backend: the facts flow-waiting.ts needs for `queueList`, read by one script
 * (flow-waiting.lua) so they agree; the claim's rules are applied here, in TypeScript.
 */
import type { QueueInfo } from "../backend.js";
import { decodeFlow } from "../flow-gate.js";
import { flowWaiting, type WaitGroup } from "../flow-waiting.js";
import type { FlowWaiting } from "../seam/flow.js";
import type { RedisStore } from "./store.js";

/** Ready jobs per (queue, priority) examined for the jobs of held tasks without limits. */
export const HELD_SCAN = 10_000;

const pairs = (flat: unknown): [string, string][] => {
  const a = flat as string[];
  const out: [string, string][] = [];
  for (let i = 0; i < a.length; i += 2) out.push([a[i]!, String(a[i + 1])]);
  return out;
};

export async function redisFlowWaiting(
  s: RedisStore,
  list: readonly QueueInfo[],
  tats: ReadonlyMap<string, number | null>,
): Promise<Map<string, FlowWaiting>> {
  const now = s.time().now;
  const names = list.map((q) => q.name);
  const reply = await s.run("flow-waiting", [now, HELD_SCAN, ...names], false);
  const holds = new Map(pairs(reply[1]).map(([k, v]) => [k, Number(v)]));
  const tatOf = new Map(pairs(reply[2]).map(([k, v]) => [k, Number(v)]));
  const running = new Map(pairs(reply[3]).map(([k, v]) => [k, Number(v)]));
  return flowWaiting(
    list.map((q, i) => {
      const at = 4 + i * 3;
      const groups: WaitGroup[] = [];
      const g = reply[at + 1] as string[];
      for (let j = 0; j < g.length; j += 4)
        groups.push({ task: g[j]!, flow: decodeFlow(g[j + 1]!, g[j + 2]!), queued: Number(g[j + 3]) });
      for (const [task, n] of pairs(reply[at + 2])) groups.push({ task, flow: null, queued: Number(n) });
      const hold = reply[at];
      return {
        queue: q.name,
        queued: q.counts.queued,
        limits: q.limits,
        running: q.counts.running,
        tat: tats.get(q.name) ?? null,
        hold: hold === null || hold === undefined || hold === false ? null : Number(hold),
        groups,
      };
    }),
    {
      running: (task, key) =>
        running.get(key === null ? `t\u001f${task}` : `k\u001f${task}\u001f${key}`) ?? 0,
      tat: (grp) => tatOf.get(grp) ?? null,
      hold: (name) => holds.get(name) ?? null,
    },
    now,
  );
}
