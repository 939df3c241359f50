import { describe, expect, test } from "vitest";
import { formatMs, toMs } from "../../src/core/duration.js";
import { InvalidArgumentError } from "../../src/core/errors/index.js";

describe("durations", () => {
  test.each([
    [250, 250],
    [0, 0],
    [1.6, 2],
    ["250", 250],
    ["250ms", 250],
    ["10s", 10_000],
    ["1.5s", 1500],
    ["5m", 300_000],
    ["2h", 7_200_000],
    ["1d", 86_400_000],
    ["1w", 604_800_000],
    ["1h30m", 5_400_000],
    ["1h 30m 15s", 5_415_000],
    [" 10S ", 10_000],
  ])("%j is %d ms", (input, ms) => {
    expect(toMs(input)).toBe(ms);
  });

  test.each([
    ["abc"],
    [""],
    ["10 parsecs"],
    ["5m garbage"],
    ["-5s"],
    [-1],
    [Number.NaN],
    [Number.POSITIVE_INFINITY],
  ])("%j is refused with InvalidArgumentError naming the argument", (input) => {
    let err: unknown;
    try {
      toMs(input as never, "delay");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InvalidArgumentError);
    expect((err as InvalidArgumentError).argument).toBe("delay");
    expect((err as Error).message).toMatch(/^delay/);
  });

  test.each([
    [950, "950ms"],
    [1234, "1.23s"],
    [12_300, "12.3s"],
    [245_000, "4m05s"],
    [7_800_000, "2h10m"],
    [273_600_000, "3d4h"],
  ])("formatMs(%d) is %s", (ms, text) => {
    expect(formatMs(ms)).toBe(text);
  });
});
