/**
 * Turns a workflow's `Step` tree into the backend's `NewJob[]` (parents before children, linked
 * by `dependsOn`) plus the workflow record, ready for ONE `workflowEnqueue` call.
 *
 * Passing results keeps the backend dumb: a job that takes its parents' results stores, in
 * `meta.workflow.input`, a template over its own `dependsOn` (see template.ts); its stored
 * `input` is `null`. The worker builds the real input at run time by reading the parents with
 * `jobGetMany` (workflow/inputs.ts). Flow nodes also get `meta.workflow.parents` (for
 * `ctx.parents`). Results therefore never get copied into a child's row, whatever the fan-in.
 */
import type { NewJob, NewWorkflow } from "../backend/backend.js";
import { InvalidArgumentError } from "../core/errors/index.js";
import { newJobId } from "../core/ids.js";
import type { TaskRegistry } from "../core/registry.js";
import type { PipedCall, TaskCall } from "../core/task.js";
import { buildJob, validateInput } from "../enqueue/build-job.js";
import type { Step, WorkflowJobMeta, WorkflowOptions, WorkflowSpec } from "./shapes.js";
import { encodeRef, type Ref, refJobs, type Tpl } from "./template.js";

export interface CompileDeps {
  registry: TaskRegistry;
  now: number;
  payloadLimit: number;
}

export interface Compiled {
  workflow: NewWorkflow;
  jobs: NewJob[];
  spec: WorkflowSpec;
}

interface Draft {
  id: string;
  call: TaskCall | PipedCall;
  node: string;
  deps: string[];
  input?: Tpl;
  parents?: Tpl;
}

const join = (path: string, seg: string | number) => (path === "" ? String(seg) : `${path}.${seg}`);

export async function compileWorkflow(
  step: Step,
  options: WorkflowOptions,
  deps: CompileDeps,
): Promise<Compiled> {
  const policy = options.policy ?? "failFast";
  if (policy !== "failFast" && policy !== "continue")
    throw new InvalidArgumentError(`unknown workflow policy "${String(policy)}"`, "policy");
  const wfId = newJobId();
  const drafts: Draft[] = [];

  const consume = (ref: Ref) => {
    const ids = refJobs(ref);
    return { ids, index: new Map(ids.map((id, i) => [id, i])) };
  };

  const walk = (s: Step, up: Ref | null, path: string, parents: Record<string, Ref> | null): Ref => {
    switch (s.kind) {
      case "call": {
        const piped = "piped" in s.call && s.call.piped === true;
        const node = path === "" ? "0" : path;
        if (piped && up === null)
          throw new InvalidArgumentError(
            `step "${node}" (${s.call.task.name}) takes its input from upstream (task.with()), but nothing runs before it`,
            "steps",
          );
        const id = newJobId();
        const draft: Draft = { id, call: s.call, node, deps: [] };
        if (up !== null || parents !== null) {
          const all: Ref = parents === null ? up! : { a: [up!, { o: parents }] };
          const { ids, index } = consume(all);
          draft.deps = ids;
          if (piped) draft.input = encodeRef(up!, index);
          if (parents !== null) draft.parents = encodeRef({ o: parents }, index);
        }
        drafts.push(draft);
        return { j: id };
      }
      case "chain": {
        let cur = up;
        s.steps.forEach((child, i) => {
          cur = walk(child, cur, join(path, i), i === 0 ? parents : null);
        });
        return cur!;
      }
      case "group":
        return { a: s.items.map((child, i) => walk(child, up, join(path, i), parents)) };
      case "chord": {
        const header = walk(s.group, up, join(path, "group"), parents);
        return walk(s.callback, header, join(path, "callback"), null);
      }
      case "flow": {
        const outputs = new Map<string, Ref>();
        const used = new Set<string>();
        for (const n of s.nodes) {
          if (n.after.length === 0) {
            outputs.set(n.name, walk(n.step, up, join(path, n.name), null));
            continue;
          }
          const o: Record<string, Ref> = {};
          for (const p of n.after) {
            const r = outputs.get(p);
            if (!r)
              throw new InvalidArgumentError(`flow node "${n.name}" runs after unknown node "${p}"`, "after");
            o[p] = r;
            used.add(p);
          }
          outputs.set(n.name, walk(n.step, { o }, join(path, n.name), o));
        }
        const sinks: Record<string, Ref> = {};
        for (const [name, r] of outputs) if (!used.has(name)) sinks[name] = r;
        return { o: sinks };
      }
    }
  };

  const output = walk(step, null, "", null);
  const jobs: NewJob[] = [];
  for (const d of drafts) {
    const task = deps.registry.get(d.call.task.name);
    const opts = d.call.options ?? {};
    if (opts.key !== undefined)
      throw new InvalidArgumentError("jobs of a workflow cannot have an idempotency key", "key");
    if (opts.dependsOn !== undefined && opts.dependsOn.length > 0)
      throw new InvalidArgumentError(
        "jobs of a workflow take their dependencies from the workflow",
        "dependsOn",
      );
    const piped = "piped" in d.call;
    const raw = piped ? null : (d.call as TaskCall).input;
    const input = !piped && task.schema ? await validateInput(task, raw) : raw;
    const job = buildJob(task, input, opts, deps.now, deps.payloadLimit, d.id, false, piped);
    const wfMeta: WorkflowJobMeta = { id: wfId, node: d.node };
    if (d.input !== undefined) wfMeta.input = d.input;
    if (d.parents !== undefined) wfMeta.parents = d.parents;
    job.dependsOn = d.deps;
    job.meta = { ...job.meta, workflow: wfMeta };
    jobs.push(job);
  }
  const index = new Map(drafts.map((d, i) => [d.id, i]));
  const spec: WorkflowSpec = {
    v: 1,
    kind: step.kind,
    jobs: drafts.map((d) => d.id),
    names: drafts.map((d) => d.node),
    output: encodeRef(output, index),
  };
  const name = options.name ?? `${step.kind}:${drafts[0]?.call.task.name ?? ""}`;
  return { workflow: { id: wfId, name, policy, spec: JSON.stringify(spec) }, jobs, spec };
}
