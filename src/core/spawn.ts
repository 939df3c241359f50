/**
 * Dynamic children (see docs/children.md): the types a handler uses to fan out work it finds
 * while running and to read the children's outcomes when it is resumed.
 */
import { NonRetriableError } from "./errors/index.js";
import type { Task } from "./task-handle.js";
import type { JobErrorRecord } from "./types.js";

export interface SpawnOptions {
  /**
   * `"fail"` (default): the first child that ends `failed` or `cancelled` fails the parent
   * (its handler is not called again) and the children still unfinished are cancelled.
   * `"continue"`: the parent resumes once every child is final and reads each outcome.
   */
  onFailure?: "fail" | "continue";
}

interface OutcomeBase {
  id: string;
  task: string;
}

/**
 * One child's end, as the resumed parent sees it. `O` is the child task's result type (see
 * `SpawnedChildren.outcomesOf`); narrowing on `state` narrows `result` and `error` (a failed
 * child's last error record).
 */
export type ChildOutcome<O = unknown> =
  | (OutcomeBase & { state: "completed"; result: O; error: null })
  | (OutcomeBase & { state: "failed"; result: undefined; error: JobErrorRecord | null })
  | (OutcomeBase & { state: "cancelled"; result: undefined; error: null });

/** `ctx.children` of a resumed parent: the last spawn's children, in the order given. */
export interface SpawnedChildren {
  /** 1 for the first spawn of this job, 2 when a resumed handler spawned again, … */
  readonly round: number;
  /** Each child's result (undefined for a child that did not complete: see `outcomes`). */
  readonly results: readonly unknown[];
  readonly outcomes: readonly ChildOutcome[];
  /**
   * The outcomes of the children of `task`, in spawn order, typed by its result type. Matched
   * by task name at run time, so the type is as true as the task definition.
   */
  outcomesOf<I, O>(task: Task<I, O>): ChildOutcome<O>[];
  /**
   * The results of the children of `task`, in spawn order, typed by its result type. Throws a
   * `NonRetriableError` naming the first of them that did not complete (possible only under
   * `onFailure: "continue"`; under `"fail"` a resumed parent's children all completed).
   */
  resultsOf<I, O>(task: Task<I, O>): O[];
}

/** Builds `ctx.children` from the outcomes read at resume (see workflow/spawn.ts). */
export function spawnedChildren(round: number, outcomes: ChildOutcome[]): SpawnedChildren {
  const outcomesOf = <I, O>(task: Task<I, O>) =>
    outcomes.filter((o) => o.task === task.name) as ChildOutcome<O>[];
  return {
    round,
    results: outcomes.map((o) => o.result),
    outcomes,
    outcomesOf,
    resultsOf<I, O>(task: Task<I, O>): O[] {
      return outcomesOf(task).map((o) => {
        if (o.state === "completed") return o.result;
        const why = o.error ? `: ${o.error.message}` : "";
        throw new NonRetriableError(`child ${o.id} (${o.task}) ${o.state}${why}`);
      });
    },
  };
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
