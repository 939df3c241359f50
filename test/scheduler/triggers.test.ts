/** Trigger arithmetic: cron with 5 and 6 fields, anchored intervals, one-shot dates, bounds. */
import { describe, expect, test } from "vitest";
import {
  compileTrigger,
  describeTrigger,
  nextFireTimes,
  normalizeTrigger,
} from "../../src/scheduler/triggers.js";

const T0 = Date.UTC(2026, 0, 1);
const S = 1_000;
const M = 60 * S;

describe("triggers", () => {
  test("cron with 5 fields fires on minutes, with 6 fields on seconds", () => {
    const five = compileTrigger(normalizeTrigger({ cron: "*/10 * * * *" }), { anchorAt: T0 });
    expect(nextFireTimes(five, T0, 3)).toEqual([T0 + 10 * M, T0 + 20 * M, T0 + 30 * M]);
    const six = compileTrigger(normalizeTrigger({ cron: "*/20 * * * * *" }), { anchorAt: T0 });
    expect(nextFireTimes(six, T0, 3)).toEqual([T0 + 20 * S, T0 + 40 * S, T0 + M]);
    // Strictly after: a fire time is never returned for itself.
    expect(five.next(T0 + 10 * M)).toBe(T0 + 20 * M);
  });

  test("cron honours the schedule's own time zone", () => {
    const berlin = compileTrigger(normalizeTrigger({ cron: "0 3 * * *", tz: "Europe/Berlin" }), {
      anchorAt: T0,
    });
    expect(berlin.next(T0)).toBe(Date.UTC(2026, 0, 1, 2)); // 03:00 CET = 02:00Z
    const utc = compileTrigger(normalizeTrigger({ cron: "0 3 * * *" }), { anchorAt: T0 });
    expect(utc.next(T0)).toBe(Date.UTC(2026, 0, 1, 3));
    expect(normalizeTrigger({ cron: "0 3 * * *", tz: "Etc/UTC" })).toEqual({ cron: "0 3 * * *", tz: "UTC" });
  });

  test("every is a grid anchored at the schedule's creation: restarts do not drift it", () => {
    const anchor = T0 + 7 * S;
    const a = compileTrigger(normalizeTrigger({ every: "1m" }), { anchorAt: anchor });
    expect(nextFireTimes(a, anchor, 2)).toEqual([anchor + M, anchor + 2 * M]);
    // A scheduler restarted at an arbitrary moment lands on the same grid.
    expect(a.next(anchor + 5 * M + 33 * S)).toBe(anchor + 6 * M);
    expect(a.next(anchor + 6 * M)).toBe(anchor + 7 * M);
  });

  test("every with startAt starts the grid there, inclusive", () => {
    const start = T0 + 30 * M;
    const t = compileTrigger(normalizeTrigger({ every: "15m" }), { anchorAt: start, startAt: start });
    expect(nextFireTimes(t, T0, 3)).toEqual([start, start + 15 * M, start + 30 * M]);
  });

  test("at fires once; bounds cut fire times off", () => {
    const at = compileTrigger(normalizeTrigger({ at: "2026-01-02T00:00:00Z" }), { anchorAt: T0 });
    expect(nextFireTimes(at, T0, 3)).toEqual([Date.UTC(2026, 0, 2)]);
    const bounded = compileTrigger(normalizeTrigger({ cron: "0 * * * *" }), {
      anchorAt: T0,
      startAt: T0 + 2 * 60 * M,
      endAt: T0 + 4 * 60 * M,
    });
    expect(nextFireTimes(bounded, T0, 10)).toEqual([2, 3, 4].map((h) => T0 + h * 60 * M));
  });

  test("a pattern that never matches has no next fire time", () => {
    const never = compileTrigger(normalizeTrigger({ cron: "0 0 30 2 *" }), { anchorAt: T0 });
    expect(never.next(T0)).toBeNull();
  });

  test("descriptions are short and readable", () => {
    expect(describeTrigger(normalizeTrigger({ cron: "0 3 * * *", tz: "Europe/Berlin" }))).toBe(
      "cron 0 3 * * * (Europe/Berlin)",
    );
    expect(describeTrigger(normalizeTrigger({ cron: "0 3 * * *" }))).toBe("cron 0 3 * * *");
    expect(describeTrigger(normalizeTrigger({ every: "90s" }))).toBe("every 90s");
    expect(describeTrigger(normalizeTrigger({ every: "2h" }))).toBe("every 2h");
    expect(describeTrigger(normalizeTrigger({ at: T0 }))).toBe("at 2026-01-01T00:00:00.000Z");
  });
});
