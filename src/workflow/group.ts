/**
 * `spool.group([...])`: steps that run in parallel; the group's result is the array of their
 * results, in the order given (whatever order they finish in). Inside a chain, every piped
 * member receives the previous step's result.
 */
import { InvalidArgumentError } from "../core/errors/index.js";
import {
  type Free,
  type InOf,
  type Node,
  type OutOf,
  stepOf,
  Workflow,
  type WorkflowEnqueuer,
} from "./workflow.js";

export type GroupIn<T extends readonly Node[]> = [Exclude<InOf<T[number]>, Free>] extends [never]
  ? Free
  : Exclude<InOf<T[number]>, Free>;

export type GroupOut<T extends readonly Node[]> = { -readonly [K in keyof T]: OutOf<T[K]> };

export type GroupFn = <const T extends readonly Node[]>(items: T) => Workflow<GroupIn<T>, GroupOut<T>>;

export function makeGroup(enqueuer: WorkflowEnqueuer): GroupFn {
  return ((items: readonly Node[]) => {
    if (!Array.isArray(items) || items.length === 0)
      throw new InvalidArgumentError("a group needs at least one step", "items");
    return new Workflow({ kind: "group", items: items.map(stepOf) }, enqueuer);
  }) as GroupFn;
}
