/** Parsers for option values; each throws `InvalidArgumentError` (exit code 2) with the option's name. */
import { toMs } from "../core/duration.js";
import { InvalidArgumentError } from "../core/errors/index.js";
import { isJobState, type JobState } from "../core/types.js";

export function parseInteger(value: string, option: string, min = -Infinity, max = Infinity): number {
  const n = Number(value);
  if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    const range =
      Number.isFinite(min) && Number.isFinite(max)
        ? ` in ${min}..${max}`
        : min > -Infinity
          ? ` >= ${min}`
          : "";
    throw new InvalidArgumentError(`${option} must be an integer${range}, got "${value}"`, option);
  }
  return n;
}

/** Checks a duration ("10s", "5m", 500) now, so bad input fails before anything is opened. */
export function parseDuration(value: string, option: string): string {
  toMs(value, option);
  return value;
}

export function parseList(value: string): string[] {
  return value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

export function parseStates(value: string): JobState[] {
  const states = parseList(value);
  for (const s of states)
    if (!isJobState(s))
      throw new InvalidArgumentError(
        `--state: unknown state "${s}" (use waiting, scheduled, queued, running, completed, failed, cancelled)`,
        "state",
      );
  return states as JobState[];
}

/** The JSON argument of `spool enqueue`: malformed text is bad input, and nothing is written. */
export function parseJsonArgument(text: string, argument: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new InvalidArgumentError(`${argument} is not valid JSON: ${reason}`, argument, err);
  }
}
