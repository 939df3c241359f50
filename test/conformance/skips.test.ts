import { describe, expect, test } from "vitest";
import { resolveSkips, TOPICS } from "./run-conformance.js";

describe("conformance skip lists", () => {
  test("a skip naming an existing test maps it to its reason", () => {
    const name = `${TOPICS[0]!.name} > ${TOPICS[0]!.tests[0]!.name}`;
    expect(resolveSkips(TOPICS, [{ reason: "not supported", tests: [name] }])).toEqual(
      new Map([[name, "not supported"]]),
    );
  });

  test("a skip naming a test that does not exist fails the suite", () => {
    expect(() =>
      resolveSkips(TOPICS, [{ reason: "stale", tests: ["notify > a test nobody wrote"] }]),
    ).toThrow(/do not exist: "notify > a test nobody wrote"/);
  });

  test("every test has a unique full name", () => {
    const names = TOPICS.flatMap((topic) => topic.tests.map((t) => `${topic.name} > ${t.name}`));
    expect(new Set(names).size).toBe(names.length);
  });
});
