/**
 * Per-task and per-key limits inside one claim (docs/flow-control.md, "Task and key limits"),
 * shared by the memory, SQLite and PostgreSQL backends (the Lua copy is
 * redis/scripts/includes/flow-keys.lua; both must agree).
 *
 * A job's limits travel with it (`JobFlow`, written at enqueue). They are counted in *groups*:
 * a limit without a key counts every job of the task (group `t␟task`), a keyed one the task's
 * jobs with the same limit key (group `k␟task␟key`). Rate state (GCRA `tat`) and handler holds
 * are stored per group; running jobs are counted from the jobs themselves.
 */
import { InvalidArgumentError } from "../core/errors/index.js";
import { checkConcurrency, checkStoredRateLimit, rateAdvance, rateNextAt, rateRoom } from "./flow-limits.js";
import type { JobFlow, QueueHoldParams } from "./seam/flow.js";

/** Separates the parts of a group id (a task name can not hold it; a key may, it is last). */
const SEP = "\u001f";

export const taskGroup = (task: string): string => `t${SEP}${task}`;
export const keyGroup = (task: string, key: string): string => `k${SEP}${task}${SEP}${key}`;

export function capGroupOf(task: string, flow: JobFlow): string | null {
  if (!flow.concurrency) return null;
  return flow.concurrency.keyed ? keyGroup(task, flow.key) : taskGroup(task);
}

export function rateGroupOf(task: string, flow: JobFlow): string | null {
  if (!flow.rateLimit) return null;
  return flow.rateLimit.keyed ? keyGroup(task, flow.key) : taskGroup(task);
}

/** The name a hold is stored under: the queue, or a task or key group (a queue name holds no SEP). */
export function holdNameOf(params: QueueHoldParams): string {
  if (params.task === undefined) return params.queue;
  return params.key === undefined ? taskGroup(params.task) : keyGroup(params.task, params.key);
}

/** Most characters of a limit key (as for idempotency keys). */
export const LIMIT_KEY_MAX = 512;

export function checkLimitKey(value: unknown, argument: string): string {
  if (typeof value !== "string" || value.length === 0 || value.length > LIMIT_KEY_MAX)
    throw new InvalidArgumentError(
      `${argument} must be a non-empty string of at most ${LIMIT_KEY_MAX} characters, got ${typeof value === "string" ? JSON.stringify(value.slice(0, 40)) : typeof value}`,
      argument,
    );
  return value;
}

/** Checks a stored `JobFlow` (a backend's input: the core built it, but the seam is public). */
export function checkJobFlow(flow: JobFlow): JobFlow {
  if (typeof flow.key !== "string" || flow.key.length > LIMIT_KEY_MAX)
    throw new InvalidArgumentError("flow.key must be a string of at most 512 characters", "limitKey");
  if (flow.concurrency) {
    checkConcurrency(flow.concurrency.limit, "concurrency.limit");
    const st = flow.concurrency.strategy;
    if (st !== undefined && st !== "queue" && st !== "cancel-in-progress" && st !== "drop-newest")
      throw new InvalidArgumentError(
        `concurrency.strategy must be one of queue, cancel-in-progress, drop-newest, got ${JSON.stringify(st)}`,
        "concurrency.strategy",
      );
  }
  if (flow.rateLimit) checkStoredRateLimit(flow.rateLimit);
  return flow;
}

/** What a gate reads from the store (inside the claim's transaction or script). */
export interface FlowGateIo {
  /** Jobs `running` now in the cap group of `task` (keyed: with limit key `key`; else all flow jobs of the task). */
  running(task: string, key: string | null): number;
  /** The rate state of a group (null: none yet). */
  tat(group: string): number | null;
  /** The instant a group is held until (null or past: not held). */
  hold(group: string): number | null;
}

/**
 * Admits jobs one by one for one claim: each admitted job counts against its groups at once,
 * so two jobs of one key in the same claim see each other. Reads are cached for the claim.
 */
export class FlowGate {
  private readonly runningBy = new Map<string, number>();
  private readonly tatBy = new Map<string, number | null>();
  private readonly holdBy = new Map<string, number | null>();
  /** Rate groups moved on by this claim: the caller writes them back. */
  readonly moved = new Map<string, number>();
  /** The earliest instant a rate limit or hold that stopped a job allows it (for nextRunAt). */
  retryAt: number | null = null;
  /** True once a limit held a job back. */
  limited = false;

