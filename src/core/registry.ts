/**
 * The tasks an app defines, with their defaults resolved once (durations parsed, retry
 * policy checked) so neither enqueue nor the worker re-parses options per job.
 */

import type { StandardSchemaV1 } from "@standard-schema/spec";
import { type DedupeOptions, type ResolvedDedupe, resolveTaskDedupe } from "./dedupe.js";
import { toMs } from "./duration.js";
import { InvalidArgumentError, UnknownTaskError } from "./errors/index.js";
import type { TaskFlowOptions } from "./flow.js";
import { type ResolvedHooks, resolveHooks } from "./hooks.js";
import { checkOptionKeys, TASK_OPTION_KEYS } from "./option-keys.js";
import { type ResolvedRetry, resolveRetry } from "./retry.js";
import type { BatchOptions, TaskContext, TaskDefaults } from "./task.js";
import { type ResolvedTaskFlow, resolveTaskFlow } from "./task-flow.js";

export const QUEUE_DEFAULT = "default";
const NAME_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.:\-/]{0,199}$/;

export interface RegisteredTask {
  name: string;
  queue: string;
  retry: ResolvedRetry;
  timeoutMs: number | null;
  leaseMs: number | null;
  priority: number;
  schema: StandardSchemaV1 | null;
  /** `null`: as the worker says. */
  isolate: "thread" | "process" | false | null;
  /** A batch task's handler takes `inputs[]` (see `BatchTaskConfig`); null for a plain task. */
  batch: { size: number; waitMs: number } | null;
  /** Per-task and per-key limits (docs/flow-control.md); null: none. */
  flow: ResolvedTaskFlow | null;
  /** The task's dedupe window (see dedupe.ts), or null. */
  dedupe: ResolvedDedupe | null;
  /** In-process onSuccess / onFailure hooks (hooks.ts); null: none. */
  hooks: ResolvedHooks | null;
  run(input: unknown, ctx: TaskContext): unknown;
}

export function checkName(name: unknown, what: "task" | "queue"): string {
  if (typeof name !== "string" || !NAME_PATTERN.test(name)) {
    throw new InvalidArgumentError(
      `${what} name ${JSON.stringify(name)} is invalid: use 1-200 characters of letters, digits and _ . : - /`,
      what,
    );
  }
  return name;
}

export function checkPriority(priority: unknown): number {
  if (typeof priority !== "number" || !Number.isInteger(priority) || Math.abs(priority) > 1_000_000) {
    throw new InvalidArgumentError(
      `priority must be an integer in -1000000..1000000, got ${String(priority)}`,
      "priority",
    );
  }
  return priority;
}

export function checkIsolate(value: unknown): "thread" | "process" | false | null {
  if (value === undefined) return null;
  if (value === "thread" || value === "process" || value === false) return value;
  throw new InvalidArgumentError(
    `isolate must be "thread", "process" or false, got ${JSON.stringify(value)}`,
    "isolate",
  );
}

export const BATCH_WAIT_DEFAULT = "100ms";

function checkBatch(batch: BatchOptions | undefined): { size: number; waitMs: number } | null {
  if (batch === undefined) return null;
  checkOptionKeys(batch, new Set(["size", "wait"]), "task() batch");
  const size = batch.size;
  if (typeof size !== "number" || !Number.isInteger(size) || size < 1 || size > 10_000)
    throw new InvalidArgumentError(
      `batch.size must be an integer in 1..10000, got ${String(size)}`,
      "batch.size",
    );
  return { size, waitMs: toMs(batch.wait ?? BATCH_WAIT_DEFAULT, "batch.wait") };
}

export class TaskRegistry {
  private readonly tasks = new Map<string, RegisteredTask>();

  register(
    config: TaskDefaults &
      TaskFlowOptions<never> & {
        name: string;
        schema?: StandardSchemaV1;
        batch?: BatchOptions;
        dedupe?: DedupeOptions<never>;
        onSuccess?: unknown;
        onFailure?: unknown;
        run: (input: never, ctx: never) => unknown;
      },
  ): RegisteredTask {
    checkOptionKeys(config, TASK_OPTION_KEYS, "task()");
    const name = checkName(config.name, "task");
    if (this.tasks.has(name)) throw new InvalidArgumentError(`task "${name}" is already defined`, "name");
    if (typeof config.run !== "function")
      throw new InvalidArgumentError(`task "${name}" needs a run function`, "run");
    const task: RegisteredTask = {
      name,
      queue: checkName(config.queue ?? QUEUE_DEFAULT, "queue"),
      retry: resolveRetry(config.retry),
      timeoutMs: config.timeout === undefined ? null : toMs(config.timeout, "timeout"),
      leaseMs: config.lease === undefined ? null : toMs(config.lease, "lease"),
      priority: checkPriority(config.priority ?? 0),
      schema: config.schema ?? null,
      isolate: checkIsolate(config.isolate),
      batch: checkBatch(config.batch),
      flow: resolveTaskFlow(config),
      dedupe: resolveTaskDedupe(config.dedupe),
      hooks: resolveHooks(config),
      run: config.run as RegisteredTask["run"],
    };
    if (task.batch && task.isolate)
      throw new InvalidArgumentError(
        `task "${name}": a batch task runs in the worker's process; isolate is not supported with batch`,
        "isolate",
      );
    this.tasks.set(name, task);
    return task;
  }

  get(name: string): RegisteredTask {
    const task = this.tasks.get(name);
    if (!task) throw new UnknownTaskError(name, this.names());
    return task;
  }

  find(name: string): RegisteredTask | undefined {
    return this.tasks.get(name);
  }

  names(): string[] {
    return [...this.tasks.keys()].sort();
  }

  /** Queues that at least one task uses (the worker's default set). */
  queues(): string[] {
    return [...new Set([...this.tasks.values()].map((t) => t.queue))].sort();
  }
}
