/**
 * Time zones and DST, as properties over a year of fire times in six zones, against a
 * brute-force oracle written independently of src/scheduler/zoned.ts:
 *
 * - a wall time that does not exist (spring-forward gap) fires once, at the first valid
 *   instant after it;
 * - a wall time that happens twice (fall-back overlap) fires once, at its first occurrence.
 *
 * Plus the concrete edges (Berlin, New York, Lord Howe's 30-minute shift, Tokyo without DST)
 * and what croner does on its own, which is why spool wraps it.
 */
import { Cron } from "croner";
import { describe, expect, test } from "vitest";
import { compileTrigger, nextFireTimes, normalizeTrigger } from "../../src/scheduler/triggers.js";

const ZONES = [
  "Europe/Berlin",
  "America/New_York",
  "Australia/Lord_Howe", // DST shift of 30 minutes
  "Asia/Tokyo", // no DST
  "America/Santiago", // southern hemisphere, transitions at midnight
  "Asia/Kolkata", // +05:30, no DST
];
const PATTERNS = ["30 2 * * *", "0 * * * *", "*/30 * * * *", "30 1 * * *", "0 0 * * *", "0 30 2 * * *"];
const YEAR_START = Date.UTC(2026, 0, 1);
const YEAR_END = Date.UTC(2027, 0, 1);
const MIN = 60_000;

// ── an independent oracle: Intl only, brute force ───────────────────────────────────────

const fmt = new Map<string, Intl.DateTimeFormat>();
/** The wall time (as UTC ms) an instant shows in `tz`, straight from Intl (slow: ~20 µs). */
function intlWallOf(tz: string, instant: number): number {
  let f = fmt.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-GB", {
      timeZone: tz,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    fmt.set(tz, f);
  }
  const p = Object.fromEntries(f.formatToParts(new Date(instant)).map((x) => [x.type, x.value]));
  return Date.UTC(+p.year!, +p.month! - 1, +p.day!, +p.hour!, +p.minute!, +p.second!);
}

/**
 * A zone's offset as a step function, found with Intl: sampled every 30 minutes over the
 * year (± 2 days), each change located to the second by bisection. Real zones change offset
 * at most a few times a year, weeks apart, so no change hides between two samples; the test
 * below also checks the table against Intl at a few thousand instants.
 */
interface OffsetTable {
  /** Instants at which a new offset starts (ascending); `offsets[i]` holds from `starts[i]`. */
  starts: number[];
  offsets: number[];
}
const tables = new Map<string, OffsetTable>();
function offsetTable(tz: string): OffsetTable {
  const cached = tables.get(tz);
  if (cached) return cached;
  const from = YEAR_START - 2 * 86_400_000;
  const to = YEAR_END + 2 * 86_400_000;
  const starts = [from];
  const offsets = [intlWallOf(tz, from) - from];
  for (let t = from + 30 * MIN; t <= to; t += 30 * MIN) {
    const o = intlWallOf(tz, t) - t;
    if (o === offsets.at(-1)) continue;
    // The change lies in (t - 30 min, t]: bisect to the second.
    let lo = t - 30 * MIN;
    let hi = t;
    while (hi - lo > 1000) {
      const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
      if (intlWallOf(tz, mid) - mid === o) hi = mid;
      else lo = mid;
    }
    starts.push(hi);
    offsets.push(o);
  }
  const table = { starts, offsets };
  tables.set(tz, table);
  return table;
}

/** The wall time (as UTC ms) an instant shows in `tz`, from the offset table. */
function wallOf(tz: string, instant: number): number {
  const { starts, offsets } = offsetTable(tz);
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= instant) lo = mid;
    else hi = mid - 1;
  }
  return instant + offsets[lo]!;
}

/** Every offset the zone uses around the year. */
function offsetsOf(tz: string): number[] {
  return [...new Set(offsetTable(tz).offsets)];
}

/** The instant a matching wall time must fire at, by the documented rules. */
function expectedInstant(tz: string, offsets: number[], wall: number): number {
  const exact = offsets.map((o) => wall - o).filter((t) => wallOf(tz, t) === wall);
  if (exact.length > 0) return Math.min(...exact);
  // In a gap: scan minute by minute for the first instant whose wall time is past `wall`.
  let t = wall - Math.max(...offsets);
  while (wallOf(tz, t) <= wall) t += MIN;
  // Then back to the exact second of the transition.
  let lo = t - MIN;
  while (t - lo > 1000) {
    const mid = lo + Math.floor((t - lo) / 2000) * 1000;
    if (wallOf(tz, mid) > wall) t = mid;
    else lo = mid;
  }
  return t;
}

