/**
 * `spool.flow()`: a general DAG. Nodes are named; a node runs after the nodes listed in its
 * `after`, and a piped node (`task.with()`) receives an object of its parents' results by node
 * name (TypeScript checks that type against the parents' outputs). Every node also gets
 * `ctx.parents`, the same object. The flow's result is the object of its sink nodes' results
 * (the nodes nothing runs after).
 *
 * @example
 * const wf = spool.flow()
 *   .node("users", loadUsers.with({ day }))
 *   .node("orders", loadOrders.with({ day }))
 *   .node("report", buildReport.with(), ["users", "orders"]); // input: { users: U; orders: O }
 * const { report } = await (await wf.enqueue()).result();
 *
 * The object form `spool.flow({ nodes: { a: …, b: … }, edges: [["a", "b"]] })` takes edges in
 * any order (less strictly typed); a cycle or an unknown node is an `InvalidArgumentError`.
 */
import { InvalidArgumentError } from "../core/errors/index.js";
import {
  type Checked,
  type Free,
  type Node,
  type OutOf,
  type Step,
  stepOf,
  Workflow,
  type WorkflowEnqueuer,
} from "./workflow.js";

interface FlowNode {
  readonly name: string;
  readonly step: Step;
  readonly after: readonly string[];
}

type Sinks<N, Used extends string> = { [K in Exclude<keyof N, Used>]: N[K] };

export class Flow<
  N extends Record<string, unknown> = Record<never, never>,
  Used extends string = never,
> extends Workflow<Free, Sinks<N, Used>> {
  constructor(
    private readonly list: readonly FlowNode[],
    private readonly enq: WorkflowEnqueuer,
  ) {
    super({ kind: "flow", nodes: list }, enq);
  }

  /** Adds a node that runs after the nodes named in `after` (default: none, a root). */
  node<K extends string, X extends Node, D extends keyof N & string = never>(
    name: K & (K extends keyof N ? { readonly "duplicate node name": K } : unknown),
    call: X & Checked<X, { [P in D]: N[P] }>,
    after?: readonly D[],
  ): Flow<N & { [P in K]: OutOf<X> }, Used | D> {
    const deps = [...(after ?? [])] as string[];
    checkName(name, this.list);
    for (const dep of deps) {
      if (!this.list.some((n) => n.name === dep))
        throw new InvalidArgumentError(`flow node "${name}" runs after unknown node "${dep}"`, "after");
    }
    return new Flow([...this.list, { name, step: stepOf(call as Node), after: deps }], this.enq);
  }
}

export interface FlowSpec {
  nodes: Readonly<Record<string, Node>>;
  /** `[from, to]`: `to` runs after `from`. */
  edges?: readonly (readonly [string, string])[];
}

export interface FlowFn {
  (): Flow;
  (spec: FlowSpec): Workflow<Free, Record<string, unknown>>;
}

export function makeFlow(enqueuer: WorkflowEnqueuer): FlowFn {
  return ((spec?: FlowSpec) => {
    if (spec === undefined) return new Flow([], enqueuer);
    return new Workflow({ kind: "flow", nodes: orderNodes(spec) }, enqueuer);
  }) as FlowFn;
}

function checkName(name: string, list: readonly FlowNode[]): void {
  if (typeof name !== "string" || name.length === 0 || name.includes("."))
    throw new InvalidArgumentError(`flow node names are non-empty and contain no ".": "${name}"`, "name");
  if (list.some((n) => n.name === name))
    throw new InvalidArgumentError(`flow node "${name}" is defined twice`, "name");
}

/** Topological order (Kahn; ties keep declaration order). Cycles and unknown nodes throw. */
export function orderNodes(spec: FlowSpec): FlowNode[] {
  const names = Object.keys(spec.nodes);
  const after = new Map<string, string[]>(names.map((n) => [n, []]));
  for (const name of names) checkName(name, []);
  for (const [from, to] of spec.edges ?? []) {
    if (!after.has(from)) throw new InvalidArgumentError(`flow edge from unknown node "${from}"`, "edges");
    if (!after.has(to)) throw new InvalidArgumentError(`flow edge to unknown node "${to}"`, "edges");
    if (from === to) throw new InvalidArgumentError(`flow node "${from}" depends on itself`, "edges");
    const list = after.get(to)!;
    if (!list.includes(from)) list.push(from);
  }
  const placed = new Set<string>();
  const out: FlowNode[] = [];
  while (out.length < names.length) {
    const ready = names.find((n) => !placed.has(n) && after.get(n)!.every((p) => placed.has(p)));
    if (ready === undefined) {
      const stuck = names.filter((n) => !placed.has(n));
      throw new InvalidArgumentError(`flow has a cycle among nodes: ${stuck.join(", ")}`, "edges");
    }
    placed.add(ready);
    out.push({ name: ready, step: stepOf(spec.nodes[ready]!), after: after.get(ready)! });
  }
  return out;
}
