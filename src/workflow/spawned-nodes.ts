/**
 * A workflow's nodes including the children its jobs spawned at run time (`ctx.spawn`): the
 * compiled spec lists only the nodes known at enqueue, so the graph (handle.nodes(), HTTP
 * /api/workflows/{id}/graph, the dashboard) adds each spawn waiter's children, found through its
 * `dependsOn` and named by the child's `meta.workflow.node` ("<parent node>.spawn.<i>").
 */
import type { Backend } from "../backend/backend.js";
import type { JobRecord } from "../core/types.js";
import { PARENT_READ_CHUNK } from "./inputs.js";
import type { WorkflowSpec } from "./shapes.js";

export interface WorkflowJobs {
  /** Job ids: the spec's, then spawned children (breadth first). */
  ids: string[];
  /** Node names, same order. */
  names: string[];
  /** The records read (a job retention removed is absent). */
  records: Map<string, JobRecord>;
}

async function read(
  backend: Backend,
  ids: readonly string[],
  into: Map<string, JobRecord>,
): Promise<JobRecord[]> {
  const out: JobRecord[] = [];
  for (let start = 0; start < ids.length; start += PARENT_READ_CHUNK) {
    for (const r of await backend.jobGetMany({ ids: ids.slice(start, start + PARENT_READ_CHUNK) })) {
      into.set(r.id, r);
      out.push(r);
    }
  }
  return out;
}

export async function workflowJobs(spec: WorkflowSpec, backend: Backend): Promise<WorkflowJobs> {
  const records = new Map<string, JobRecord>();
  const ids = [...spec.jobs];
  const names = [...spec.names];
  const known = new Set(ids);
  let waiters = (await read(backend, spec.jobs, records)).filter((r) => r.meta.spawn !== undefined);
  while (waiters.length > 0) {
    const next: JobRecord[] = [];
    for (const parent of waiters) {
      const candidates = parent.dependsOn.filter((id) => !known.has(id));
      const parentName = names[ids.indexOf(parent.id)] ?? parent.id;
      let i = 0;
      for (const child of await read(backend, candidates, records)) {
        if (child.meta.spawnedBy !== parent.id) continue;
        const wf = child.meta.workflow as { node?: unknown } | undefined;
        known.add(child.id);
        ids.push(child.id);
        names.push(typeof wf?.node === "string" ? wf.node : `${parentName}.spawn.${i}`);
        i++;
        if (child.meta.spawn !== undefined) next.push(child);
      }
    }
    waiters = next;
  }
  return { ids, names, records };
}