/** The oracle's fire times for a year: matching wall times (croner at UTC+0), mapped by the rules. */
function oracle(pattern: string, tz: string): number[] {
  const cron = new Cron(pattern, { utcOffset: 0, paused: true });
  const offsets = offsetsOf(tz);
  const out = new Set<number>();
  // Wall times from a day before to a day after the year, then clipped to the year's instants.
  let wall: Date | null = new Date(YEAR_START - 86_400_000);
  for (;;) {
    wall = cron.nextRun(wall);
    if (!wall || wall.getTime() > YEAR_END + 86_400_000) break;
    const t = expectedInstant(tz, offsets, wall.getTime());
    if (t > YEAR_START && t < YEAR_END) out.add(t);
  }
  return [...out].sort((a, b) => a - b);
}

function spool(pattern: string, tz: string): number[] {
  const trigger = compileTrigger(normalizeTrigger({ cron: pattern, tz }), { anchorAt: 0 });
  const out: number[] = [];
  for (let t = trigger.next(YEAR_START); t !== null && t < YEAR_END; t = trigger.next(t)) out.push(t);
  return out;
}

const local = (tz: string, instant: number) =>
  new Date(instant).toLocaleString("sv-SE", { timeZone: tz, hour12: false });

describe("DST properties over a year of fire times", () => {
  // One zone per test, run one after another: each has its own budget (a loaded machine
  // made six concurrent tests share one), and the checks below collect violations and
  // assert once, rather than calling expect (and formatting a message) per fire time.
  for (const tz of ZONES) {
    test(`${tz}: every pattern fires exactly at the oracle's instants`, () => {
      // The offset table agrees with Intl (every ~3 h over the year, on whole seconds as Intl
      // shows them, and around each change).
      const { starts } = offsetTable(tz);
      const probes: number[] = [];
      for (let t = YEAR_START; t < YEAR_END; t += 3 * 3600_000 + 61_000) probes.push(t);
      for (const s of starts.slice(1)) probes.push(s - 1000, s, s + 1000);
      expect(probes.filter((t) => wallOf(tz, t) !== intlWallOf(tz, t))).toEqual([]);
      for (const pattern of PATTERNS) {
        const cron = new Cron(pattern, { utcOffset: 0, paused: true });
        const got = spool(pattern, tz);
        // Strictly increasing: no fire time twice.
        const repeats = got.filter((t, i) => i > 0 && t <= got[i - 1]!);
        expect(
          repeats.map((t) => local(tz, t)),
          `${pattern} in ${tz}: not increasing`,
        ).toEqual([]);
        const want = oracle(pattern, tz);
        expect(got.length, `${pattern} in ${tz}`).toBe(want.length);
        const firstDiff = got.findIndex((t, i) => t !== want[i]);
        expect(
          firstDiff,
          firstDiff < 0
            ? ""
            : `${pattern} in ${tz}: got ${local(tz, got[firstDiff]!)}, want ${local(tz, want[firstDiff]!)}`,
        ).toBe(-1);
        // Every fire shows a matching wall time, or is the first instant after a gap.
        const stray = got.filter((t) => {
          const wall = wallOf(tz, t);
          return !cron.match(new Date(wall)) && wall - wallOf(tz, t - 1000) <= 1000;
        });
        expect(
          stray.map((t) => local(tz, t)),
          `${pattern} in ${tz}: fired at a non-matching wall time`,
        ).toEqual([]);
      }
    }, 120_000);
  }

  test("a zone without DST fires exactly every hour and every day", () => {
    expect(spool("0 * * * *", "Asia/Tokyo")).toHaveLength(8760 - 1);
    expect(spool("0 0 * * *", "Asia/Tokyo")).toHaveLength(365);
  });
});

