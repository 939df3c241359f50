/**
 * Wall-clock time in an IANA time zone, from `Intl` alone (no tz database of our own).
 *
 * A "wall" value is a local date and time encoded as if it were UTC epoch ms
 * (`Date.UTC(y, m, d, h, mi, s)`), so calendar arithmetic on it has no DST. `wallToInstant`
 * maps it back to a real instant with spool's documented DST rules:
 *
 * - a wall time inside a spring-forward gap (it never shows on the clock) maps to the first
 *   instant after the gap (the transition itself: 02:30 in Berlin on the last Sunday of March
 *   becomes 03:00 CEST);
 * - a wall time inside a fall-back overlap (it shows twice) maps to its first occurrence.
 */
import { InvalidArgumentError } from "../core/errors/index.js";

const formatters = new Map<string, Intl.DateTimeFormat>();

const HOUR_MS = 3_600_000;
/** Offsets are sampled this far on both sides of a wall time: wider than any UTC offset (±14 h). */
const SAMPLE_MS = 30 * HOUR_MS;

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat("en-US", {
        timeZone: tz,
        hourCycle: "h23",
        year: "numeric",
        month: "numeric",
        day: "numeric",
        hour: "numeric",
        minute: "numeric",
        second: "numeric",
      });
    } catch (cause) {
      throw new InvalidArgumentError(
        `unknown time zone "${tz}" (use an IANA name such as Europe/Berlin)`,
        "tz",
        cause,
      );
    }
    formatters.set(tz, f);
  }
  return f;
}

/** Throws `InvalidArgumentError` for a name `Intl` does not know; returns the canonical name. */
export function checkTimeZone(tz: string): string {
  return formatter(tz).resolvedOptions().timeZone;
}

/**
 * Offsets by (zone, UTC hour): an hour whose first and last second share an offset has it
 * throughout (transitions are at least hours apart), so most lookups skip Intl. Hours that
 * contain a transition are stored as NaN and computed exactly.
 */
const hourCache = new Map<string, Map<number, number>>();
const HOUR_CACHE_MAX = 50_000;

/** UTC offset (ms, east positive) of `tz` at `instant` (whole seconds). */
export function offsetAt(tz: string, instant: number): number {
  if (tz === "UTC") return 0;
  let cache = hourCache.get(tz);
  if (!cache) hourCache.set(tz, (cache = new Map()));
  const hour = Math.floor(instant / HOUR_MS);
  let known = cache.get(hour);
  if (known === undefined) {
    const first = exactOffset(tz, hour * HOUR_MS);
    known = first === exactOffset(tz, hour * HOUR_MS + HOUR_MS - 1000) ? first : Number.NaN;
    if (cache.size >= HOUR_CACHE_MAX) cache.clear();
    cache.set(hour, known);
  }
  return Number.isNaN(known) ? exactOffset(tz, instant) : known;
}

function exactOffset(tz: string, instant: number): number {
  const p: Record<string, number> = {};
  for (const part of formatter(tz).formatToParts(new Date(instant))) {
    if (part.type !== "literal") p[part.type] = Number(part.value);
  }
  const wall = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
  return wall - (instant - (((instant % 1000) + 1000) % 1000));
}

/** The wall time `instant` shows in `tz`. */
export function instantToWall(tz: string, instant: number): number {
  return instant + offsetAt(tz, instant);
}

/** The instant a wall time stands for, under the gap and overlap rules above. */
export function wallToInstant(tz: string, wall: number): number {
  if (tz === "UTC") return wall;
  const before = offsetAt(tz, wall - SAMPLE_MS);
  const after = offsetAt(tz, wall + SAMPLE_MS);
  if (before === after) {
    // No transition near: one candidate, almost always valid. (Two transitions within 60 h
    // do not happen in the tz database's recent history; the check below covers it anyway.)
    const instant = wall - before;
    if (offsetAt(tz, instant) === before) return instant;
  }
  const valid: number[] = [];
  for (const offset of new Set([before, after, offsetAt(tz, wall)])) {
    const instant = wall - offset;
    if (offsetAt(tz, instant) === offset) valid.push(instant);
  }
  // Overlap: the earliest occurrence. Plain case: the only one.
  if (valid.length > 0) return Math.min(...valid);
  // Gap: the transition instant, i.e. the first instant whose wall time is past `wall`.
  let lo = wall - Math.max(before, after);
  let hi = wall - Math.min(before, after);
  if (instantToWall(tz, hi) <= wall) hi = wall - Math.min(before, after) + 2 * HOUR_MS;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (instantToWall(tz, mid) > wall) hi = mid;
    else lo = mid;
  }
  return hi;
}
