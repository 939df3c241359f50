/**
 * `spool.chain(a.with(x), b.with(), c.with())`: each step runs after the previous one and a
 * piped step (`task.with()`) receives its result. TypeScript checks that each piped step's
 * input type equals the previous step's output type; a bound step (`task.with(input)`) runs
 * after it but keeps its own input.
 */
import { InvalidArgumentError } from "../core/errors/index.js";
import {
  type Checked,
  type Free,
  type InOf,
  type Node,
  type OutOf,
  stepOf,
  Workflow,
  type WorkflowEnqueuer,
} from "./workflow.js";

/** Per position: the step itself, intersected with an error type when it cannot take its predecessor's output. */
export type ValidChain<S extends readonly unknown[], Prev = Free, First = true> = S extends readonly [
  infer H,
  ...infer R,
]
  ? [First extends true ? H : H & Checked<H, Prev>, ...ValidChain<R, OutOf<H>, false>]
  : S;

type Last<S extends readonly unknown[]> = S extends readonly [...unknown[], infer L] ? L : S[number];

export type ChainFn = <const S extends readonly [Node, ...Node[]]>(
  ...steps: S & ValidChain<S>
) => Workflow<InOf<S[0]>, OutOf<Last<S>>>;

export function makeChain(enqueuer: WorkflowEnqueuer): ChainFn {
  return ((...steps: Node[]) => {
    if (steps.length === 0) throw new InvalidArgumentError("a chain needs at least one step", "steps");
    return new Workflow({ kind: "chain", steps: steps.map(stepOf) }, enqueuer);
  }) as ChainFn;
}
