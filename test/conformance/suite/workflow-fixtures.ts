/**
 * Workflow conformance fixtures: a spool client over the backend under test, a small set of
 * tasks, and a deterministic driver (the inline runner: claim one job, run it through the
 * worker's `execute`, record the outcome) so tests need no worker timers.
 */
import type { Backend } from "../../../src/backend/backend.js";
import { InlineRunner } from "../../../src/client/inline.js";
import { createSpool } from "../../../src/client/spool.js";
import type { FakeClock } from "../../../src/core/clock.js";
import { NonRetriableError } from "../../../src/core/errors/index.js";
import type { TaskContext } from "../../../src/core/task.js";
import { workflowInputs } from "../../../src/workflow/inputs.js";

export function workflowFixture(backend: Backend, clock: FakeClock) {
  const spool = createSpool({ backend, clock, logger: { level: "silent" }, retention: false });
  /** Executions per task name, and the inputs each saw. */
  const runs = new Map<string, unknown[]>();
  const record = (name: string, input: unknown) => {
    const list = runs.get(name) ?? [];
    list.push(input);
    runs.set(name, list);
  };
  /** Inputs that fail their first attempt (a retriable error). */
  const flaky = new Set<number>();

  const double = spool.task({
    name: "wf.double",
    queue: "wf",
    retry: { attempts: 3, backoff: { type: "fixed", delay: 0 } },
    run: (n: number) => {
      record("wf.double", n);
      if (flaky.delete(n)) throw new Error(`flaky ${n}`);
      return n * 2;
    },
  });
  const addOne = spool.task({
    name: "wf.addOne",
    queue: "wf",
    run: (n: number) => {
      record("wf.addOne", n);
      return n + 1;
    },
  });
  const show = spool.task({
    name: "wf.show",
    queue: "wf",
    run: (n: number) => {
      record("wf.show", n);
      return `n=${n}`;
    },
  });
  const sum = spool.task({
    name: "wf.sum",
    queue: "wf",
    run: (items: number[]) => {
      record("wf.sum", items);
      return items.reduce((a, b) => a + b, 0);
    },
  });
  const fromTop = spool.task({
    name: "wf.fromTop",
    queue: "wf",
    run: (input: { top: number }) => input.top + 1,
  });
  const join = spool.task({
    name: "wf.join",
    queue: "wf",
    run: (input: { left: number; right: number }, ctx: TaskContext) => {
      record("wf.join", { input, parents: ctx.parents });
      return input.left * 100 + input.right;
    },
  });
  const boom = spool.task({
    name: "wf.boom",
    queue: "wf",
    retry: 1,
    run: (_: string): number => {
      record("wf.boom", _);
      throw new NonRetriableError("boom");
    },
  });
  const runner = new InlineRunner({
    registry: spool.registry,
    clock,
    logger: spool.logger,
    payloadLimit: 1024 * 1024,
    backend: async () => backend,
    resolveInput: workflowInputs,
  });
  return {
    spool,
    tasks: { double, addOne, show, sum, fromTop, join, boom },
    runs: (name: string) => runs.get(name) ?? [],
    flaky,
    /** Runs every ready job (and those they release) until none is left. */
    drain: () => runner.drain(),
  };
}
