/**
 * Durable follow-ups in the stores (core/follow-ups.ts): every backend stores a created job's
 * `FollowUpJob` templates and, in the write that records its outcome, inserts the matching one
 * as an ordinary queued job built here. The insert happens only where the outcome is written,
 * and that write is fenced by the lease token, so a stale completion writes no follow-up.
 */
import type { FollowUpJob, FollowUpOutcome, NewJobFollowUps } from "../core/follow-ups.js";
import type { NewJob } from "./seam/jobs.js";
import type { FollowUpRef } from "./seam/reads.js";

export function followUpFor(
  followUps: NewJobFollowUps | null | undefined,
  outcome: FollowUpOutcome,
): FollowUpJob | undefined {
  return followUps?.[outcome];
}

/**
 * The job a template becomes at the outcome: queued now; input the template's, or (piped) the
 * parent's serialized result (then) or last error record as JSON (catch), which the serializer
 * reads back as the same plain object.
 */
export function followUpJob(tpl: FollowUpJob, payload: string, now: number): NewJob {
  return {
    id: tpl.id,
    task: tpl.task,
    queue: tpl.queue,
    input: tpl.input ?? payload,
    priority: tpl.priority,
    runAt: now,
    maxAttempts: tpl.maxAttempts,
    key: null,
    meta: JSON.parse(tpl.meta) as Record<string, unknown>,
    dependsOn: [],
    leaseMs: tpl.leaseMs,
    timeoutMs: tpl.timeoutMs,
    flow: tpl.flow ?? null,
  };
}

/**
 * SQLite and PostgreSQL keep the link to the follow-up an outcome made as one more row of the
 * follow-up table, under this outcome name (the templates use "completed" / "failed"): it goes
 * wherever the job's templates go (removal, retention, both delete the job's rows), and the
 * take at a later outcome (a retried job completing) leaves it alone.
 */
export const MADE_ROW = "made";

/** The `job` text of a made row (and of Redis's `fum` field): which follow-up the outcome made. */
export function madeLink(tpl: FollowUpJob, outcome: FollowUpOutcome): string {
  const ref: FollowUpRef = { outcome, id: tpl.id, task: tpl.task, queue: tpl.queue, made: true };
  return JSON.stringify(ref);
}

/** The refs of a job's follow-up rows (templates and made link), `then` before `catch`. */
export function followUpRefs(rows: readonly { outcome: string; job: string }[]): FollowUpRef[] {
  const out: FollowUpRef[] = [];
  for (const r of rows) {
    if (r.outcome === MADE_ROW) {
      const link = JSON.parse(r.job) as FollowUpRef;
      out.push({ outcome: link.outcome, id: link.id, task: link.task, queue: link.queue, made: true });
    } else if (r.outcome === "completed" || r.outcome === "failed") {
      const tpl = JSON.parse(r.job) as FollowUpJob;
      out.push({ outcome: r.outcome, id: tpl.id, task: tpl.task, queue: tpl.queue, made: false });
    }
  }
  return sortFollowUps(out);
}

/** `then` (completed) before `catch` (failed). */
export function sortFollowUps(refs: FollowUpRef[]): FollowUpRef[] {
  return refs.sort((a, b) => (a.outcome === b.outcome ? 0 : a.outcome === "completed" ? -1 : 1));
}
