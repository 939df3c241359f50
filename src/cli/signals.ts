/**
 * Signal handling for long-running commands (`scheduler`, `dev`). Only the CLI installs
 * signal handlers; library code never does. `withSignals` runs `fn` with a promise that
 * resolves on the first SIGTERM/SIGINT (stop gracefully); a second signal exits at once with
 * code 1. The handlers are removed when `fn` settles.
 */
import type { Logger } from "pino";
import type { CliIO } from "./io.js";

export async function withSignals<T>(
  io: CliIO,
  logger: Logger,
  fn: (stopRequested: Promise<NodeJS.Signals>) => Promise<T>,
): Promise<T> {
  const proc = io.process ?? process;
  let signals = 0;
  let onSignal: (signal: NodeJS.Signals) => void = () => {};
  const stopRequested = new Promise<NodeJS.Signals>((resolve) => {
    onSignal = (signal) => {
      signals++;
      if (signals === 1) {
        logger.info({ signal }, "stopping gracefully (send the signal again to exit now)");
        resolve(signal);
      } else {
        logger.warn({ signal }, "second signal: exiting now");
        logger.flush?.();
        proc.exit(1);
      }
    };
  });
  proc.on("SIGTERM", onSignal);
  proc.on("SIGINT", onSignal);
  try {
    return await fn(stopRequested);
  } finally {
    proc.off("SIGTERM", onSignal);
    proc.off("SIGINT", onSignal);
  }
}
