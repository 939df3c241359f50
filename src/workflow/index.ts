/**
 * Workflows: chain, group, chord and DAGs (flow) over the Backend's dependency counting.
 *
 * Design
 * - A workflow is compiled (compile.ts) into ordinary jobs linked by `dependsOn` and written in
 *   ONE `workflowEnqueue` call: all of its jobs and its record, or nothing. A child is released
 *   by the backend in the transaction that completes its last parent, so a callback fires
 *   exactly once under retries and crashes (at-least-once execution of that one job, like any).
 * - Result passing keeps backends dumb: a piped job stores a template over its parents
 *   (`meta.workflow.input`); the worker reads the parents' results with `jobGetMany` when the
 *   job starts (inputs.ts). Nothing copies results into a child's row, so a chord over 10,000
 *   jobs never builds a 10,000-result payload in the store.
 * - Failure policy lives in the backend's fail/rescue transitions (`failFast` cancels every job
 *   not started, atomically); `continue` is the plain dependency cascade.
 * - Retention keeps every job of a workflow until the workflow is settled.
 *
 * Limits: at most WORKFLOW_JOBS_MAX (100,000) jobs per workflow; each node's result is bounded
 * by the payload limit (default 1 MiB), and a callback's assembled input lives in the worker's
 * memory (10,000 results of 1 KiB ≈ 10 MiB). Jobs of a workflow cannot carry idempotency keys.
 */

export { createWorkflowApi, type WorkflowApi } from "./api.js";
export { type ChainFn, makeChain } from "./chain.js";
export { type ChordFn, makeChord } from "./chord.js";
export { Flow, type FlowFn, type FlowSpec, makeFlow } from "./flow.js";
export { type GroupFn, makeGroup } from "./group.js";
export type {
  WorkflowEvent,
  WorkflowEventType,
  WorkflowHandle,
  WorkflowInfo,
  WorkflowNodeInfo,
  WorkflowProgress,
  WorkflowState,
} from "./handle.js";
export { type Free, Workflow, type WorkflowOptions, type WorkflowPolicy } from "./workflow.js";
