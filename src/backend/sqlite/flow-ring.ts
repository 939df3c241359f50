/**
 * SQLite backend: the groups of a queue's fair claim, taken in turn (docs/flow-control.md,
 * "Fairness between keys"). A group is one task's queued jobs with one limit key; the queue's
 * jobs without limits are one more group, first in the ring. Groups come in (task, flow_key)
 * order, starting after the last group the queue's previous fair claim served (its cursor),
 * wrapping around once. Each step is one index seek (spool_jobs_flow_groups,
 * spool_jobs_plain_ready), so a claim costs the same whatever the number of queued jobs.
 */
import type { FlowGroupRow } from "./statements.js";
import type { SqliteStore } from "./store.js";

/** One group of the ring and what the claim has read of it. */
export interface RingGroup {
  /** null: the queue's jobs without limits. */
  readonly task: string | null;
  readonly key: string | null;
  /** Rows of the group read so far (they stay `queued` until the claim's last statement). */
  read: number;
  /** True once the group has nothing more this claim may take (empty, or stopped by a limit). */
  done: boolean;
}

/** A position in the ring: before every group, the jobs without limits, or a group with limits. */
type Position = "start" | "plain" | FlowGroupRow;

const nameOf = (p: FlowGroupRow | "plain"): string => (p === "plain" ? "" : `${p.task}\u001f${p.flow_key}`);

/**
 * Walks a queue's groups once round, lazily (one seek per step), from just after `cursor`.
 * `next()` gives the next group not yet seen, or null once the walk is back where it began.
 */
export class GroupRing {
  private pos: Position;
  private wrapped: boolean;
  private readonly seen = new Set<string>();
  /** The groups met so far, in ring order. */
  readonly groups: RingGroup[] = [];

  constructor(
    private readonly s: SqliteStore,
    private readonly queue: string,
    cursor: { task: string | null; flow_key: string | null } | undefined,
  ) {
    if (cursor === undefined) {
      this.pos = "start";
      this.wrapped = true;
    } else {
      this.pos = cursor.task === null ? "plain" : { task: cursor.task, flow_key: cursor.flow_key ?? "" };
      this.wrapped = false;
    }
  }

  next(): RingGroup | null {
    const sql = this.s.sql;
    for (;;) {
      let step: FlowGroupRow | "plain" | undefined;
      if (this.pos === "start") step = "plain";
      else if (this.pos === "plain") step = sql.flowGroupFirst.get({ queue: this.queue });
      else step = sql.flowGroupNext.get({ queue: this.queue, task: this.pos.task, key: this.pos.flow_key });
      if (step === undefined) {
        // Past the last group: wrap around once, to the front of the ring.
        if (this.wrapped) return null;
        this.wrapped = true;
        this.pos = "start";
        continue;
      }
      this.pos = step;
      const name = nameOf(step);
      // Back at a group already met: the walk went all the way round.
      if (this.seen.has(name)) return null;
      this.seen.add(name);
      const group: RingGroup =
        step === "plain"
          ? { task: null, key: null, read: 0, done: false }
          : { task: step.task, key: step.flow_key, read: 0, done: false };
      this.groups.push(group);
      return group;
    }
  }
}
