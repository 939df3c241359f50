/**
 * Dynamic children, the core half (the backend half is `jobSpawn`, seam/jobs.ts): builds the
 * child jobs `ctx.spawn` creates, and reads a resumed parent's children for `ctx.children`.
 * Injected into the worker and the inline runner by the client (like workflow/inputs.ts), so
 * the worker floor does not import the enqueue pipeline.
 *
 * A parent's `meta.spawn` ({ round, from, count, onFailure }) says which of its `dependsOn` are
 * the last spawn's children: `dependsOn.slice(from, from + count)`. The backend appends them in
 * the same write that moves the parent to `waiting`, so the marker and the edges never disagree.
 */
import type { Backend, NewJob } from "../backend/backend.js";
import { InvalidArgumentError, NonRetriableError } from "../core/errors/index.js";
import { newJobId } from "../core/ids.js";
import type { TaskRegistry } from "../core/registry.js";
import { deserialize } from "../core/serializer.js";
import { type ChildOutcome, type SpawnedChildren, spawnedChildren, spawnMetaOf } from "../core/spawn.js";
import type { TaskCall } from "../core/task.js";
import { FINAL_STATES, type JobRecord, type LeasedJob } from "../core/types.js";
import { buildJob, validateInput } from "../enqueue/build-job.js";
import type { SpawnSupport } from "../worker/execute.js";
import { PARENT_READ_CHUNK, workflowMetaOf } from "./inputs.js";

export interface SpawnDeps {
  registry: TaskRegistry;
  now(): number;
  payloadLimit: number;
}

export function spawnSupport(deps: SpawnDeps): SpawnSupport {
  return {
    build: (calls, parent) => buildChildren(calls, parent, deps),
    resume: (job, backend) => (spawnMetaOf(job.meta) ? readChildren(job, backend) : null),
  };
}

async function buildChildren(
  calls: ReadonlyArray<TaskCall>,
  parent: LeasedJob,
  deps: SpawnDeps,
): Promise<NewJob[]> {
  const now = deps.now();
  const round = (spawnMetaOf(parent.meta)?.round ?? 0) + 1;
  const wf = workflowMetaOf(parent);
  const out: NewJob[] = [];
  for (let i = 0; i < calls.length; i++) {
    const call = calls[i] as TaskCall | undefined;
    if (!call || typeof call !== "object" || !call.task || "piped" in call)
      throw new InvalidArgumentError(
        `ctx.spawn takes bound calls (task.with(input)); item ${i} is not one`,
        "calls",
      );
    const task = deps.registry.get(call.task.name);
    const opts = call.options ?? {};
    if (opts.key !== undefined)
      throw new InvalidArgumentError("spawned children cannot have an idempotency key", "key");
    if (opts.dependsOn !== undefined && opts.dependsOn.length > 0)
      throw new InvalidArgumentError("spawned children cannot have their own dependsOn", "dependsOn");
    const input = task.schema ? await validateInput(task, call.input) : call.input;
    const job = buildJob(task, input, opts, now, deps.payloadLimit, newJobId());
    const meta: Record<string, unknown> = { ...job.meta, spawnedBy: parent.id };
    // In a workflow the children join it (the backend adds them to its record) as named nodes.
    if (wf) meta.workflow = { id: wf.id, node: `${wf.node}.spawn${round > 1 ? round : ""}.${i}` };
    job.meta = meta;
    out.push(job);
  }
  return out;
}

async function readChildren(job: LeasedJob, backend: Backend): Promise<SpawnedChildren> {
  const spawn = spawnMetaOf(job.meta)!;
  const ids = job.dependsOn.slice(spawn.from, spawn.from + spawn.count);
  const byId = new Map<string, JobRecord>();
  for (let start = 0; start < ids.length; start += PARENT_READ_CHUNK) {
    for (const r of await backend.jobGetMany({ ids: ids.slice(start, start + PARENT_READ_CHUNK) }))
      byId.set(r.id, r);
  }
  const outcomes: ChildOutcome[] = [];
  const unfinished: string[] = [];
  let firstBad: ChildOutcome | null = null;
  for (const id of ids) {
    const r = byId.get(id);
    if (!r) throw new NonRetriableError(`job ${job.id}: spawned child ${id} is gone (removed or pruned)`);
    if (!FINAL_STATES.has(r.state)) {
      unfinished.push(id);
      continue;
    }
    const base = { id, task: r.task };
    const o: ChildOutcome =
      r.state === "completed"
        ? {
            ...base,
            state: "completed",
            result: r.result !== null ? deserialize(r.result) : undefined,
            error: null,
          }
        : r.state === "failed"
          ? { ...base, state: "failed", result: undefined, error: r.errors[r.errors.length - 1] ?? null }
          : { ...base, state: "cancelled", result: undefined, error: null };
    if (o.state !== "completed") firstBad ??= o;
    outcomes.push(o);
  }
  if (spawn.onFailure === "fail" && firstBad) {
    // Fail fast: the parent will not use the others' results.
    if (unfinished.length > 0)
      await backend.jobCancel({
        ids: unfinished,
        reason: `parent ${job.id} failed: child ${firstBad.id} ${firstBad.state}`,
      });
    const why = firstBad.error ? `: ${firstBad.error.message}` : "";
    throw new NonRetriableError(`child ${firstBad.id} (${firstBad.task}) ${firstBad.state}${why}`);
  }
  if (unfinished.length > 0)
    // Released early only under "fail"; under "continue" every child is final here.
    throw new Error(`job ${job.id} resumed with ${unfinished.length} unfinished children`);
  return spawnedChildren(spawn.round, outcomes);
}
