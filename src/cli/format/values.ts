/** Turning stored values and times into text for tables, `jobs show` and `--json`. */
import { formatMs } from "../../core/duration.js";

/** "12s ago", "3m05s ago", "in 10s"; "-" for null. */
export function ago(at: number | null | undefined, now: number): string {
  if (at === null || at === undefined) return "-";
  const d = now - at;
  return d >= 0 ? `${formatMs(d)} ago` : `in ${formatMs(-d)}`;
}

export function isoTime(at: number | null | undefined): string {
  return at === null || at === undefined ? "-" : new Date(at).toISOString();
}

/**
 * A JSON-safe copy of a decoded job value. Inputs and results may hold what JSON cannot
 * (Date, BigInt, Map, Set, bytes, undefined): they become ISO strings, decimal strings,
 * objects/arrays and base64, so `--json` output always parses.
 */
export function toJsonValue(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString("base64");
  if (value instanceof Map)
    return Object.fromEntries([...value].map(([k, v]) => [String(k), toJsonValue(v)]));
  if (value instanceof Set) return [...value].map(toJsonValue);
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (value !== null && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonValue(v)]));
  return value;
}

/** Pretty JSON text of any decoded value. */
export function jsonText(value: unknown, indent = 2): string {
  return JSON.stringify(toJsonValue(value), null, indent);
}
