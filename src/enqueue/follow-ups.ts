/**
 * Durable follow-ups, both ends (docs/flow-control.md, "Durable follow-ups"):
 *
 * - at enqueue, `buildFollowUps` resolves `{ then, catch }` into `FollowUpJob` templates stored
 *   with the parent (task known, input validated and serialized, id chosen), so a bad follow-up
 *   throws before anything is written;
 * - when a follow-up runs, `followUpInputs` reads its parent's outcome for `ctx.parent`.
 */
import type { Backend } from "../backend/backend.js";
import { InvalidArgumentError } from "../core/errors/index.js";
import {
  FOLLOW_UP_OPTION_KEYS,
  type FollowUpLink,
  type FollowUpOutcome,
  type NewJobFollowUps,
  type ParentOutcome,
} from "../core/follow-ups.js";
import { checkOptionKeys } from "../core/option-keys.js";
import type { TaskRegistry } from "../core/registry.js";
import { deserialize } from "../core/serializer.js";
import type { EnqueueOptions, PipedCall, TaskCall } from "../core/task.js";
import type { LeasedJob } from "../core/types.js";
import { buildJob, validateInput } from "./build-job.js";

const WHICH: readonly ["then" | "catch", FollowUpOutcome][] = [
  ["then", "completed"],
  ["catch", "failed"],
];

function isCall(value: unknown): value is TaskCall | PipedCall {
  if (typeof value !== "object" || value === null) return false;
  const task = (value as { task?: { name?: unknown } }).task;
  return typeof task === "object" && task !== null && typeof task.name === "string";
}

/** The templates of `options.then` / `options.catch` for parent `parentId`, or null when neither is set. */
export async function buildFollowUps(
  options: EnqueueOptions | undefined,
  parentId: string,
  deps: { registry: TaskRegistry; now: number; payloadLimit: number },
): Promise<NewJobFollowUps | null> {
  if (options?.then === undefined && options?.catch === undefined) return null;
  const out: NewJobFollowUps = {};
  for (const [which, outcome] of WHICH) {
    const call = options[which];
    if (call === undefined) continue;
    if (!isCall(call))
      throw new InvalidArgumentError(`${which} must be a task call: task.with(input) or task.with()`, which);
    // A task this spool does not define (another app's handle, a typo'd name): UnknownTaskError.
    const task = deps.registry.get(call.task.name);
    checkOptionKeys(call.options, FOLLOW_UP_OPTION_KEYS, `${which} follow-up`);
    const piped = "piped" in call && call.piped === true;
    const input = piped ? null : await validateInput(task, (call as TaskCall).input);
    // A piped input is known only at the outcome: only an explicit limitKey keys its limits.
    const built = buildJob(task, input, call.options, deps.now, deps.payloadLimit, undefined, false, piped);
    const link: FollowUpLink = { id: parentId, outcome };
    out[outcome] = {
      id: built.id,
      task: built.task,
      queue: built.queue,
      input: piped ? null : built.input,
      priority: built.priority,
      maxAttempts: built.maxAttempts,
      meta: JSON.stringify({ ...built.meta, parent: link }),
      leaseMs: built.leaseMs,
      timeoutMs: built.timeoutMs,
      flow: built.flow ?? null,
    };
  }
  return out;
}

/** `meta.parent` of a follow-up job, or null for any other job. */
export function followUpLink(meta: Readonly<Record<string, unknown>>): FollowUpLink | null {
  const link = meta.parent as FollowUpLink | undefined;
  return link && typeof link.id === "string" ? link : null;
}

/** The parent's outcome as `ctx.parent` sees it (null when the parent is gone: removed or pruned). */
export async function parentOutcome(
  job: Pick<LeasedJob, "meta">,
  backend: Backend,
): Promise<ParentOutcome | null> {
  const link = followUpLink(job.meta);
  if (!link) return null;
  const parent = await backend.jobGet({ id: link.id });
  if (!parent) return null;
  const out: ParentOutcome = { id: parent.id, task: parent.task, outcome: link.outcome };
  if (link.outcome === "completed" && parent.result !== null) out.result = deserialize(parent.result);
  if (link.outcome === "failed" && parent.errors.length > 0) out.error = parent.errors.at(-1)!;
  return out;
}
