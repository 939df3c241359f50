/**
 * The per-queue state counts that SQLite's triggers leave to the hot paths (migration 0092):
 * a row trigger per job inserted, claimed or completed cost 6-8% of the store's throughput, so
 * these transitions are counted here, once per queue and state and statement. Every other
 * transition is counted by the triggers of 0092. The conformance suite on SQLite checks the
 * counts against count(*) after each of its tests.
 */
import type { JobState } from "../../core/types.js";

/** state-counts-add.sql, prepared on whichever connection the transition runs on. */
interface CountsAdd {
  stateCountsAdd: { run(params: { queue: string; state: JobState; n: number }): unknown };
}

/** The states an INSERT leaves to its caller to count (the finished ones have a trigger). */
const LIVE: ReadonlySet<string> = new Set<JobState>(["waiting", "scheduled", "queued", "running"]);

/** Counts jobs just inserted, given as (queue, state) pairs; finished states are skipped. */
export function countInserted(sql: CountsAdd, jobs: Iterable<{ queue: string; state: string }>): void {
  const per = new Map<string, Map<string, number>>();
  for (const { queue, state } of jobs) {
    if (!LIVE.has(state)) continue;
    let of = per.get(queue);
    if (!of) per.set(queue, (of = new Map()));
    of.set(state, (of.get(state) ?? 0) + 1);
  }
  for (const [queue, of] of per)
    for (const [state, n] of of) sql.stateCountsAdd.run({ queue, state: state as JobState, n });
}

/** Counts `n` jobs of `queue` claimed (queued -> running) by one claim statement. */
export function countClaimed(sql: CountsAdd, queue: string, n: number): void {
  if (n === 0) return;
  sql.stateCountsAdd.run({ queue, state: "queued", n: -n });
  sql.stateCountsAdd.run({ queue, state: "running", n });
}

/** Counts completions (running -> completed), per queue. */
export function countCompleted(sql: CountsAdd, perQueue: ReadonlyMap<string, number>): void {
  for (const [queue, n] of perQueue) {
    sql.stateCountsAdd.run({ queue, state: "running", n: -n });
    sql.stateCountsAdd.run({ queue, state: "completed", n });
  }
}
