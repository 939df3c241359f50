/**
 * The strategy at the cap on spool's connection (insert.ts `AtCap`, cap-strategy.ts): every
 * path that inserts jobs inside spool's own transaction passes it to `insertEach` (enqueue,
 * schedule fires) or `decideMembers` (workflow nodes, spawned children), so the rule is decided
 * in the same write as the insert.
 */
import type { BackendEvent, NewJob } from "../backend.js";
import { decideMember, laterIds, strategyMembers } from "../cap-strategy.js";
import { cancelTree } from "./control.js";
import type { AtCap } from "./insert.js";
import type { SqliteStore } from "./store.js";

export function atCapOf(s: SqliteStore, now: number): AtCap {
  return {
    live: (task, key) =>
      (key === null ? s.sql.flowLiveTask.all({ task }) : s.sql.flowLiveKey.all({ task, key })).map(
        (r) => r.id,
      ),
    cancel: (id, reason, events) => {
      cancelTree(s, id, now, events, reason, []);
    },
  };
}

/**
 * Graph members (workflow nodes, spawned children), inside the transaction that wrote and wired
 * them: each member with a strategy written `queued`, in batch order (cap-strategy.ts
 * `decideMember`).
 */
export function decideMembers(
  atCap: AtCap,
  jobs: readonly NewJob[],
  queued: (index: number) => boolean,
  events: BackendEvent[],
): void {
  for (const { job, strategy, index } of strategyMembers(jobs, queued)) {
    const c = job.flow!.concurrency!;
    const live = atCap.live(job.task, c.keyed ? job.flow!.key : null);
    const decision = decideMember(job, strategy, live, laterIds(jobs, index));
    for (const id of decision?.cancel ?? []) atCap.cancel(id, decision!.reason, events);
  }
}
