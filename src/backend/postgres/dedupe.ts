/**
 * Dedupe windows on PostgreSQL (the rule: ../dedupe-rule.ts). The key's row is upserted first
 * (dedupe-lock.sql), which locks it until the enqueue's transaction ends, so concurrent enqueues
 * of one key, from any process, take turns and each sees what the previous one committed.
 */
import type { JobState } from "../../core/types.js";
import type { EnqueuedRef, NewJob } from "../backend.js";
import { dedupeVerdict, stateAfterRunAt } from "../dedupe-rule.js";
import { jobEvent } from "./rows.js";
import type { Statements } from "./statements.js";
import type { Tx } from "./store.js";

/**
 * The job `job`'s dedupe window matched (returned, or updated by debounce/replace), or null:
 * the caller creates `job` and then calls `recordDedupe` (unless the row is already its own).
 */
export async function matchDedupe(sql: Statements, tx: Tx, job: NewJob): Promise<EnqueuedRef | null> {
  const d = job.dedupe!;
  const [row] = await tx.q<{ job_id: string; first_at: string | number }>(sql.DEDUPE_LOCK, {
    task: job.task,
    key: d.key,
    job_id: job.id,
    now: tx.now,
  });
  // Fresh row: it already names this job.
  if (!row || row.job_id === job.id) return null;
  const [matched] = await tx.q<{ state: JobState; queue: string }>(sql.DEDUPE_JOB, { id: row.job_id });
  const entry = { jobId: row.job_id, firstAt: Number(row.first_at) };
  const verdict = dedupeVerdict(d, entry, matched?.state ?? null, job.runAt, tx.now);
  if (verdict.kind === "create" || !matched) return null;
  let state = matched.state;
  if (verdict.kind === "update") {
    const runAt = verdict.runAt === null ? null : Math.ceil(verdict.runAt);
    const [updated] = await tx.q<{ state: JobState; queue: string }>(sql.JOB_DEDUPE_UPDATE, {
      id: row.job_id,
      input: job.input,
      run_at: runAt,
      state: runAt === null ? null : stateAfterRunAt(state, runAt, tx.now),
      now: tx.now,
    });
    // Claimed between the lock and the update: it runs with its old input; create a new job.
    if (!updated) return null;
    state = updated.state;
    tx.events.push(
      jobEvent("job:updated", row.job_id, updated.queue, tx.now, state, { input: true, dedupe: d.mode }),
    );
  }
  return { id: row.job_id, state, created: false, deduplicated: true };
}

/** After creating `job`: records it as its dedupe key's job (the row is locked by `matchDedupe`). */
export async function recordDedupe(sql: Statements, tx: Tx, job: NewJob): Promise<void> {
  await tx.q(sql.DEDUPE_PUT, { task: job.task, key: job.dedupe!.key, job_id: job.id, now: tx.now });
}
