/** How topic files declare their tests, so the runner knows every name before registering any. */
import type { Backend } from "../../../src/backend/backend.js";
import type { FakeClock } from "../../../src/core/clock.js";

export interface ConformanceContext {
  backend: Backend;
  clock: FakeClock;
  /**
   * Opens another handle on the same store, as another process would (its own connection
   * and change feed), on the same clock. Only tests declared with `{ peer: true }` call it.
   */
  peer: () => Promise<Backend>;
}

export interface ConformanceTest {
  name: string;
  run: (ctx: ConformanceContext) => Promise<void>;
  /** Needs a second handle on the store; skipped for backends without `createPeer`. */
  peer: boolean;
  /** Tests push delivery; skipped for backends whose conformance entry does not claim it. */
  push: boolean;
  /** A budget of its own for a heavy test (ms); the suite's default otherwise. */
  timeoutMs?: number;
}

export interface ConformanceTopic {
  name: string;
  tests: readonly ConformanceTest[];
}

export function defineTopic(
  name: string,
  build: (
    test: (
      name: string,
      run: ConformanceTest["run"],
      options?: { peer?: boolean; push?: boolean; timeoutMs?: number },
    ) => void,
  ) => void,
): ConformanceTopic {
  const tests: ConformanceTest[] = [];
  build((testName, run, options) => {
    if (tests.some((t) => t.name === testName))
      throw new Error(`duplicate conformance test "${name} > ${testName}"`);
    tests.push({
      name: testName,
      run,
      peer: options?.peer ?? false,
      push: options?.push ?? false,
      timeoutMs: options?.timeoutMs,
    });
  });
  return { name, tests };
}
