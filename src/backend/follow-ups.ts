/**
 * Durable follow-ups in the stores (core/follow-ups.ts): every backend stores a created job's
 * `FollowUpJob` templates and, in the write that records its outcome, inserts the matching one
 * as an ordinary queued job built here. The insert happens only where the outcome is written,
 * and that write is fenced by the lease token, so a stale completion writes no follow-up.
 */
import type { FollowUpJob, FollowUpOutcome, NewJobFollowUps } from "../core/follow-ups.js";
import type { NewJob } from "./seam/jobs.js";

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
