/**
 * Checks and small rules for the workflow operations that every backend applies the same way.
 */
import { InvalidArgumentError } from "../core/errors/index.js";
import {
  emptyCounts,
  type StateCounts,
  WORKFLOW_JOBS_MAX,
  type WorkflowEnqueueParams,
  type WorkflowState,
} from "./backend.js";
import { checkNewJobs } from "./shared.js";

const POLICIES = new Set(["failFast", "continue"]);

/** Validates a workflow batch before any write, so a bad one writes nothing on any backend. */
export function checkWorkflowEnqueue({ workflow, jobs }: WorkflowEnqueueParams): void {
  if (!workflow.id) throw new InvalidArgumentError("workflow id is empty", "id");
  if (!POLICIES.has(workflow.policy))
    throw new InvalidArgumentError(`unknown workflow policy "${workflow.policy}"`, "policy");
  if (jobs.length === 0) throw new InvalidArgumentError("a workflow needs at least one job", "jobs");
  if (jobs.length > WORKFLOW_JOBS_MAX)
    throw new InvalidArgumentError(
      `a workflow holds at most ${WORKFLOW_JOBS_MAX} jobs, got ${jobs.length}`,
      "jobs",
    );
  checkNewJobs(jobs);
  const earlier = new Set<string>();
  for (const job of jobs) {
    if (job.key !== null)
      throw new InvalidArgumentError("jobs of a workflow cannot have an idempotency key", "key");
    for (const dep of job.dependsOn) {
      if (!earlier.has(dep))
        throw new InvalidArgumentError(
          `workflow job ${job.id} depends on ${dep}, which is not an earlier job of the workflow`,
          "dependsOn",
        );
    }
    earlier.add(job.id);
  }
}

export const ACTIVE_STATES = ["waiting", "scheduled", "queued", "running"] as const;
/** States of jobs that have not started: failFast cancels these. */
export const NOT_STARTED_STATES = ["waiting", "scheduled", "queued"] as const;

/** The workflow state that job counts imply (see `WorkflowRecord.state`). */
export function workflowStateOf(policy: string, counts: StateCounts): WorkflowState {
  const active = counts.waiting + counts.scheduled + counts.queued + counts.running;
  if (counts.failed > 0) return policy === "failFast" || active === 0 ? "failed" : "running";
  if (active > 0) return "running";
  return counts.cancelled > 0 ? "cancelled" : "completed";
}

export function isSettled(counts: StateCounts): boolean {
  return counts.waiting + counts.scheduled + counts.queued + counts.running === 0;
}

export function countsFrom(states: Iterable<string>): StateCounts {
  const counts = emptyCounts();
  for (const s of states) if (s in counts) counts[s as keyof StateCounts]++;
  return counts;
}

export function failFastReason(jobId: string): string {
  return `workflow failed fast: job ${jobId} failed`;
}
