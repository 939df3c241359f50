import { describe, expect, test } from "vitest";
import { InvalidArgumentError } from "../../src/core/errors/index.js";
import { backoffMs, RETRY_ATTEMPTS_DEFAULT, resolveRetry } from "../../src/core/retry.js";

describe("retry policy and backoff", () => {
  test("defaults: 3 attempts, exponential from 1s capped at 5m, with jitter", () => {
    expect(resolveRetry(undefined)).toEqual({
      attempts: RETRY_ATTEMPTS_DEFAULT,
      type: "exponential",
      delayMs: 1000,
      maxMs: 300_000,
      jitter: true,
    });
    expect(resolveRetry(7).attempts).toBe(7);
  });

  test("fixed backoff waits the same delay after every attempt", () => {
    const r = resolveRetry({ attempts: 5, backoff: { type: "fixed", delay: "250ms" } });
    expect([1, 2, 3, 4].map((a) => backoffMs(r, a))).toEqual([250, 250, 250, 250]);
  });

  test("exponential backoff doubles from the base delay and stops at max", () => {
    const r = resolveRetry({ backoff: { type: "exponential", delay: "1s", max: "10s" } });
    expect([1, 2, 3, 4, 5, 6, 50].map((a) => backoffMs(r, a))).toEqual([
      1000, 2000, 4000, 8000, 10_000, 10_000, 10_000,
    ]);
  });

  test("jitter stays within half to all of the nominal wait", () => {
    const r = resolveRetry({ backoff: { type: "exponential", delay: "1s", max: "1m", jitter: true } });
    expect(backoffMs(r, 3, () => 0)).toBe(2000);
    expect(backoffMs(r, 3, () => 0.999_999)).toBe(4000);
    expect(backoffMs(r, 3, () => 0.5)).toBe(3000);
    for (let i = 0; i < 1000; i++) {
      const attempt = 1 + (i % 8);
      const nominal = Math.min(60_000, 1000 * 2 ** (attempt - 1));
      const wait = backoffMs(r, attempt);
      expect(wait).toBeGreaterThanOrEqual(nominal / 2);
      expect(wait).toBeLessThanOrEqual(nominal);
    }
  });

  test("jitter on fixed backoff keeps the same bounds", () => {
    const r = resolveRetry({ backoff: { type: "fixed", delay: 100, jitter: true } });
    for (let i = 0; i < 200; i++) {
      const wait = backoffMs(r, 1 + i);
      expect(wait).toBeGreaterThanOrEqual(50);
      expect(wait).toBeLessThanOrEqual(100);
    }
  });

  test.each([[0], [1.5], [1001], [-1]])("attempts %d is refused with InvalidArgumentError", (attempts) => {
    expect(() => resolveRetry({ attempts })).toThrow(InvalidArgumentError);
  });

  test("a bad backoff delay is refused, naming the option", () => {
    expect(() => resolveRetry({ backoff: { type: "fixed", delay: "soon" } })).toThrow(
      /retry\.backoff\.delay/,
    );
  });
});
