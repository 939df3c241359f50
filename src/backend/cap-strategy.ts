/**
 * The strategy at the cap (docs/flow-control.md, "Strategy at the cap"), decided inside each
 * backend's enqueue write (memory step, SQLite / PostgreSQL transaction, Redis script; the Lua
 * copy is redis/scripts/includes/cap-strategy.lua, both must agree).
 *
 * A job's *cap group* is its task's jobs (an unkeyed cap) or its task's jobs with its limit key.
 * Its *live* jobs are those `queued` or `running`: the jobs that take a slot before a job enqueued
 * now could (scheduled and waiting jobs are not counted: they may never be due together).
 */
import { InvalidArgumentError } from "../core/errors/index.js";
import type { CapStrategy } from "./seam/flow.js";
import type { NewJob } from "./seam/jobs.js";

/** What the enqueue does with one new job. */
export type CapVerdict = { kind: "insert"; cancel: string[] } | { kind: "drop" };

/** The live jobs of a group, oldest first (created_at, then id): what `capVerdict` reads. */
export interface LiveJob {
  id: string;
}

/** The job's strategy when it is not "queue" and the job enters `queued` now; else null. */
export function activeStrategy(job: NewJob, queuedNow: boolean): Exclude<CapStrategy, "queue"> | null {
  const st = job.flow?.concurrency?.strategy;
  if (st === undefined || st === "queue" || !queuedNow) return null;
  return st;
}

/**
 * `live`: the group's queued and running jobs, oldest first. drop-newest: drop when they already
 * fill the cap. cancel-in-progress: cancel the oldest until the new job fits (at most
 * `limit - 1` left), so it starts at the next claim with room.
 */
export function capVerdict(
  strategy: Exclude<CapStrategy, "queue">,
  limit: number,
  live: readonly LiveJob[],
): CapVerdict {
  if (strategy === "drop-newest")
    return live.length >= limit ? { kind: "drop" } : { kind: "insert", cancel: [] };
  const excess = live.length - (limit - 1);
  return { kind: "insert", cancel: excess > 0 ? live.slice(0, excess).map((j) => j.id) : [] };
}

/** The reason a cancel-in-progress cancel records (event data `reason`). */
export function supersededReason(newId: string): string {
  return `superseded by job ${newId} (concurrency strategy cancel-in-progress)`;
}

/** Refuses (InvalidArgumentError, nothing written) jobs with a strategy where none can apply. */
export function refuseStrategies(jobs: readonly NewJob[], where: string, argument: string): void {
  for (const job of jobs) {
    const st = job.flow?.concurrency?.strategy;
    if (st !== undefined && st !== "queue")
      throw new InvalidArgumentError(
        `concurrency.strategy "${st}" (task "${job.task}") can not be applied ${where}`,
        argument,
      );
  }
}

/** Writes made in the application's transaction (`{ tx }`) do not apply a strategy: refused. */
export function refuseStrategyInTx(jobs: readonly NewJob[]): void {
  refuseStrategies(jobs, "inside the application's transaction ({ tx }): enqueue without tx", "tx");
}

/** The reason a drop-newest drop of a graph member (workflow node, spawned child) records. */
export const DROPPED_REASON = "dropped: its cap group was full (concurrency strategy drop-newest)";

/**
 * Graph members (workflow nodes, spawned children) are written first, wired into their graph,
 * and then, in the same write, decided in batch order by `decideMember`: a drop-newest drop
 * cancels the member itself (so its dependents, its workflow or its spawn parent react as to
 * any cancel), and cancel-in-progress cancels the group's oldest live jobs. These are the
 * members with a strategy that were written `queued`, with their batch index.
 */
export function strategyMembers(
  jobs: readonly NewJob[],
  queued: (index: number) => boolean,
): { job: NewJob; strategy: Exclude<CapStrategy, "queue">; index: number }[] {
  const out: { job: NewJob; strategy: Exclude<CapStrategy, "queue">; index: number }[] = [];
  jobs.forEach((job, index) => {
    const strategy = activeStrategy(job, queued(index));
    if (strategy) out.push({ job, strategy, index });
  });
  return out;
}

/**
 * One member's decision. `live`: its group's live jobs now, oldest first, which include the
 * batch's members already written; `later`: the ids of the batch at and after this member (not
 * decided yet: they do not count). Null when the member is no longer live (an earlier member's
 * cancel-in-progress took it). Otherwise the ids to cancel and the reason to record.
 */
export function decideMember(
  job: NewJob,
  strategy: Exclude<CapStrategy, "queue">,
  live: readonly string[],
  later: ReadonlySet<string>,
): { cancel: string[]; reason: string } | null {
  if (!live.includes(job.id)) return null;
  const before = live.filter((id) => !later.has(id)).map((id) => ({ id }));
  const verdict = capVerdict(strategy, job.flow!.concurrency!.limit, before);
  if (verdict.kind === "drop") return { cancel: [job.id], reason: DROPPED_REASON };
  return { cancel: verdict.cancel, reason: supersededReason(job.id) };
}

/** The ids of a batch from `index` on (`decideMember`'s `later`). */
export function laterIds(jobs: readonly NewJob[], index: number): Set<string> {
  return new Set(jobs.slice(index).map((j) => j.id));
}
