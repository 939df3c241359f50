/**
 * Defining a schedule: (name, trigger, task call, options) → a validated spec, stored with an
 * idempotent upsert by name. Redefining a schedule with the same trigger keeps its state
 * (anchor, next fire time, runs, pause); N app instances defining it at start write once.
 */
import type { Backend, ScheduleRecord } from "../backend/backend.js";
import { checkScheduleName } from "../backend/shared-schedules.js";
import { InvalidArgumentError } from "../core/errors/index.js";
import type { TaskRegistry } from "../core/registry.js";
import type { EnqueueOptions } from "../core/task.js";
import type { EpochMs } from "../core/types.js";
import { buildJob, validateInput } from "../enqueue/build-job.js";
import {
  encodeSpec,
  firstFireAt,
  resolvePolicies,
  type ScheduleOptions,
  type ScheduleSpec,
  triggerKey,
} from "./spec.js";
import { normalizeTrigger, type Trigger } from "./triggers.js";

/** The task call a schedule enqueues: `task.with(input, options)` or `{ task: "name", input }`. */
export interface ScheduleCall {
  readonly task: string | { readonly name: string };
  readonly input?: unknown;
  readonly options?: EnqueueOptions;
}

export interface PreparedSchedule {
  name: string;
  spec: ScheduleSpec;
  paused: boolean;
}

/**
 * Everything that can be checked synchronously (name, trigger, options, task known, options
 * of the call): a bad definition throws here, at the `spool.schedule()` call site.
 */
export function checkDefinition(
  name: string,
  trigger: Trigger,
  call: ScheduleCall,
  options: ScheduleOptions,
  registry: TaskRegistry,
) {
  checkScheduleName(name);
  if (typeof call !== "object" || call === null || !("task" in call))
    throw new InvalidArgumentError("a schedule needs a task call: task.with(input, options)", "call");
  if ("piped" in call)
    throw new InvalidArgumentError("a schedule needs a task call with an input: task.with(input)", "call");
  const taskName = typeof call.task === "string" ? call.task : call.task.name;
  const task = registry.get(taskName);
  const stored = normalizeTrigger(trigger);
  const policies = resolvePolicies(options);
  const callOptions = call.options ?? {};
  if (callOptions.runAt !== undefined)
    throw new InvalidArgumentError(
      "a scheduled call cannot set runAt (the trigger decides); use delay",
      "runAt",
    );
  if (callOptions.dependsOn !== undefined && callOptions.dependsOn.length > 0)
    throw new InvalidArgumentError("a scheduled call cannot have dependencies", "dependsOn");
  return { task, stored, policies, callOptions };
}

export async function prepareSchedule(
  name: string,
  trigger: Trigger,
  call: ScheduleCall,
  options: ScheduleOptions,
  registry: TaskRegistry,
  payloadLimit: number,
): Promise<PreparedSchedule> {
  const { task, stored, policies, callOptions } = checkDefinition(name, trigger, call, options, registry);
  const input = task.schema ? await validateInput(task, call.input) : call.input;
  // Built at t = 0 so the template's runAt is exactly the call's delay.
  const built = buildJob(task, input, callOptions, 0, payloadLimit);
  const { paused, ...rest } = policies;
  const spec: ScheduleSpec = {
    v: 1,
    trigger: stored,
    job: {
      task: built.task,
      queue: built.queue,
      input: built.input,
      priority: built.priority,
      maxAttempts: built.maxAttempts,
      key: built.key,
      meta: built.meta,
      leaseMs: built.leaseMs,
      timeoutMs: built.timeoutMs,
      delayMs: built.runAt,
      // The task's limits and strategy at the cap travel with each fire's job, as with an
      // enqueued job (the key comes from the fixed input, computed once here).
      ...(built.flow ? { flow: built.flow } : {}),
    },
    ...rest,
  };
  return { name, spec, paused };
}

/** Stores a prepared schedule (idempotent by name). */
export async function upsertSchedule(
  backend: Backend,
  prepared: PreparedSchedule,
  now: EpochMs,
): Promise<{ schedule: ScheduleRecord; changed: boolean; created: boolean }> {
  const { spec } = prepared;
  const anchorAt = spec.startAt ?? now;
  return backend.scheduleUpsert({
    name: prepared.name,
    spec: encodeSpec(spec),
    triggerKey: triggerKey(spec),
    anchorAt,
    nextFireAt: firstFireAt(spec, anchorAt, now),
    paused: prepared.paused,
  });
}