describe("the documented rules at concrete edges", () => {
  const fires = (pattern: string, tz: string, fromIso: string, n: number) =>
    nextFireTimes(
      compileTrigger(normalizeTrigger({ cron: pattern, tz }), { anchorAt: 0 }),
      Date.parse(fromIso),
      n,
    ).map((t) => new Date(t).toISOString());

  test("Berlin spring forward: 02:30 does not exist and fires once at 03:00 CEST", () => {
    expect(fires("30 2 * * *", "Europe/Berlin", "2026-03-28T12:00:00Z", 2)).toEqual([
      "2026-03-29T01:00:00.000Z", // 03:00 CEST
      "2026-03-30T00:30:00.000Z", // 02:30 CEST
    ]);
    // Hourly: 02:00 does not exist and folds into 03:00: 23 fires that day.
    // The local day runs from 23:00Z on the 28th to 22:00Z on the 29th.
    const day = fires("0 * * * *", "Europe/Berlin", "2026-03-28T22:59:59Z", 30).filter(
      (t) => Date.parse(t) < Date.parse("2026-03-29T22:00:00Z"),
    );
    expect(day).toHaveLength(23);
    // Every 15 minutes: 02:00–02:45 fold into 03:00, which fires once.
    expect(fires("*/15 * * * *", "Europe/Berlin", "2026-03-29T00:30:00Z", 4)).toEqual([
      "2026-03-29T00:45:00.000Z", // 01:45 CET
      "2026-03-29T01:00:00.000Z", // 03:00 CEST
      "2026-03-29T01:15:00.000Z",
      "2026-03-29T01:30:00.000Z",
    ]);
  });

  test("Berlin fall back: 02:30 happens twice and fires once, at the first occurrence", () => {
    expect(fires("30 2 * * *", "Europe/Berlin", "2026-10-24T12:00:00Z", 2)).toEqual([
      "2026-10-25T00:30:00.000Z", // 02:30 CEST (the first)
      "2026-10-26T01:30:00.000Z",
    ]);
    expect(fires("*/15 * * * *", "Europe/Berlin", "2026-10-25T00:20:00Z", 4)).toEqual([
      "2026-10-25T00:30:00.000Z", // 02:30 CEST
      "2026-10-25T00:45:00.000Z", // 02:45 CEST
      "2026-10-25T02:00:00.000Z", // 03:00 CET: the second 02:00–02:45 is skipped
      "2026-10-25T02:15:00.000Z",
    ]);
  });

  test("New York: 02:30 on the spring day fires at 03:00 EDT; 01:30 in November fires once (EDT)", () => {
    expect(fires("30 2 * * *", "America/New_York", "2026-03-08T00:00:00Z", 1)).toEqual([
      "2026-03-08T07:00:00.000Z",
    ]);
    expect(fires("30 1 * * *", "America/New_York", "2026-11-01T00:00:00Z", 2)).toEqual([
      "2026-11-01T05:30:00.000Z", // 01:30 EDT
      "2026-11-02T06:30:00.000Z", // 01:30 EST the next day
    ]);
  });

  test("Lord Howe: the 30-minute gap and overlap", () => {
    // Spring (Oct 4): 02:00 → 02:30. 02:15 does not exist: it fires at 02:30 (+11:00).
    expect(fires("15 2 * * *", "Australia/Lord_Howe", "2026-10-03T00:00:00Z", 1)).toEqual([
      "2026-10-03T15:30:00.000Z",
    ]);
    // Hourly that day: 02:00 folds into 02:30, which is its own instant: 24 fires, one at :30.
    expect(fires("0 * * * *", "Australia/Lord_Howe", "2026-10-03T13:00:00Z", 4)).toEqual([
      "2026-10-03T13:30:00.000Z", // 00:00 +10:30
      "2026-10-03T14:30:00.000Z", // 01:00 +10:30
      "2026-10-03T15:30:00.000Z", // 02:30 +11:00 (for the missing 02:00)
      "2026-10-03T16:00:00.000Z", // 03:00 +11:00
    ]);
    // Autumn (Apr 5): 02:00 → 01:30. 01:45 happens twice: once, at the first (+11:00).
    expect(fires("45 1 * * *", "Australia/Lord_Howe", "2026-04-04T00:00:00Z", 2)).toEqual([
      "2026-04-04T14:45:00.000Z",
      "2026-04-05T15:15:00.000Z",
    ]);
  });

  test("croner on its own fires interval patterns twice in an overlap: spool does not", () => {
    const native = new Cron("*/15 * * * *", { timezone: "Europe/Berlin", paused: true })
      .nextRuns(8, new Date("2026-10-25T00:20:00Z"))
      .map((d) => d.toISOString());
    // croner: 02:00 and 02:15 (CET) again after the 02:30/02:45 (CEST) it already fired.
    expect(native).toContain("2026-10-25T01:00:00.000Z");
    expect(fires("*/15 * * * *", "Europe/Berlin", "2026-10-25T00:20:00Z", 8)).not.toContain(
      "2026-10-25T01:00:00.000Z",
    );
  });
});
