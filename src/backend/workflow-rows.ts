/**
 * What the SQL backends (SQLite, PostgreSQL) share about workflow rows, so both write and read
 * them by one rule: the plan of a workflow's job rows (state at insert, dependencies without
 * repeats, the dependency edges), the row-to-record rule (a settled workflow's counts are frozen
 * in its row; a running one is counted live), and the error for an id that already exists.
 */
import { InvalidArgumentError } from "../core/errors/index.js";
import type { JobState } from "../core/types.js";
import {
  type EnqueuedRef,
  emptyCounts,
  type NewJob,
  type StateCounts,
  type WorkflowPolicy,
  type WorkflowRecord,
  type WorkflowState,
} from "./backend.js";
import { stateAtInsert } from "./shared.js";
import { workflowStateOf } from "./workflow-shared.js";

export interface WorkflowJobsPlan {
  /** One per job, in order: what `workflowEnqueue` answers. */
  out: EnqueuedRef[];
  /** Each job's dependencies without repeats, in order (its `depends_on` and pending count). */
  deps: string[][];
  /** Every dependency edge, parent first. */
  edges: [parent: string, child: string][];
  /** Jobs that have dependents (their `has_dependents` flag), without repeats. */
  parents: string[];
}

/** Plans the rows of a checked workflow batch (see `checkWorkflowEnqueue`). */
export function planWorkflowJobs(jobs: readonly NewJob[], now: number): WorkflowJobsPlan {
  const plan: WorkflowJobsPlan = { out: [], deps: [], edges: [], parents: [] };
  const parents = new Set<string>();
  for (const job of jobs) {
    // Every dependency is a job of this batch, so none has completed yet.
    const deps = [...new Set(job.dependsOn)];
    const state = stateAtInsert(false, deps.length, job.runAt, now);
    for (const dep of deps) {
      plan.edges.push([dep, job.id]);
      parents.add(dep);
    }
    plan.deps.push(deps);
    plan.out.push({ id: job.id, state, created: true });
  }
  plan.parents = [...parents];
  return plan;
}

export function workflowExistsError(id: string): InvalidArgumentError {
  return new InvalidArgumentError(`workflow ${id} or one of its job ids already exists`, "id");
}

/** A workflows table row, with `counts` already decoded (SQLite stores it as JSON text). */
export interface WorkflowRow {
  id: string;
  name: string;
  policy: WorkflowPolicy;
  state: WorkflowState;
  spec: string;
  total: number;
  counts: StateCounts | null;
  created_at: number;
  finished_at: number | null;
}

/** A running workflow (or one never settled) is counted from its jobs at each read. */
export function countsLive(row: { state: WorkflowState; counts: unknown }): boolean {
  return row.state === "running" || row.counts === null;
}

/** The record of a row; `live` are its jobs per state, read when `countsLive(row)`. */
export function workflowFromRow(
  row: WorkflowRow,
  live: readonly { state: JobState; n: number }[] | null,
): WorkflowRecord {
  let counts: StateCounts;
  let state = row.state;
  if (live !== null) {
    counts = emptyCounts();
    for (const { state: s, n } of live) counts[s] += n;
    state = workflowStateOf(row.policy, counts);
  } else {
    counts = { ...emptyCounts(), ...row.counts };
  }
  return {
    id: row.id,
    name: row.name,
    policy: row.policy,
    state,
    spec: row.spec,
    total: row.total,
    counts,
    createdAt: row.created_at,
    finishedAt: row.state === "running" ? null : row.finished_at,
  };
}
