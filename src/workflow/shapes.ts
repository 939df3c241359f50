/**
 * The shapes every part of a workflow shares: the `Step` tree a workflow is built as, its
 * options, and what compile.ts stores (`meta.workflow` on each job, the record's `spec`) for
 * the run-time readers (inputs.ts, handle.ts, spawned-nodes.ts) to read back. Kept apart from
 * the code that writes or reads them so that writers and readers never import each other.
 */
import type { PipedCall, TaskCall } from "../core/task.js";
import type { Tpl } from "./template.js";

export type Step =
  | { readonly kind: "call"; readonly call: TaskCall | PipedCall }
  | { readonly kind: "chain"; readonly steps: readonly Step[] }
  | { readonly kind: "group"; readonly items: readonly Step[] }
  | { readonly kind: "chord"; readonly group: Step; readonly callback: Step }
  | {
      readonly kind: "flow";
      readonly nodes: readonly {
        readonly name: string;
        readonly step: Step;
        readonly after: readonly string[];
      }[];
    };

export type WorkflowPolicy = "failFast" | "continue";

export interface WorkflowOptions {
  /** Shown in listings and the dashboard. Default: the kind and first task ("chain:pdf.render"). */
  name?: string;
  /**
   * `failFast` (default): the first permanent failure cancels every job that has not started
   * and the workflow is `failed`. `continue`: independent branches finish; only dependents of
   * the failed node are cancelled. Retries of a node happen before either applies.
   */
  policy?: WorkflowPolicy;
}

/** What `meta.workflow` holds on every job of a workflow. */
export interface WorkflowJobMeta {
  id: string;
  /** The node's path: "0", "group.3", "report" … */
  node: string;
  /** Present when the input is built from the parents' results: a template over `dependsOn`. */
  input?: Tpl;
  /** Flow nodes: `ctx.parents`, an `{ o: … }` template over `dependsOn`. */
  parents?: Tpl;
}

/** What the workflow record's `spec` holds (JSON). */
export interface WorkflowSpec {
  v: 1;
  kind: Step["kind"];
  /** Job ids, in node order. */
  jobs: string[];
  /** Node paths, same order. */
  names: string[];
  /** The workflow's result: a template over `jobs`. */
  output: Tpl;
}
