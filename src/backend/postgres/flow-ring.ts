/**
 * PostgreSQL backend: the groups of a queue's fair claim, taken in turn (docs/flow-control.md,
 * "Fairness between keys"), the same ring as SQLite's (sqlite/flow-ring.ts). A group is one
 * task's queued jobs with one limit key; the queue's jobs without limits are one more group,
 * first in the ring. Groups come in (task, flow_key) order, starting after the last group the
 * queue's previous fair claim served (its cursor), wrapping around once. The walk is a loose
 * index scan (flow-ring.sql), read a stretch of groups at a time with each group's first jobs,
 * so a claim costs about the same with 1,000 or 100,000 queued jobs and takes few round trips.
 */
import type { PgStore, Tx } from "./store.js";

/** A queued job the claim may take: its id, task and stored limits (null: none). */
export interface Candidate {
  id: string;
  task: string;
  flow: string | null;
}

/** One group of the ring and what the claim has read of it. */
export interface RingGroup {
  /** null: the queue's jobs without limits. */
  readonly task: string | null;
  readonly key: string | null;
  /** Jobs read and not yet looked at, in claim order. */
  buf: Candidate[];
  /** Rows of the group read so far (they stay `queued` until the claim's last statement). */
  read: number;
  /** False once a read returned fewer rows than asked: the group has nothing more. */
  more: boolean;
  /** True once the group has nothing more this claim may take (empty, or stopped by a limit). */
  done: boolean;
}

type Pos = { task: string; key: string };
/** What is left of the ring to walk: the jobs without limits, or a stretch of groups. */
type Part = { kind: "plain" } | { kind: "stretch"; after: Pos; upto: Pos | null };

/** Before every group: task names are never empty. */
const START: Pos = { task: "", key: "" };

/** Groups read per step of the walk: enough for one round of the claim, bounded. */
const stretchOf = (room: number) => Math.min(500, Math.max(16, room * 2));

/**
 * Walks a queue's groups once round, a stretch at a time, from just after `cursor`.
 * `next()` gives the next group not yet met, or null once the walk is back where it began.
 */
export class GroupRing {
  private readonly parts: Part[];
  private readonly ahead: RingGroup[] = [];
  /** The groups met so far, in ring order. */
  readonly groups: RingGroup[] = [];
  /** Groups read since the last `takeFresh()` (the claim loads their limits' state). */
  fresh: RingGroup[] = [];

  constructor(
    private readonly store: PgStore,
    private readonly tx: Tx,
    private readonly queue: string,
    private readonly room: number,
    private readonly tasks: string[] | null,
    cursor: { task: string | null; flow_key: string | null } | undefined,
  ) {
    if (cursor === undefined) this.parts = [{ kind: "plain" }, { kind: "stretch", after: START, upto: null }];
    else if (cursor.task === null)
      this.parts = [{ kind: "stretch", after: START, upto: null }, { kind: "plain" }];
    else {
      const at = { task: cursor.task, key: cursor.flow_key ?? "" };
      this.parts = [
        { kind: "stretch", after: at, upto: null },
        { kind: "plain" },
        { kind: "stretch", after: START, upto: at },
      ];
    }
  }

  async next(): Promise<RingGroup | null> {
    while (this.ahead.length === 0) {
      const part = this.parts.shift();
      if (part === undefined) return null;
      if (part.kind === "plain")
        this.ahead.push({ task: null, key: null, buf: [], read: 0, more: true, done: false });
      else await this.readStretch(part);
    }
    const g = this.ahead.shift()!;
    this.groups.push(g);
    return g;
  }

  /** Reads the next groups of a stretch, each with its first jobs; the rest of it stays to walk. */
  private async readStretch(part: Extract<Part, { kind: "stretch" }>): Promise<void> {
    const limit = stretchOf(this.room);
    const rows = await this.tx.q<{
      n: number;
      task: string;
      flow_key: string;
      id: string | null;
      flow: string | null;
    }>(this.store.sql.FLOW_RING, {
      queue: this.queue,
      after_task: part.after.task,
      after_key: part.after.key,
      upto_task: part.upto?.task ?? null,
      upto_key: part.upto?.key ?? null,
      groups: limit,
      room: this.room,
      tasks: this.tasks,
    });
    const found: RingGroup[] = [];
    let asked = 0;
    for (const r of rows) {
      let g = found[found.length - 1];
      if (g === undefined || g.task !== r.task || g.key !== r.flow_key) {
        g = { task: r.task, key: r.flow_key, buf: [], read: 0, more: true, done: false };
        found.push(g);
      }
      if (r.id !== null) g.buf.push({ id: r.id, task: r.task, flow: r.flow });
    }
    if (found.length > 0) asked = Math.max(1, Math.ceil(this.room / found.length));
    for (const g of found) {
      g.read = g.buf.length;
      g.more = g.buf.length >= asked;
    }
    this.ahead.push(...found);
    this.fresh.push(...found);
    // A full stretch may go on: walk the rest of it after the last group read.
    const last = found[found.length - 1];
    if (found.length >= limit && last)
      this.parts.unshift({ kind: "stretch", after: { task: last.task!, key: last.key! }, upto: part.upto });
  }

  takeFresh(): RingGroup[] {
    const out = this.fresh;
    this.fresh = [];
    return out;
  }

  /** Reads up to `n` more jobs for each group in `groups` (their buffers are empty). */
  async refill(groups: RingGroup[], n: number): Promise<void> {
    const keyed = groups.filter((g) => g.task !== null);
    const plain = groups.find((g) => g.task === null);
    if (plain) await this.refillPlain(plain, n);
    if (keyed.length === 0) return;
    const rows = await this.tx.q<{ i: number; id: string; flow: string | null }>(
      this.store.sql.FLOW_GROUP_JOBS,
      {
        queue: this.queue,
        tasks: keyed.map((g) => g.task),
        keys: keyed.map((g) => g.key),
        skips: keyed.map((g) => g.read),
        ns: keyed.map(() => n),
      },
    );
    const got = new Map<RingGroup, number>();
    for (const r of rows) {
      const g = keyed[Number(r.i) - 1]!;
      g.buf.push({ id: r.id, task: g.task!, flow: r.flow });
      got.set(g, (got.get(g) ?? 0) + 1);
    }
    for (const g of keyed) {
      const k = got.get(g) ?? 0;
      g.read += k;
      g.more = k >= n;
    }
  }

  private async refillPlain(g: RingGroup, n: number): Promise<void> {
    const rows = await this.tx.q<{ id: string; task: string }>(this.store.sql.FLOW_PLAIN_JOBS, {
      queue: this.queue,
      tasks: this.tasks,
      n,
      skip: g.read,
    });
    for (const r of rows) g.buf.push({ id: r.id, task: r.task, flow: null });
    g.read += rows.length;
    g.more = rows.length >= n;
  }
}
