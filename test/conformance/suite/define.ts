/** How topic files declare their tests, so the runner knows every name before registering any. */
import type { Backend } from "../../../src/backend/backend.js";
import type { FakeClock } from "../../../src/core/clock.js";

export interface ConformanceContext {
  backend: Backend;
  clock: FakeClock;
}

export interface ConformanceTest {
  name: string;
  run: (ctx: ConformanceContext) => Promise<void>;
}

export interface ConformanceTopic {
  name: string;
  tests: readonly ConformanceTest[];
}

export function defineTopic(
  name: string,
  build: (test: (name: string, run: ConformanceTest["run"]) => void) => void,
): ConformanceTopic {
  const tests: ConformanceTest[] = [];
  build((testName, run) => {
    if (tests.some((t) => t.name === testName))
      throw new Error(`duplicate conformance test "${name} > ${testName}"`);
    tests.push({ name: testName, run });
  });
  return { name, tests };
}
