/**
 * Durable follow-ups on PostgreSQL (../follow-ups.ts): templates are stored with the new job (one
 * row per outcome, the job marked has_dependents), and `takeFollowUp` runs inside the write that
 * records the parent's outcome, which is fenced by its lease token: the follow-up job is inserted
 * in that same transaction, once.
 */
import type { FollowUpJob, FollowUpOutcome } from "../../core/follow-ups.js";
import type { NewJob } from "../backend.js";
import { encodeFlow } from "../flow-gate.js";
import { followUpJob, madeLink } from "../follow-ups.js";
import { jobEvent } from "./rows.js";
import type { Statements } from "./statements.js";
import type { Tx } from "./store.js";

/** Inside the enqueue's transaction, after inserting `job`: stores its templates. */
export async function storeFollowUps(
  sql: Statements,
  tx: Tx,
  job: Pick<NewJob, "id" | "followUps">,
): Promise<void> {
  const f = job.followUps;
  if (!f) return;
  const outcomes: string[] = [];
  const jobs: string[] = [];
  if (f.completed) outcomes.push("completed") && jobs.push(JSON.stringify(f.completed));
  if (f.failed) outcomes.push("failed") && jobs.push(JSON.stringify(f.failed));
  await tx.q(sql.FOLLOW_UP_INSERT, { parent_id: job.id, outcomes, jobs });
}

/**
 * Inside the outcome's transaction (call only for a job marked has_dependents): removes the
 * job's templates and inserts the one for `outcome`, `payload` as a piped input.
 */
export async function takeFollowUp(
  sql: Statements,
  tx: Tx,
  parentId: string,
  outcome: FollowUpOutcome,
  payload: string,
): Promise<void> {
  const rows = await tx.q<{ outcome: string; job: string }>(sql.FOLLOW_UP_TAKE, { parent_id: parentId });
  const row = rows.find((r) => r.outcome === outcome);
  if (!row) return;
  const tpl = JSON.parse(row.job) as FollowUpJob;
  const job = followUpJob(tpl, payload, tx.now);
  // Its id was chosen at enqueue; it can exist only if someone enqueued that id by hand.
  if ((await tx.q(sql.JOB_STATES, { ids: [job.id] })).length > 0) return;
  await tx.q(sql.JOB_INSERT, {
    id: job.id,
    task: job.task,
    queue: job.queue,
    state: "queued",
    priority: job.priority,
    run_at: job.runAt,
    max_attempts: job.maxAttempts,
    input: job.input,
    key: null,
    meta: JSON.stringify(job.meta),
    depends_on: [],
    pending_dependencies: 0,
    lease_ms: job.leaseMs,
    timeout_ms: job.timeoutMs,
    now: tx.now,
    finished_at: null,
    flow_key: job.flow ? job.flow.key : null,
    flow: job.flow ? encodeFlow(job.flow) : null,
  });
  tx.events.push(jobEvent("job:enqueued", job.id, job.queue, tx.now, "queued"));
  // The parent's link to it (jobFollowUps), which the take above leaves in place.
  await tx.q(sql.FOLLOW_UP_MADE, { parent_id: parentId, job: madeLink(tpl, outcome) });
}

/** The result each job of a completion batch stored (the first use of a lease wins). */
export function firstResults(jobs: readonly { id: string; result: string }[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const j of jobs) if (!out.has(j.id)) out.set(j.id, j.result);
  return out;
}