  constructor(
    private readonly io: FlowGateIo,
    private readonly now: number,
  ) {}

  private held(group: string): boolean {
    let until = this.holdBy.get(group);
    if (until === undefined) this.holdBy.set(group, (until = this.io.hold(group)));
    if (until === null || until <= this.now) return false;
    this.wakeAt(until);
    return true;
  }

  private wakeAt(at: number): void {
    if (this.retryAt === null || at < this.retryAt) this.retryAt = at;
  }

  /** Whether a job of `task` with `flow` may start now; if so it is counted. */
  admit(task: string, flow: JobFlow | null): boolean {
    if (this.held(taskGroup(task))) return this.stop();
    if (flow === null) return true;
    if (flow.key !== "" && this.held(keyGroup(task, flow.key))) return this.stop();
    const cap = capGroupOf(task, flow);
    let running = 0;
    if (cap !== null) {
      const cached = this.runningBy.get(cap);
      running = cached ?? this.io.running(task, flow.concurrency!.keyed ? flow.key : null);
      if (cached === undefined) this.runningBy.set(cap, running);
      if (running >= flow.concurrency!.limit) return this.stop();
    }
    const rateGroup = rateGroupOf(task, flow);
    if (rateGroup !== null) {
      const rate = flow.rateLimit!;
      let tat = this.tatBy.get(rateGroup);
      if (tat === undefined) this.tatBy.set(rateGroup, (tat = this.io.tat(rateGroup)));
      if (rateRoom(rate, tat, this.now) < 1) {
        this.wakeAt(rateNextAt(rate, tat, this.now));
        return this.stop();
      }
      const next = rateAdvance(rate, tat, this.now, 1);
      this.tatBy.set(rateGroup, next);
      this.moved.set(rateGroup, next);
    }
    if (cap !== null) this.runningBy.set(cap, running + 1);
    return true;
  }

  private stop(): false {
    this.limited = true;
    return false;
  }
}

/**
 * The round-robin order between keys (fairness): candidates in claim order are dealt into
 * rounds, a group's n-th job in round n, and rounds are served in turn, each in claim order.
 * So with 10,000 queued jobs of key A and 3 of key B, B's jobs are in the first three rounds.
 */
export function roundRobin<T>(ordered: readonly T[], group: (item: T) => string): T[] {
  const seen = new Map<string, number>();
  const rounds: T[][] = [];
  for (const item of ordered) {
    const g = group(item);
    const n = seen.get(g) ?? 0;
    seen.set(g, n + 1);
    (rounds[n] ??= []).push(item);
  }
  return rounds.flat();
}

/** The fairness group of a job: its task and limit key; jobs without limits group by task. */
export function fairGroupOf(task: string, flow: JobFlow | null): string {
  return flow === null ? `n${SEP}${task}` : keyGroup(task, flow.key);
}

/**
 * A job's limits as stored beside its `flow_key` (SQLite, PostgreSQL, Redis): compact JSON
 * `{"c":[limit,keyed],"r":[limit,perMs,burst,keyed]}`, keyed as 0/1 (the Lua side reads it too).
 */
export function encodeFlow(flow: JobFlow): string {
  const out: { c?: number[]; r?: number[] } = {};
  if (flow.concurrency) out.c = [flow.concurrency.limit, flow.concurrency.keyed ? 1 : 0];
  const r = flow.rateLimit;
  if (r) out.r = [r.limit, r.perMs, r.burst, r.keyed ? 1 : 0];
  return JSON.stringify(out);
}

export function decodeFlow(key: string, text: string): JobFlow {
  const raw = JSON.parse(text) as { c?: number[]; r?: number[] };
  return {
    key,
    concurrency: raw.c ? { limit: raw.c[0]!, keyed: raw.c[1] === 1 } : null,
    rateLimit: raw.r ? { limit: raw.r[0]!, perMs: raw.r[1]!, burst: raw.r[2]!, keyed: raw.r[3] === 1 } : null,
  };
}
