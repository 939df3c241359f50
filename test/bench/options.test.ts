/** `npm run bench -- --sections …`: which per-system sections run (bench/harness/options.ts). */
import { describe, expect, test } from "vitest";
import { parseOptions } from "../../bench/harness/options.js";

describe("bench --sections", () => {
  test("every section by default", () => {
    expect([...parseOptions([], "/repo").sections]).toEqual(["b1", "b", "c"]);
  });

  test("a list selects those sections only", () => {
    expect([...parseOptions(["--sections", "b, C"], "/repo").sections]).toEqual(["b", "c"]);
  });

  test("an unknown section is refused, naming the known ones", () => {
    expect(() => parseOptions(["--sections", "b,g"], "/repo")).toThrow(
      /unknown section "g" \(known: b1, b, c\)/,
    );
  });
});
