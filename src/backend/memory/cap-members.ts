/**
 * The strategy at the cap for graph members (workflow nodes, spawned children) in the memory
 * backend: after the batch is written and wired, in the same synchronous step, each member with
 * a strategy is decided in batch order (cap-strategy.ts `decideMember`).
 */
import type { NewJob } from "../backend.js";
import { decideMember, laterIds, strategyMembers } from "../cap-strategy.js";
import { capGroupOf } from "../flow-gate.js";
import type { BackendEvent } from "../seam/events.js";
import type { MemoryStore } from "./store.js";

const isLive = (state: string) => state === "queued" || state === "running";

export function decideMembers(s: MemoryStore, jobs: readonly NewJob[], now: number): void {
  const members = strategyMembers(jobs, (i) => s.jobs.get(jobs[i]!.id)?.state === "queued");
  if (members.length === 0) return;
  const events: BackendEvent[] = [];
  for (const { job, strategy, index } of members) {
    const group = capGroupOf(job.task, job.flow!);
    const live = [...s.jobs.values()]
      .filter((j) => isLive(j.state) && j.flow !== null && capGroupOf(j.task, j.flow) === group)
      .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map((j) => j.id);
    const decision = decideMember(job, strategy, live, laterIds(jobs, index));
    for (const id of decision?.cancel ?? []) {
      const victim = s.jobs.get(id)!;
      if (isLive(victim.state)) s.cancelWithChildren(victim, now, decision!.reason, events, []);
    }
  }
  s.emit(events);
}
