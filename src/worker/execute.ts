/**
 * Runs one attempt of one job and says what should happen to it, as promises: the inline test
 * mode (client/inline.ts) and tests use this; the worker's runner uses `runAttempt` (attempt.ts)
 * directly, which reports through a sink and allocates no promise of its own per job. Both
 * apply the same retry, timeout, hook and serialization rules: this is a thin wrapper.
 */
import type { RegisteredTask } from "../core/registry.js";
import type { LeasedJob } from "../core/types.js";
import { type AttemptSink, type ExecuteDeps, runAttempt } from "./attempt.js";
import { errorRecord } from "./error-record.js";
import type { JobControl } from "./job-control.js";
import type { Outcome } from "./outcome.js";

export type { ExecuteDeps, InputResolver, SpawnSupport } from "./attempt.js";
export type { ParentResults } from "./job-context.js";
export type { Outcome } from "./outcome.js";
export { errorRecord };

export interface Execution {
  outcome: Promise<Outcome>;
  /** Resolves when the handler itself has returned or thrown (its slot is free again). */
  settled: Promise<void>;
}

interface Resolvers {
  outcome(o: Outcome): void;
  settled(): void;
}

const TO_PROMISES: AttemptSink<Resolvers> = {
  decided: (r, o) => r.outcome(o),
  returned: (r) => r.settled(),
};

/** Runs one attempt inside a consumer span (see `telemetry/tracing.ts`). */
export function execute(
  task: RegisteredTask | undefined,
  job: LeasedJob,
  control: JobControl,
  deps: ExecuteDeps,
): Execution {
  const r = {} as Resolvers;
  const outcome = new Promise<Outcome>((resolve) => (r.outcome = resolve));
  const settled = new Promise<void>((resolve) => (r.settled = resolve));
  runAttempt(task, job, control, deps, TO_PROMISES, r);
  return { outcome, settled };
}
