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
