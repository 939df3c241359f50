import { describe, expect, it } from "vitest";
import { InvalidArgumentError, isSpoolError, RateLimitedError } from "../../src/core/errors/index.js";

describe("RateLimitedError", () => {
  it("parses retryAfter, defaults to the queue scope and carries its facts as details", () => {
    const err = new RateLimitedError({ retryAfter: "30s" });
    expect(err).toMatchObject({ code: "RATE_LIMITED", retryAfterMs: 30_000, scope: "queue" });
    expect(err.details).toEqual({ retryAfterMs: 30_000, scope: "queue" });
    expect(isSpoolError(err)).toBe(true);
    expect(new RateLimitedError({ retryAfter: 250, scope: "job" }).scope).toBe("job");
  });

  it("refuses a retryAfter outside 1 ms .. 7 days and an unknown scope", () => {
    for (const retryAfter of [0, -5, "soon", "8d"]) {
      expect(() => new RateLimitedError({ retryAfter })).toThrow(InvalidArgumentError);
    }
    expect(() => new RateLimitedError({ retryAfter: "1s", scope: "tenant" as unknown as "queue" })).toThrow(
      InvalidArgumentError,
    );
  });
});
