/**
 * The strategy at the cap for graph members (workflow nodes, spawned children) on PostgreSQL:
 * inside the transaction that wrote and wired them, each member with a strategy written
 * `queued` is decided in batch order (cap-strategy.ts `decideMember`), under the fair claims'
 * advisory lock (`lockForStrategy`, taken first), as enqueue does (jobs.ts `atCap`).
 */
import type { NewJob } from "../backend.js";
import { decideMember, laterIds, strategyMembers } from "../cap-strategy.js";
import { cancelTree } from "./cascade.js";
import type { Statements } from "./statements.js";
import type { Tx } from "./store.js";

const hasStrategy = (jobs: readonly NewJob[]) =>
  jobs.some((j) => j.flow?.concurrency?.strategy && j.flow.concurrency.strategy !== "queue");

/** Takes the fair claims' lock when a job of the batch has a strategy; call it first in the transaction. */
export async function lockForStrategy(sql: Statements, tx: Tx, jobs: readonly NewJob[]): Promise<void> {
  if (hasStrategy(jobs)) await tx.q(sql.FLOW_LOCK);
}

export async function decideMembers(
  sql: Statements,
  tx: Tx,
  jobs: readonly NewJob[],
  queued: (index: number) => boolean,
): Promise<void> {
  for (const { job, strategy, index } of strategyMembers(jobs, queued)) {
    const c = job.flow!.concurrency!;
    const live = await tx.q<{ id: string }>(sql.FLOW_LIVE, {
      task: job.task,
      key: c.keyed ? job.flow!.key : null,
    });
    const decision = decideMember(
      job,
      strategy,
      live.map((r) => r.id),
      laterIds(jobs, index),
    );
    for (const id of decision?.cancel ?? []) await cancelTree(sql, tx, id, decision!.reason, []);
  }
}
