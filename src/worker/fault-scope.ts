/**
 * Attributes a fault that escapes a handler — an exception thrown in a timer callback, a
 * rejected promise nobody awaited — to the job whose handler caused it, by async context
 * (`AsyncLocalStorage`): the job fails with that error recorded, its slot is freed, and the
 * worker keeps running the other jobs.
 *
 * Off until `installFaultHandlers` is called: keeping an async context alive across every
 * promise has a cost, and only a process-level handler can use it. `spool worker` installs
 * the handlers; library code calls `installFaultHandlers` itself if it wants them (spool never
 * installs process handlers on its own).
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { Logger } from "pino";
import { errorRecord } from "./error-record.js";

export interface FaultTarget {
  readonly jobId: string;
  /** Fails the job with `err` (when its outcome is not decided yet) and frees its slot. */
  fault(err: unknown): void;
}

interface FaultScopeState {
  scope: AsyncLocalStorage<FaultTarget>;
  installed: number;
}

/**
 * One state per process, not per copy of this module: the CLI and the user's app can load two
 * copies of spool (`spool worker` from the installed package's dist/, an app importing another
 * path or a second install), and handlers installed by one copy must see the job scopes the
 * other copy's executor opens.
 */
const STATE = Symbol.for("spool.worker.faultScope");
const holder = globalThis as { [STATE]?: FaultScopeState };
holder[STATE] ??= { scope: new AsyncLocalStorage<FaultTarget>(), installed: 0 };
const state: FaultScopeState = holder[STATE];

/** True while fault handlers are installed: executors then run handlers in a job scope. */
export function faultScopeEnabled(): boolean {
  return state.installed > 0;
}

export function runInFaultScope<T>(target: FaultTarget, fn: () => T): T {
  return state.scope.run(target, fn);
}

/** Hands `err` to the job whose async context raised it; returns that job's id, or null. */
export function attributeFault(err: unknown): string | null {
  const target = state.scope.getStore();
  if (!target) return null;
  target.fault(err);
  return target.jobId;
}

export type FaultKind = "uncaughtException" | "unhandledRejection";

/**
 * Installs `uncaughtException` and `unhandledRejection` handlers on this process. A fault a
 * running job can be blamed for fails that job; any other is logged and passed to
 * `onUnattributed` (`spool worker` stops gracefully and exits 1 on an exception, and logs a
 * rejection and goes on). Returns the uninstaller.
 */
export function installFaultHandlers(
  logger: Pick<Logger, "error">,
  onUnattributed: (err: unknown, kind: FaultKind) => void,
): () => void {
  const handle = (kind: FaultKind) => (err: unknown) => {
    const jobId = attributeFault(err);
    if (jobId) {
      // The bounded record, not `err` itself: its message may be huge.
      const { name, message } = errorRecord(err, 0, 0);
      logger.error(
        { jobId, kind, error: name, reason: message },
        `${kind} in a job's handler; the job fails with it`,
      );
    } else onUnattributed(err, kind);
  };
  const onException = handle("uncaughtException");
  const onRejection = handle("unhandledRejection");
  process.on("uncaughtException", onException);
  process.on("unhandledRejection", onRejection);
  state.installed++;
  let done = false;
  return () => {
    if (done) return;
    done = true;
    state.installed--;
    process.off("uncaughtException", onException);
    process.off("unhandledRejection", onRejection);
  };
}
