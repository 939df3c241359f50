/** The Backend seam, workflows section (see backend.ts). */
import type { EpochMs } from "../../core/types.js";
import type { EnqueuedRef, NewJob } from "./jobs.js";
import type { StateCounts } from "./reads.js";

// ── workflows ──────────────────────────────────────────────────────────────────────────
//
// A workflow is a set of jobs written in ONE atomic call, linked by `dependsOn` (the same
// dependency counting as plain jobs: a child is released in the transaction that completes
// its last parent, so a chord callback fires exactly once). The backend stores a small record
// per workflow and applies two rules; everything else (the graph, how a child's input is built
// from its parents' results) lives in the core (src/workflow/) and is opaque here:
//
// - **failFast**: when a job of a `failFast` workflow ends `failed` (jobFail without retry, or
//   leaseRescue with no attempts left), the same transition cancels every job of the workflow
//   that has not started (`waiting`, `scheduled`, `queued`). Running jobs finish.
// - **Retention** never removes a job of a workflow whose record is still `running`, so
//   parents' results survive until every job of the workflow is final. `retentionPrune` first
//   settles the records of workflows whose jobs are all final (stores their final state and
//   counts), then prunes as usual.

export type WorkflowState = "running" | "completed" | "failed" | "cancelled";
export type WorkflowPolicy = "failFast" | "continue";

export interface NewWorkflow {
  id: string;
  name: string;
  policy: WorkflowPolicy;
  /** The compiled graph (node names, job ids, output shape) as JSON; opaque to the backend. */
  spec: string;
}

export interface WorkflowRecord {
  id: string;
  name: string;
  policy: WorkflowPolicy;
  /**
   * `running` while any job is not final, except that a `failFast` workflow is `failed` from
   * its first permanent failure on. At the end: `failed` if any job failed, else `cancelled` if
   * any was cancelled, else `completed`.
   */
  state: WorkflowState;
  spec: string;
  /** Jobs in the workflow. */
  total: number;
  /** Jobs per state (read live while running; frozen once settled). */
  counts: StateCounts;
  createdAt: EpochMs;
  /** When the record was settled (all jobs final and retention ran), else null. */
  finishedAt: EpochMs | null;
}

export interface WorkflowEnqueueParams {
  workflow: NewWorkflow;
  /**
   * Every job of the workflow, parents before children. All of them or none are written. They
   * must have no idempotency key and depend only on jobs of this batch.
   */
  jobs: NewJob[];
}

export interface WorkflowEnqueueResult {
  jobs: EnqueuedRef[];
}

export interface WorkflowListParams {
  cursor?: string;
  /** 1..1000, default 50. */
  limit?: number;
  /** By id, i.e. creation time. Default `desc`. */
  order?: "asc" | "desc";
}

export interface WorkflowPage {
  workflows: WorkflowRecord[];
  nextCursor: string | null;
}

/** Most jobs one workflow may hold (one atomic write). */
export const WORKFLOW_JOBS_MAX = 100_000;

/** Workflow operations every backend implements (see the section comment above). */
export interface WorkflowBackend {
  workflowEnqueue(params: WorkflowEnqueueParams): Promise<WorkflowEnqueueResult>;
  workflowGet(params: { id: string }): Promise<WorkflowRecord | null>;
  workflowList(params: WorkflowListParams): Promise<WorkflowPage>;
}
