/**
 * Turns (task, input, options) into the backend's `NewJob`: validates the input against the
 * task's schema, serializes it under the size limit, and resolves every default. All checks
 * happen before the backend is called, so bad input writes nothing.
 */

import type { StandardSchemaV1 } from "@standard-schema/spec";
import type { NewJob } from "../backend/backend.js";
import { dedupeOf } from "../core/dedupe.js";
import { toMs } from "../core/duration.js";
import { InvalidArgumentError, ValidationError } from "../core/errors/index.js";
import { newJobId } from "../core/ids.js";
import { checkUserMeta } from "../core/meta.js";
import { checkOptionKeys, ENQUEUE_OPTION_KEYS } from "../core/option-keys.js";
import { checkName, checkPriority, type RegisteredTask } from "../core/registry.js";
import { RETRY_ATTEMPTS_MAX } from "../core/retry.js";
import { serializeLimited } from "../core/serializer.js";
import type { EnqueueOptions } from "../core/task.js";
import { buildJobFlow } from "../core/task-flow.js";

const KEY_LENGTH_MAX = 512;

type SchemaResult = StandardSchemaV1.Result<unknown>;

/**
 * The validated value from a schema's verdict, or the typed `ValidationError`. Split from
 * `validateInput` so bulk enqueue can skip the `await` (a promise and a microtask turn per
 * job) when the schema answers synchronously, as most do.
 */
export function acceptInput(task: RegisteredTask, result: SchemaResult): unknown {
  if (result.issues) {
    throw new ValidationError(
      task.name,
      result.issues.map((i) => ({
        message: i.message,
        path: i.path?.map((p) => (typeof p === "object" && p !== null && "key" in p ? p.key : p)),
      })),
    );
  }
  return result.value;
}

export async function validateInput(task: RegisteredTask, input: unknown): Promise<unknown> {
  if (!task.schema) return input;
  const result = task.schema["~standard"].validate(input);
  return acceptInput(task, result instanceof Promise ? await result : result);
}

/** Stands in for omitted options, so a bulk enqueue without options allocates nothing for them. */
const NO_OPTIONS: EnqueueOptions = Object.freeze({});

const dependencyId = (d: string | { readonly id: string }): string => (typeof d === "string" ? d : d.id);

export function buildJob(
  task: RegisteredTask,
  input: unknown,
  options: EnqueueOptions | undefined,
  now: number,
  payloadLimit: number,
  /** Set when the id was chosen earlier (workflow nodes reference each other by id). */
  id?: string,
  /** Only `enqueue`/`enqueueMany` apply dedupe windows and follow-ups (their backend write does). */
  withDedupe = false,
  /** The input is filled in at run time: only an explicit `limitKey` keys the job. */
  deferredInput = false,
): NewJob {
  const o = options ?? NO_OPTIONS;
  if (o !== NO_OPTIONS) checkOptionKeys(o, ENQUEUE_OPTION_KEYS, "enqueue()");
  let runAt = now;
  if (o.runAt !== undefined) {
    runAt = o.runAt instanceof Date ? o.runAt.getTime() : o.runAt;
    if (!Number.isFinite(runAt)) throw new InvalidArgumentError("runAt is not a valid date", "runAt");
  } else if (o.delay !== undefined) {
    runAt = now + toMs(o.delay, "delay");
  }
  const maxAttempts = o.attempts ?? task.retry.attempts;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > RETRY_ATTEMPTS_MAX) {
    throw new InvalidArgumentError(
      `attempts must be an integer in 1..${RETRY_ATTEMPTS_MAX}, got ${maxAttempts}`,
      "attempts",
    );
  }
  let key: string | null = null;
  if (o.key !== undefined) {
    if (typeof o.key !== "string" || o.key.length === 0 || o.key.length > KEY_LENGTH_MAX) {
      throw new InvalidArgumentError(
        `key must be a non-empty string of at most ${KEY_LENGTH_MAX} characters`,
        "key",
      );
    }
    key = o.key;
  }
  let meta: Record<string, unknown> = {};
  if (o.meta !== undefined) {
    if (typeof o.meta !== "object" || o.meta === null || Array.isArray(o.meta)) {
      throw new InvalidArgumentError("meta must be a plain object", "meta");
    }
    // Metadata is stored as plain JSON; round-trip it now so a Date or a function fails here, typed.
    meta = JSON.parse(serializeLimited(o.meta, 64 * 1024, "metadata")) as Record<string, unknown>;
    // Keys spool writes and reads itself (workflow, traceparent, schedule …) are not the user's.
    checkUserMeta(meta);
  }
  if (!withDedupe) {
    for (const only of ["dedupe", "then", "catch"] as const)
      if (o[only] !== undefined)
        throw new InvalidArgumentError(`${only} applies to enqueue() and enqueueMany() only`, only);
  }
  const dedupe = withDedupe ? dedupeOf(task.dedupe, o.dedupe, input) : null;
  // Debounce: a new job waits out its window (an enqueue within it pushes it back again).
  if (dedupe?.mode === "debounce" && dedupe.windowMs !== null) runAt = Math.max(runAt, now + dedupe.windowMs);
  return {
    id: id ?? newJobId(),
    task: task.name,
    queue: o.queue === undefined ? task.queue : checkName(o.queue, "queue"),
    input: serializeLimited(input, payloadLimit, "input"),
    priority: o.priority === undefined ? task.priority : checkPriority(o.priority),
    runAt,
    maxAttempts,
    key,
    meta,
    // `== null`: untyped callers' null meant "none" before too (it went through `?? []`).
    dependsOn: o.dependsOn == null ? [] : o.dependsOn.map(dependencyId),
    leaseMs: o.lease === undefined ? task.leaseMs : toMs(o.lease, "lease"),
    timeoutMs: o.timeout === undefined ? task.timeoutMs : toMs(o.timeout, "timeout"),
    dedupe,
    ...flowOf(task, input, o.limitKey, deferredInput),
  };
}

/** The job's `flow` field, present only when the task has limits (most jobs carry none). */
function flowOf(
  task: RegisteredTask,
  input: unknown,
  limitKey: unknown,
  deferred: boolean,
): Pick<NewJob, "flow"> {
  const flow = buildJobFlow(task.flow, task.name, input, limitKey, deferred);
  return flow === null ? {} : { flow };
}
