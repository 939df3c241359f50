import { InvalidArgumentError } from "./errors/invalid-argument-error.js";

/**
 * A duration: milliseconds as a number, or a string such as "250ms", "10s", "5m", "2h",
 * "1d", "1w", or combined "1h30m".
 */
export type Duration = number | `${number}${DurationUnit}` | (string & {});
type DurationUnit = "ms" | "s" | "m" | "h" | "d" | "w";

const UNIT_MS: Record<DurationUnit, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};
const PART = /(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)/gy;

/** Parses a duration into whole milliseconds; throws `InvalidArgumentError` on anything else. */
export function toMs(value: Duration, argument = "duration"): number {
  if (typeof value === "number") {
    if (!Number.isFinite(value) || value < 0) {
      throw new InvalidArgumentError(
        `${argument} must be a finite number of ms >= 0, got ${value}`,
        argument,
      );
    }
    return Math.round(value);
  }
  const text = String(value).trim().toLowerCase();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text));
  PART.lastIndex = 0;
  let total = 0;
  let matched = 0;
  for (let m = PART.exec(text); m; m = PART.exec(text)) {
    total += Number(m[1]) * UNIT_MS[m[2] as DurationUnit];
    matched = PART.lastIndex;
    while (text[matched] === " ") matched++;
    PART.lastIndex = matched;
  }
  if (matched === 0 || matched !== text.length) {
    throw new InvalidArgumentError(
      `${argument}: cannot read "${value}" as a duration (use ms as a number, or e.g. "500ms", "10s", "5m", "2h", "1d")`,
      argument,
    );
  }
  return Math.round(total);
}

/** Formats ms for humans: 950ms, 12.3s, 4m05s, 2h10m, 3d4h. */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)}s`;
  if (ms < 3_600_000)
    return `${Math.floor(ms / 60_000)}m${String(Math.floor((ms % 60_000) / 1000)).padStart(2, "0")}s`;
  if (ms < 86_400_000)
    return `${Math.floor(ms / 3_600_000)}h${String(Math.floor((ms % 3_600_000) / 60_000)).padStart(2, "0")}m`;
  return `${Math.floor(ms / 86_400_000)}d${Math.floor((ms % 86_400_000) / 3_600_000)}h`;
}
