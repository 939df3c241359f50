/**
 * Dynamic children (see docs/children.md): the types a handler uses to fan out work it finds
 * while running and to read the children's outcomes when it is resumed.
 */
import type { JobErrorRecord, JobState } from "./types.js";

export interface SpawnOptions {
  /**
   * `"fail"` (default): the first child that ends `failed` or `cancelled` fails the parent
   * (its handler is not called again) and the children still unfinished are cancelled.
   * `"continue"`: the parent resumes once every child is final and reads each outcome.
   */
  onFailure?: "fail" | "continue";
}

/** One child's end, as the resumed parent sees it. */
export interface ChildOutcome {
  id: string;
  task: string;
  state: Extract<JobState, "completed" | "failed" | "cancelled">;
  /** The child's result when `completed`. */
  result: unknown;
  /** The child's last error when `failed` (null otherwise). */
  error: JobErrorRecord | null;
}

/** `ctx.children` of a resumed parent: the last spawn's children, in the order given. */
export interface SpawnedChildren {
  /** 1 for the first spawn of this job, 2 when a resumed handler spawned again, … */
  readonly round: number;
  /** Each child's result (undefined for a child that did not complete: see `outcomes`). */
  readonly results: readonly unknown[];
  readonly outcomes: readonly ChildOutcome[];
}

/** What the core stores in a parent's `meta.spawn` (the backend never reads it). */
export interface SpawnMeta {
  round: number;
  /** The children are `dependsOn.slice(from, from + count)`. */
  from: number;
  count: number;
  onFailure: "fail" | "continue";
}

export function spawnMetaOf(meta: Readonly<Record<string, unknown>>): SpawnMeta | null {
  const s = meta.spawn as SpawnMeta | undefined;
  return s && typeof s === "object" && typeof s.from === "number" && typeof s.count === "number" ? s : null;
}
