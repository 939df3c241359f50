/**
 * PostgreSQL backend: the claim of a queue whose jobs have task or key limits (flow-gate.ts).
 * Fair claims take one transaction-scoped advisory lock (flow-lock.sql), so each counts the
 * running jobs every earlier one committed, and reads and moves the queue's rotation cursor
 * in turn; plain claims never take jobs with limits (job-claim.sql), so they need no part in
 * it. Groups take turns (flow-ring.ts): round by round, each group's next job, the ring
 * starting after the group the queue's previous fair claim served last, so consecutive claims
 * rotate between keys even when each claims one job. A group whose next job a limit stops is
 * skipped for the rest of the claim. The gate's reads are loaded a stretch of groups at a time
 * and applied in memory.
 */
import type { LeasedJob } from "../../core/types.js";
import { decodeFlow, FlowGate, keyGroup, rateGroupOf, taskGroup } from "../flow-gate.js";
import type { JobFlow } from "../seam/flow.js";
import { type Candidate, GroupRing, type RingGroup } from "./flow-ring.js";
import { type JobRow, toLeased } from "./rows.js";
import type { PgStore, Tx } from "./store.js";

/** Candidates a claim may look at: enough to step over groups a limit stops, bounded. */
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

/** What the gate reads, loaded for the groups the claim meets (a few queries per stretch). */
class GateData {
  readonly running = new Map<string, number>();
  readonly tats = new Map<string, number>();
  readonly holds = new Map<string, number>();
  private readonly tasksRead = new Set<string>();
  private readonly grpsRead = new Set<string>();

  constructor(
    private readonly store: PgStore,
    private readonly tx: Tx,
  ) {}

  /** Loads running counts and rate state for the candidates' groups not read yet. */
  async ensure(cands: Iterable<{ task: string; flow: JobFlow | null }>): Promise<void> {
    const tasks = new Set<string>();
    const grps = new Set<string>();
    for (const c of cands) {
      if (c.flow === null) continue;
      if (!this.tasksRead.has(c.task)) tasks.add(c.task);
      const rate = rateGroupOf(c.task, c.flow);
      if (rate !== null && !this.grpsRead.has(rate)) grps.add(rate);
    }
    const sql = this.store.sql;
    if (tasks.size > 0) {
      for (const t of tasks) this.tasksRead.add(t);
      for (const r of await this.tx.q<{ task: string; flow_key: string; n: number }>(sql.FLOW_RUNNING, {
        tasks: [...tasks],
      })) {
        this.running.set(keyGroup(r.task, r.flow_key), r.n);
        this.running.set(taskGroup(r.task), (this.running.get(taskGroup(r.task)) ?? 0) + r.n);
      }
    }
    if (grps.size > 0) {
      for (const g of grps) this.grpsRead.add(g);
      for (const r of await this.tx.q<{ grp: string; tat: number }>(sql.FLOW_TATS, { grps: [...grps] }))
        this.tats.set(r.grp, r.tat);
    }
  }
}

/** A candidate with its limits decoded. */
interface Job {
  id: string;
  task: string;
  flow: JobFlow | null;
}

const decoded = (g: RingGroup, c: Candidate): Job => ({
  id: c.id,
  task: c.task,
  flow: g.key === null || c.flow === null ? null : decodeFlow(g.key, c.flow),
});

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
  const data = new GateData(store, tx);
  // The rotation cursor and every hold in force, in one round trip.
  let cursor: { task: string | null; flow_key: string | null } | undefined;
  for (const r of await tx.q<{
    kind: string;
    name: string | null;
    flow_key: string | null;
    until: number | null;
  }>(sql.FLOW_START, { queue, now: tx.now })) {
    if (r.kind === "c") cursor = { task: r.name, flow_key: r.flow_key };
    else data.holds.set(r.name!, Number(r.until));
  }
  const gate = new FlowGate(
    {
      running: (task, key) => data.running.get(key === null ? taskGroup(task) : keyGroup(task, key)) ?? 0,
      tat: (grp) => data.tats.get(grp) ?? null,
      hold: (name) => data.holds.get(name) ?? null,
    },
    tx.now,
  );
  const ring = new GroupRing(store, tx, queue, room, args.tasks, cursor);
  const ids: string[] = [];
  let budget = flowScan(room);
  let lastTaken: RingGroup | null = null;
  let lastSeen: RingGroup | null = null;

  /** Gives group `g` its turn: takes its next job the limits allow, if any. */
  const turn = async (g: RingGroup, chunk: number): Promise<boolean> => {
    lastSeen = g;
    for (;;) {
      if (budget-- <= 0) return false;
      if (g.buf.length === 0 && g.more) {
        await ring.refill([g], Math.max(1, chunk));
        await data.ensure(g.buf.map((c) => decoded(g, c)));
      }
      const c = g.buf.shift();
      if (c === undefined) {
        g.done = true;
        return false;
      }
      const job = decoded(g, c);
      if (gate.admit(job.task, job.flow)) {
        ids.push(job.id);
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

  // Round one walks the ring a stretch at a time (a claim of one job reads one stretch); later
  // rounds go round the groups met, each reading about its share of the room left.
  for (let g = await ring.next(); g !== null && ids.length < room && budget > 0; g = await ring.next()) {
    if (ring.fresh.length > 0)
      await data.ensure(ring.takeFresh().flatMap((f) => f.buf.map((c) => decoded(f, c))));
    await turn(g, 1);
  }
  while (ids.length < room && budget > 0) {
    const live = ring.groups.filter((g) => !g.done);
    if (live.length === 0) break;
    const chunk = Math.ceil((room - ids.length) / live.length);
    // One read for every group whose buffer ran out.
    const empty = live.filter((g) => g.buf.length === 0 && g.more);
    if (empty.length > 0) {
      await ring.refill(empty, chunk);
      await data.ensure(empty.flatMap((g) => g.buf.map((c) => decoded(g, c))));
    }
    let took = false;
    for (const g of live) {
      if (ids.length >= room || budget <= 0) break;
      if (await turn(g, chunk)) took = true;
    }
    if (!took) break;
  }
  // The next claim starts after the last group served, or, when this one ran out of budget
  // stepping over stopped groups, after the last one it looked at (so it moves on).
  // (Assigned inside the closure above, which the compiler does not follow.)
  const last = (budget <= 0 ? lastSeen : lastTaken) as RingGroup | null;
  let taken = 0;
  if (ids.length > 0 || last !== null) {
    // One statement claims the jobs and moves the cursor.
    const claimed = await tx.q<JobRow>(sql.FLOW_CLAIM, {
      ids,
      now: tx.now,
      token: args.token,
      worker_id: args.workerId,
      lease_ms: Math.ceil(args.leaseMs),
      move: last !== null,
      queue,
      cursor_task: last?.task ?? null,
      cursor_key: last?.key ?? null,
    });
    for (const row of claimed) into.push(toLeased(row));
    taken = claimed.length;
  }
  for (const [grp, tat] of gate.moved) await tx.q(sql.FLOW_TAT_PUT, { grp, tat });
  return { taken, retryAt: gate.retryAt, limited: gate.limited };
}
