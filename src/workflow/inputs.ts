/**
 * Run-time half of result passing (see compile.ts): builds a workflow job's input and
 * `ctx.parents` from its parents' results, read with `jobGetMany` in chunks. Parents are
 * `completed` by construction (the job was released by their completion) and retention keeps
 * them while the workflow runs; a missing one is a permanent error, not a retry.
 */
import type { Backend } from "../backend/backend.js";
import { NonRetriableError } from "../core/errors/index.js";
import { deserialize } from "../core/serializer.js";
import type { JobRecord } from "../core/types.js";
import type { WorkflowJobMeta } from "./shapes.js";
import { buildFromTpl, type Tpl, tplIndexes } from "./template.js";

/** Parents read per `jobGetMany` call. */
export const PARENT_READ_CHUNK = 1_000;

const NO_PARENTS: Readonly<Record<string, unknown>> = Object.freeze({});

export function workflowMetaOf(job: Pick<JobRecord, "meta">): WorkflowJobMeta | null {
  const wf = job.meta.workflow as WorkflowJobMeta | undefined;
  return wf && typeof wf === "object" && typeof wf.id === "string" ? wf : null;
}

/** True when running the job needs its parents' results (a piped input or flow parents). */
export function needsParents(job: Pick<JobRecord, "meta">): boolean {
  const wf = workflowMetaOf(job);
  return wf !== null && (wf.input !== undefined || wf.parents !== undefined);
}

export async function resolveWorkflowInput(
  job: Pick<JobRecord, "id" | "meta" | "dependsOn" | "input">,
  backend: Backend,
): Promise<{ input: unknown; parents: Readonly<Record<string, unknown>> }> {
  const wf = workflowMetaOf(job)!;
  const wanted = new Set<number>();
  if (wf.input !== undefined) tplIndexes(wf.input, wanted);
  if (wf.parents !== undefined) tplIndexes(wf.parents, wanted);
  const ids = [...wanted].sort((a, b) => a - b).map((i) => job.dependsOn[i]!);
  const values = new Map<string, unknown>();
  for (let start = 0; start < ids.length; start += PARENT_READ_CHUNK) {
    const chunk = ids.slice(start, start + PARENT_READ_CHUNK);
    const records = await backend.jobGetMany({ ids: chunk });
    for (const r of records) {
      if (r.state !== "completed") continue;
      values.set(r.id, r.result === null ? undefined : deserialize(r.result));
    }
  }
  const value = (i: number) => {
    const id = job.dependsOn[i];
    if (id === undefined || !values.has(id))
      throw new NonRetriableError(`workflow job ${job.id}: the result of parent ${id ?? `#${i}`} is gone`);
    return values.get(id);
  };
  return {
    input: wf.input === undefined ? deserialize(job.input) : buildFromTpl(wf.input as Tpl, value),
    parents:
      wf.parents === undefined ? NO_PARENTS : (buildFromTpl(wf.parents, value) as Record<string, unknown>),
  };
}

export { NO_PARENTS };

/**
 * The worker's input resolver (`InputResolver` in worker/execute.ts, wired by the client):
 * a workflow job that takes its parents' results gets them read now; any other job, null.
 */
export function workflowInputs(
  job: Pick<JobRecord, "id" | "meta" | "dependsOn" | "input">,
  backend: Backend,
): Promise<{ input: unknown; parents: Readonly<Record<string, unknown>> }> | null {
  return needsParents(job) ? resolveWorkflowInput(job, backend) : null;
}
