import { describe, expect, test } from "vitest";
import type { NewJob } from "../../src/backend/backend.js";
import { checkNewJobs } from "../../src/backend/shared.js";
import { InvalidArgumentError } from "../../src/core/errors/index.js";
import { newJobId } from "../../src/core/ids.js";

const job = (id: string, extra: Partial<NewJob> = {}): NewJob => ({
  id,
  task: "t",
  queue: "q",
  input: "null",
  priority: 0,
  runAt: 0,
  maxAttempts: 1,
  key: null,
  meta: {},
  dependsOn: [],
  leaseMs: null,
  timeoutMs: null,
  ...extra,
});

const errorOf = (jobs: NewJob[]): InvalidArgumentError => {
  try {
    checkNewJobs(jobs);
  } catch (e) {
    return e as InvalidArgumentError;
  }
  throw new Error("checkNewJobs accepted the batch");
};

describe("checkNewJobs", () => {
  test("accepts distinct ids in any order", () => {
    const ids = Array.from({ length: 100 }, () => newJobId());
    expect(() => checkNewJobs(ids.map((id) => job(id)))).not.toThrow();
    expect(() => checkNewJobs([...ids].reverse().map((id) => job(id)))).not.toThrow();
    expect(() => checkNewJobs(["b", "c", "a", "d", "e"].map((id) => job(id)))).not.toThrow();
  });

  test.each([
    ["adjacent", ["a", "b", "b"]],
    ["after the order breaks", ["a", "c", "b", "c"]],
    ["of one seen before the order breaks", ["a", "b", "c", "a"]],
    ["in a descending batch", ["c", "b", "a", "b"]],
  ])("refuses a duplicate id (%s)", (_name, ids) => {
    const err = errorOf(ids.map((id) => job(id)));
    expect(err).toBeInstanceOf(InvalidArgumentError);
    expect(err.code).toBe("INVALID_ARGUMENT");
    expect(err.message).toContain(`duplicate or empty job id "${ids.at(-1)}" in batch`);
  });

  test("refuses an empty id", () => {
    expect(errorOf([job("a"), job("")]).message).toContain('duplicate or empty job id "" in batch');
  });

  test("reports the first bad job's problem, in batch order", () => {
    expect(errorOf([job("b"), job("a", { priority: 1.5 }), job("a")]).message).toContain(
      "priority must be an integer, got 1.5",
    );
    expect(errorOf([job("b"), job("a"), job("a", { priority: 1.5 })]).message).toContain(
      'duplicate or empty job id "a"',
    );
  });

  test("refuses a job that depends on itself, and the other field checks still apply", () => {
    expect(errorOf([job("a", { dependsOn: ["x", "a"] })]).message).toContain("cannot depend on itself");
    expect(errorOf([job("a", { task: "" })]).message).toContain("task name is empty");
    expect(errorOf([job("a", { queue: "" })]).message).toContain("queue name is empty");
    expect(errorOf([job("a", { maxAttempts: 0 })]).message).toContain("maxAttempts must be an integer >= 1");
    expect(errorOf([job("a", { runAt: Number.NaN })]).message).toContain("runAt must be a finite epoch ms");
  });
});
