/**
 * Dedupe windows (docs/flow-control.md, "Dedupe windows"): options as users write them, resolved
 * once at task definition, and turned into the backend's `NewJobDedupe` at enqueue. Every check
 * happens before the backend is called, so a bad window or a key function that throws writes
 * nothing.
 */
import { type Duration, toMs } from "./duration.js";
import { InvalidArgumentError } from "./errors/index.js";
import { checkOptionKeys } from "./option-keys.js";

export const DEDUPE_MODES = ["throttle", "debounce", "replace"] as const;
/**
 * - `throttle`: the first job of a key wins for `window` after its enqueue; later enqueues of
 *   the key return it, whatever its state meanwhile (at most one job per key per window).
 * - `debounce`: each enqueue of a key while its job has not started moves that job's run time
 *   to now + `window` and replaces its input, but never beyond `maxWait` after the first one.
 * - `replace`: each enqueue of a key while its job has not started replaces that job's input;
 *   its run time stays.
 */
export type DedupeMode = (typeof DEDUPE_MODES)[number];

/** `task({ dedupe })`: the key is computed from the input at enqueue. */
export interface DedupeOptions<I = unknown> {
  /** A non-empty string of at most 512 characters, computed from the (validated) input. */
  key: (input: I) => string;
  /** Required for throttle and debounce; for replace, optional (matches only within it when given). */
  window?: Duration;
  /** Default "throttle". */
  mode?: DedupeMode;
  /** Debounce only: the longest a job's run time is pushed back from its first enqueue (>= window). */
  maxWait?: Duration;
}

/** `enqueue(input, { dedupe })`: the same with a literal key; wins over the task's. */
export interface EnqueueDedupeOptions {
  key: string;
  window?: Duration;
  mode?: DedupeMode;
  maxWait?: Duration;
}

/** What the backend stores and matches on (see `NewJob.dedupe`). */
export interface NewJobDedupe {
  key: string;
  mode: DedupeMode;
  /** > 0; for replace without a window, `null` (no time bound). */
  windowMs: number | null;
  /** Debounce only; null when not bounded. */
  maxWaitMs: number | null;
}

/** A task's dedupe, resolved once at definition. */
export interface ResolvedDedupe {
  key: (input: unknown) => unknown;
  mode: DedupeMode;
  windowMs: number | null;
  maxWaitMs: number | null;
}

const DEDUPE_KEYS: ReadonlySet<string> = new Set(["key", "window", "mode", "maxWait"]);
export const DEDUPE_KEY_LENGTH_MAX = 512;
/** A window longer than this is almost surely a unit mistake (and would pin the key for ever). */
const WINDOW_MAX_MS = 30 * 86_400_000;

function resolveWindow(
  o: { window?: Duration; mode?: DedupeMode; maxWait?: Duration },
  where: string,
): Omit<ResolvedDedupe, "key"> {
  const mode = o.mode ?? "throttle";
  if (!(DEDUPE_MODES as readonly string[]).includes(mode)) {
    throw new InvalidArgumentError(
      `${where}.mode must be one of ${DEDUPE_MODES.join(", ")}, got ${JSON.stringify(mode)}`,
      `${where}.mode`,
    );
  }
  let windowMs: number | null = null;
  if (o.window === undefined) {
    if (mode !== "replace")
      throw new InvalidArgumentError(`${where}.window is required for mode "${mode}"`, `${where}.window`);
  } else {
    windowMs = toMs(o.window, `${where}.window`);
    if (windowMs <= 0 || windowMs > WINDOW_MAX_MS)
      throw new InvalidArgumentError(
        `${where}.window must be a duration from 1 ms to 30 days, got ${JSON.stringify(o.window)}`,
        `${where}.window`,
      );
  }
  let maxWaitMs: number | null = null;
  if (o.maxWait !== undefined) {
    if (mode !== "debounce")
      throw new InvalidArgumentError(`${where}.maxWait only applies to mode "debounce"`, `${where}.maxWait`);
    maxWaitMs = toMs(o.maxWait, `${where}.maxWait`);
    if (windowMs === null || maxWaitMs < windowMs || maxWaitMs > WINDOW_MAX_MS)
      throw new InvalidArgumentError(
        `${where}.maxWait must be at least the window and at most 30 days, got ${JSON.stringify(o.maxWait)}`,
        `${where}.maxWait`,
      );
  }
  return { mode, windowMs, maxWaitMs };
}

/** `task({ dedupe })` at definition: typed errors for a bad window, mode or key. */
export function resolveTaskDedupe(value: DedupeOptions<never> | undefined): ResolvedDedupe | null {
  if (value === undefined) return null;
  if (typeof value !== "object" || value === null)
    throw new InvalidArgumentError("dedupe must be an object { key, window, mode }", "dedupe");
  checkOptionKeys(value, DEDUPE_KEYS, "task() dedupe");
  if (typeof value.key !== "function")
    throw new InvalidArgumentError("dedupe.key must be a function (input) => string", "dedupe.key");
  return { key: value.key as (input: unknown) => unknown, ...resolveWindow(value, "dedupe") };
}

export function checkDedupeKey(key: unknown, where: string): string {
  if (typeof key !== "string" || key.length === 0 || key.length > DEDUPE_KEY_LENGTH_MAX)
    throw new InvalidArgumentError(
      `${where} must be a non-empty string of at most ${DEDUPE_KEY_LENGTH_MAX} characters, got ${typeof key === "string" ? `"${key.slice(0, 40)}"` : typeof key}`,
      where,
    );
  return key;
}

/**
 * The job's dedupe at enqueue: the enqueue option's (literal key) wins over the task's (key
 * computed from the validated input). A key function that throws becomes `InvalidArgumentError`
 * with the thrown error as its cause; nothing is written.
 */
export function dedupeOf(
  task: ResolvedDedupe | null,
  option: EnqueueDedupeOptions | undefined,
  input: unknown,
): NewJobDedupe | null {
  if (option !== undefined) {
    if (typeof option !== "object" || option === null)
      throw new InvalidArgumentError("dedupe must be an object { key, window, mode }", "dedupe");
    checkOptionKeys(option, DEDUPE_KEYS, "enqueue() dedupe");
    return { key: checkDedupeKey(option.key, "dedupe.key"), ...resolveWindow(option, "dedupe") };
  }
  if (task === null) return null;
  let key: unknown;
  try {
    key = task.key(input);
  } catch (error) {
    throw new InvalidArgumentError(
      `dedupe.key threw: ${error instanceof Error ? error.message : String(error)}`,
      "dedupe.key",
      error,
    );
  }
  return {
    key: checkDedupeKey(key, "dedupe.key"),
    mode: task.mode,
    windowMs: task.windowMs,
    maxWaitMs: task.maxWaitMs,
  };
}
