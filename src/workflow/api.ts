/**
 * The workflow part of the `Spool` facade: `chain`, `group`, `chord`, `flow`, `workflow(id)`
 * and `workflows.list()`, bound to one client's backend and task registry. createSpool
 * spreads this into the facade, so spool.ts only wires it.
 */
import type { Backend } from "../backend/backend.js";
import type { Clock } from "../core/clock.js";
import type { TaskRegistry } from "../core/registry.js";
import { runPipeline } from "../enqueue/pipeline.js";
import { type ChainFn, makeChain } from "./chain.js";
import { type ChordFn, makeChord } from "./chord.js";
import { compileWorkflow } from "./compile.js";
import { type FlowFn, makeFlow } from "./flow.js";
import { type GroupFn, makeGroup } from "./group.js";
import { SpoolWorkflowHandle, type WorkflowHandle, type WorkflowInfo, workflowInfo } from "./handle.js";
import type { WorkflowEnqueuer } from "./workflow.js";

export interface WorkflowApi {
  /**
   * Steps in sequence; each piped step (`task.with()`) gets the previous result.
   * @example
   * const wf = await spool.chain(fetch.with({ url }), parse.with(), store.with()).enqueue();
   * await wf.result(); // store's result
   */
  readonly chain: ChainFn;
  /** Steps in parallel; the result is the array of their results in order. */
  readonly group: GroupFn;
  /**
   * A group, then a callback with every result (exactly once).
   * @example
   * await spool.chord(dbs.map((db) => scan.with({ db })), aggregate.with()).enqueue();
   */
  readonly chord: ChordFn;
  /** A DAG: `spool.flow().node(name, call, after?)…`, or `spool.flow({ nodes, edges })`. */
  readonly flow: FlowFn;
  /** A handle on an existing workflow. */
  workflow<O = unknown>(id: string): WorkflowHandle<O>;
  readonly workflows: {
    list(params?: { cursor?: string; limit?: number; order?: "asc" | "desc" }): Promise<{
      workflows: WorkflowInfo[];
      nextCursor: string | null;
    }>;
  };
}

export interface WorkflowApiDeps {
  backend: () => Promise<Backend>;
  registry: TaskRegistry;
  clock: Clock;
  payloadLimit: number;
  /** Inline mode: run what was enqueued before returning. */
  afterEnqueue?: () => Promise<void>;
}

export function createWorkflowApi(deps: WorkflowApiDeps): WorkflowApi {
  const enqueue: WorkflowEnqueuer = async (step, options) => {
    const backend = await deps.backend();
    // The enqueue pipeline (enqueue/pipeline.ts): compile validates and builds every node's
    // job; the pipeline stamps the producer trace into each and writes them in one call.
    const compiled = await compileWorkflow(step, options, {
      registry: deps.registry,
      now: deps.clock.now(),
      payloadLimit: deps.payloadLimit,
    });
    await runPipeline(compiled.jobs, {
      build: async () => compiled.jobs,
      write: async (jobs) => {
        await backend.workflowEnqueue({ workflow: compiled.workflow, jobs });
        return { result: undefined, ids: jobs.map((j) => j.id) };
      },
    });
    if (deps.afterEnqueue) await deps.afterEnqueue();
    return new SpoolWorkflowHandle(compiled.workflow.id, deps.backend);
  };
  return {
    chain: makeChain(enqueue),
    group: makeGroup(enqueue),
    chord: makeChord(enqueue),
    flow: makeFlow(enqueue),
    workflow: <O>(id: string) => new SpoolWorkflowHandle<O>(id, deps.backend),
    workflows: {
      async list(params = {}) {
        const backend = await deps.backend();
        const page = await backend.workflowList(params);
        return {
          // The page already holds the records: no second read per workflow (which could also
          // fail the whole page for one workflow removed in between).
          workflows: page.workflows.map(workflowInfo),
          nextCursor: page.nextCursor,
        };
      },
    },
  };
}
