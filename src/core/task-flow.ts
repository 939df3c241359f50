/**
 * A task's `concurrency` and `rateLimit` options, checked once at definition, and the job's
 * limit key computed from its input at enqueue (docs/flow-control.md, "Task and key limits").
 * Every check throws `InvalidArgumentError` before anything is written.
 */
import { toMs } from "./duration.js";
import { InvalidArgumentError } from "./errors/index.js";
import type { CapStrategy, TaskFlowOptions } from "./flow.js";
import { checkOptionKeys } from "./option-keys.js";

const LIMIT_MAX = 1_000_000;
const PER_MAX_MS = 7 * 86_400_000;
const KEY_MAX = 512;
const STRATEGIES: readonly CapStrategy[] = ["queue", "cancel-in-progress", "drop-newest"];

type KeyFn = (input: unknown) => string;

export interface ResolvedTaskFlow {
  concurrency: { limit: number; key: KeyFn | null; strategy: CapStrategy } | null;
  rateLimit: { limit: number; perMs: number; burst: number; key: KeyFn | null } | null;
}

/** The flow of one job as the backend stores it (mirrors the seam's `JobFlow`; core can not import it). */
export interface BuiltJobFlow {
  key: string;
  /** `strategy` is set only when it is not "queue" (the default). */
  concurrency: { limit: number; keyed: boolean; strategy?: CapStrategy } | null;
  rateLimit: { limit: number; perMs: number; burst: number; keyed: boolean } | null;
}

function int(value: unknown, min: number, max: number, argument: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max)
    throw new InvalidArgumentError(
      `${argument} must be an integer in ${min}..${max}, got ${String(value)}`,
      argument,
    );
  return value;
}

function keyFn(value: unknown, argument: string): KeyFn | null {
  if (value === undefined) return null;
  if (typeof value !== "function") throw new InvalidArgumentError(`${argument} must be a function`, argument);
  return value as KeyFn;
}

function object(value: unknown, argument: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new InvalidArgumentError(`${argument} must be an object`, argument);
  return value as Record<string, unknown>;
}

/** Checks a task's flow options at definition (`spool.task`). Null: the task has no limits. */
export function resolveTaskFlow(config: TaskFlowOptions<never>): ResolvedTaskFlow | null {
  if (config.concurrency === undefined && config.rateLimit === undefined) return null;
  const out: ResolvedTaskFlow = { concurrency: null, rateLimit: null };
  if (config.concurrency !== undefined) {
    const c = object(config.concurrency, "concurrency");
    checkOptionKeys(c, new Set(["limit", "key", "strategy"]), "task() concurrency");
    const strategy = (c.strategy === undefined ? "queue" : c.strategy) as CapStrategy;
    if (!STRATEGIES.includes(strategy))
      throw new InvalidArgumentError(
        `concurrency.strategy must be one of ${STRATEGIES.join(", ")}, got ${JSON.stringify(c.strategy)}`,
        "concurrency.strategy",
      );
    const key = keyFn(c.key, "concurrency.key");
    out.concurrency = { limit: int(c.limit, 1, LIMIT_MAX, "concurrency.limit"), key, strategy };
  }
  if (config.rateLimit !== undefined) {
    const r = object(config.rateLimit, "rateLimit");
    checkOptionKeys(r, new Set(["limit", "per", "burst", "key"]), "task() rateLimit");
    const perMs = int(toMs(r.per as never, "rateLimit.per"), 1, PER_MAX_MS, "rateLimit.per");
    out.rateLimit = {
      limit: int(r.limit, 1, LIMIT_MAX, "rateLimit.limit"),
      perMs,
      burst: int(r.burst ?? 0, 0, LIMIT_MAX, "rateLimit.burst"),
      key: keyFn(r.key, "rateLimit.key"),
    };
  }
  return out;
}

function runKey(fn: KeyFn, input: unknown, argument: string): string {
  let key: unknown;
  try {
    key = fn(input);
  } catch (error) {
    throw new InvalidArgumentError(
      `${argument} threw: ${error instanceof Error ? error.message : String(error)}`,
      argument,
      error,
    );
  }
  return checkKey(key, argument);
}

function checkKey(key: unknown, argument: string): string {
  if (typeof key !== "string" || key.length === 0 || key.length > KEY_MAX)
    throw new InvalidArgumentError(
      `${argument} must give a non-empty string of at most ${KEY_MAX} characters, got ${typeof key === "string" ? `a string of ${key.length}` : typeof key}`,
      argument,
    );
  return key;
}

/**
 * The job's stored flow: its limit key from `limitKey` (the enqueue option) or from the key
 * functions (which must agree when both limits have one). `deferred`: the input is not known
 * yet (a piped workflow node), so only an explicit `limitKey` can key it.
 */
export function buildJobFlow(
  flow: ResolvedTaskFlow | null,
  taskName: string,
  input: unknown,
  limitKey: unknown,
  deferred = false,
): BuiltJobFlow | null {
  const keyed = flow !== null && (flow.concurrency?.key != null || flow.rateLimit?.key != null);
  if (limitKey !== undefined && !keyed)
    throw new InvalidArgumentError(
      `limitKey: task "${taskName}" has no concurrency or rateLimit with a key`,
      "limitKey",
    );
  if (flow === null) return null;
  let key = "";
  if (limitKey !== undefined) key = checkKey(limitKey, "limitKey");
  else if (!deferred) {
    const a = flow.concurrency?.key ? runKey(flow.concurrency.key, input, "concurrency.key") : null;
    const b = flow.rateLimit?.key ? runKey(flow.rateLimit.key, input, "rateLimit.key") : null;
    if (a !== null && b !== null && a !== b)
      throw new InvalidArgumentError(
        `concurrency.key and rateLimit.key gave different keys (${JSON.stringify(a)}, ${JSON.stringify(b)}): a job has one limit key`,
        "limitKey",
      );
    key = a ?? b ?? "";
  }
  return {
    key,
    concurrency: flow.concurrency && {
      limit: flow.concurrency.limit,
      keyed: flow.concurrency.key !== null,
      ...(flow.concurrency.strategy === "queue" ? {} : { strategy: flow.concurrency.strategy }),
    },
    rateLimit: flow.rateLimit && {
      limit: flow.rateLimit.limit,
      perMs: flow.rateLimit.perMs,
      burst: flow.rateLimit.burst,
      keyed: flow.rateLimit.key !== null,
    },
  };
}
