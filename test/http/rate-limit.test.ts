/** The failed-authentication limiter on its own clock: window, lockout, recovery, bounded memory. */
import { describe, expect, it } from "vitest";
import { ADDRESSES_MAX, FailureLimiter } from "../../src/http/rate-limit.js";

describe("FailureLimiter", () => {
  it("refuses an address after max failures in the window, until the oldest leaves it", () => {
    let now = 1_000_000;
    const limiter = new FailureLimiter(3, 60_000, () => now);
    for (let i = 0; i < 3; i++) {
      expect(() => limiter.check("a")).not.toThrow();
      limiter.fail("a");
      now += 10_000;
    }
    expect(() => limiter.check("a")).toThrow(expect.objectContaining({ code: "RATE_LIMITED" }));
    expect(() => limiter.check("b")).not.toThrow();
    try {
      limiter.check("a");
    } catch (err) {
      // The first failure was at 1,000,000 and leaves the window at 1,060,000; now is 1,030,000.
      expect((err as { details: { retryAfterSeconds: number } }).details.retryAfterSeconds).toBe(30);
    }
    now = 1_000_000 + 60_000;
    expect(() => limiter.check("a")).not.toThrow();
  });

  it("forgets the address idle longest past its bound", () => {
    const now = 5;
    const limiter = new FailureLimiter(1, 60_000, () => now);
    limiter.fail("first");
    for (let i = 0; i < ADDRESSES_MAX; i++) limiter.fail(`addr-${i}`);
    expect(() => limiter.check("first")).not.toThrow();
    expect(() => limiter.check(`addr-${ADDRESSES_MAX - 1}`)).toThrow();
  });
});
