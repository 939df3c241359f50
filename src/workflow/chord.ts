/**
 * `spool.chord(group, callback)`: the callback runs once, after every member of the group
 * completed, with the array of their results in order. The backend's dependency counting
 * releases it in the transaction that completes the last member, so it fires exactly once,
 * whatever retries or crashes happen (results are read from the member jobs at run time; they
 * are kept until the workflow ends).
 */
import type { GroupIn, GroupOut } from "./group.js";
import {
  type Checked,
  type InOf,
  type Node,
  type OutOf,
  stepOf,
  Workflow,
  type WorkflowEnqueuer,
} from "./workflow.js";

type HeaderIn<G> = G extends readonly Node[] ? GroupIn<G> : InOf<G>;
type HeaderOut<G> = G extends readonly Node[] ? GroupOut<G> : OutOf<G>;

export type ChordFn = <
  // biome-ignore lint/suspicious/noExplicitAny: any group-shaped workflow
  const G extends readonly Node[] | Workflow<any, readonly unknown[]>,
  C extends Node,
>(
  group: G,
  callback: C & Checked<C, HeaderOut<G>>,
) => Workflow<HeaderIn<G>, OutOf<C>>;

export function makeChord(enqueuer: WorkflowEnqueuer): ChordFn {
  return ((group: readonly Node[] | Workflow, callback: Node) => {
    const header =
      group instanceof Workflow ? group.step : { kind: "group" as const, items: group.map(stepOf) };
    if (header.kind === "group" && header.items.length === 0)
      throw new InvalidArgumentError("a chord's group needs at least one step", "group");
    return new Workflow({ kind: "chord", group: header, callback: stepOf(callback) }, enqueuer);
  }) as ChordFn;
}

import { InvalidArgumentError } from "../core/errors/index.js";
