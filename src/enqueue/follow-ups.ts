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
import type { EnqueueOptions, NamedFollowUpCall, PipedCall, TaskCall } from "../core/task.js";
import type { LeasedJob } from "../core/types.js";
import { buildJob, validateInput } from "./build-job.js";

const WHICH: readonly ["then" | "catch", FollowUpOutcome][] = [
  ["then", "completed"],
  ["catch", "failed"],
];

type FollowUpCall = TaskCall | PipedCall | NamedFollowUpCall;
const NAMED_CALL_KEYS: ReadonlySet<string> = new Set(["task", "input", "options"]);

/** A task handle's call (`task.with(...)`), or a call by name (`{ task: "name", input? }`). */
function isCall(value: unknown): value is FollowUpCall {
  if (typeof value !== "object" || value === null) return false;
  const task = (value as { task?: unknown }).task;
  if (typeof task === "string") return true;
  return typeof task === "object" && task !== null && typeof (task as { name?: unknown }).name === "string";
}

/** The task's name, and whether its input is the parent's outcome (piped) or given. */
function callShape(call: FollowUpCall, which: string): { name: string; piped: boolean; input: unknown } {
  if (typeof call.task === "string") {
    // By name: no `input` key means piped, as `task.with()` has no argument.
    const named = call as NamedFollowUpCall;
    checkOptionKeys(named, NAMED_CALL_KEYS, `${which} call`);
    const piped = !Object.hasOwn(named, "input");
    return { name: call.task, piped, input: piped ? null : named.input };
  }
  const piped = "piped" in call && call.piped === true;
  return { name: call.task.name, piped, input: piped ? null : (call as TaskCall).input };
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
      throw new InvalidArgumentError(
        `${which} must be a task call: task.with(input), task.with() or { task: "name", input? }`,
        which,
      );
    const shape = callShape(call, which);
    // A task this spool does not define (another app's handle, a typo'd name): UnknownTaskError.
    const task = deps.registry.get(shape.name);
    checkOptionKeys(call.options, FOLLOW_UP_OPTION_KEYS, `${which} follow-up`);
    const piped = shape.piped;
    const input = piped ? null : await validateInput(task, shape.input);
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
