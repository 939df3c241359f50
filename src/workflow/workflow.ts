/**
 * The shared shape of every workflow piece: a `Step` tree (shapes.ts; what compile.ts turns into
 * jobs) wrapped in a typed `Workflow<In, Out>`, and the type-level rules that make chains, chords
 * and flows check that each piped input equals what its parents produce.
 *
 * `In` is what the piece expects from upstream: `Free` when every entry has its own input
 * (bound calls), else the input type of its piped entries.
 */
import type { PipedCall, TaskCall } from "../core/task.js";
import type { WorkflowHandle } from "./handle.js";
import type { Step, WorkflowOptions } from "./shapes.js";

export type { Step, WorkflowOptions, WorkflowPolicy } from "./shapes.js";

/** Marker for "takes no input from upstream". */
export interface Free {
  readonly __free: true;
}

export type WorkflowEnqueuer = (step: Step, options: WorkflowOptions) => Promise<WorkflowHandle<unknown>>;

export class Workflow<In = Free, Out = unknown> {
  /** Type markers only. */
  declare readonly __in?: In;
  declare readonly __out?: Out;

  constructor(
    readonly step: Step,
    private readonly enqueuer: WorkflowEnqueuer,
  ) {}

  /** Writes every job of the workflow in one atomic backend call and returns its handle. */
  async enqueue(options: WorkflowOptions = {}): Promise<WorkflowHandle<Out>> {
    return (await this.enqueuer(this.step, options)) as WorkflowHandle<Out>;
  }
}

/** Anything that can be a step: a bound call, a piped call, or a nested workflow. */
// biome-ignore lint/suspicious/noExplicitAny: variance-free matching of any call
export type Node = TaskCall<any, any> | PipedCall<any, any> | Workflow<any, any>;

export type InOf<X> =
  X extends PipedCall<infer I, unknown>
    ? I
    : X extends Workflow<infer I, unknown>
      ? I
      : X extends TaskCall<unknown, unknown>
        ? Free
        : never;

export type OutOf<X> =
  X extends PipedCall<unknown, infer O>
    ? O
    : X extends TaskCall<unknown, infer O>
      ? O
      : X extends Workflow<unknown, infer O>
        ? O
        : never;

/**
 * True when `X` may run after something that produces `P`: a bound step always may; a piped
 * step when `P` is assignable to its input (so a group's tuple `[number, number]` feeds a
 * callback taking `number[]`, but `string` never feeds `number`).
 */
export type Accepts<X, P> = [InOf<X>] extends [Free] ? true : [P] extends [InOf<X>] ? true : false;

/** What a type error on a mismatched step says. */
export interface InputMismatch<Expected, Got> {
  readonly "piped input must equal the upstream output": { expected: Expected; got: Got };
}

/** `X` when it accepts `P`, else a type the argument cannot satisfy (the error names both types). */
export type Checked<X, P> = Accepts<X, P> extends true ? unknown : InputMismatch<P, InOf<X>>;

export function stepOf(node: Node): Step {
  if (node instanceof Workflow) return node.step;
  return { kind: "call", call: node as TaskCall | PipedCall };
}
