/**
 * The one dedupe rule (docs/flow-control.md, "Dedupe windows"), applied by the memory, SQLite and
 * PostgreSQL backends inside their enqueue write; Redis applies the same rule in enqueue.lua
 * (includes/dedupe.lua). Each store keeps, per (task, dedupe key), the job last created for the
 * key and `firstAt`, when that job was enqueued.
 *
 * - `throttle`: the recorded job matches for `window` after `firstAt`, in any state (running,
 *   even finished): at most one job per key per window.
 * - `debounce`: the recorded job matches while it has not started (waiting, scheduled, queued):
 *   it takes the new input and runs at the new job's run time (now + window), capped at
 *   `firstAt + maxWait`. Once it runs (or ended), the next enqueue creates a new job.
 * - `replace`: the recorded job matches while it has not started (and, with a window, within it):
 *   it takes the new input; its run time stays.
 */
import type { NewJobDedupe } from "../core/dedupe.js";
import type { EpochMs, JobState } from "../core/types.js";
import { EDITABLE_STATES } from "./job-actions.js";

export interface DedupeEntry {
  jobId: string;
  firstAt: EpochMs;
}

export type DedupeVerdict =
  /** No match: create the new job and record it for the key with firstAt = now. */
  | { kind: "create" }
  /** Throttle: return the recorded job unchanged. */
  | { kind: "return" }
  /** Debounce / replace: give the recorded job the new input (and, when set, this run time). */
  | { kind: "update"; runAt: EpochMs | null };

const PENDING: ReadonlySet<JobState> = new Set(EDITABLE_STATES);

/**
 * `matched` is the recorded job's state, or null when there is no entry or its job is gone.
 * `runAt` is the new job's run time (already now + window for debounce, in the store's frame).
 */
export function dedupeVerdict(
  d: NewJobDedupe,
  entry: DedupeEntry | null,
  matched: JobState | null,
  runAt: EpochMs,
  now: EpochMs,
): DedupeVerdict {
  if (entry === null || matched === null) return { kind: "create" };
  const inWindow = d.windowMs === null || now < entry.firstAt + d.windowMs;
  if (d.mode === "throttle") return inWindow ? { kind: "return" } : { kind: "create" };
  if (!PENDING.has(matched)) return { kind: "create" };
  if (d.mode === "replace") return inWindow ? { kind: "update", runAt: null } : { kind: "create" };
  // Debounce: pushed back to the new job's run time, never past firstAt + maxWait.
  const cap = d.maxWaitMs === null ? Number.POSITIVE_INFINITY : entry.firstAt + d.maxWaitMs;
  return { kind: "update", runAt: Math.min(runAt, cap) };
}

/** The state a pending job moves to when its run time changes (`waiting` stays `waiting`). */
export function stateAfterRunAt(state: JobState, runAt: EpochMs, now: EpochMs): JobState {
  if (state === "waiting") return state;
  return runAt > now ? "scheduled" : "queued";
}
