/**
 * `spool worker`: runs a worker for the app's tasks until SIGTERM or SIGINT.
 *
 * Only the CLI installs signal handlers (library code must not). First signal: graceful
 * `worker.stop()` (stop claiming, let running jobs finish within `--grace`, release the rest),
 * then exit 0. Second signal: exit 1 at once.
 *
 * Faults that escape a handler (a throw in a timer, an unawaited rejection) fail the job whose
 * async context raised them and the worker goes on (see worker/fault-scope.ts). An uncaught
 * exception no running job can be blamed for stops the worker gracefully and exits 1 (the
 * process state is unknown; a supervisor restarts it); an unattributed rejection is logged.
 */
import { resolve } from "node:path";
import type { Command } from "commander";
import { InvalidArgumentError } from "../../core/errors/index.js";
import { installFaultHandlers } from "../../worker/fault-scope.js";
import { withContext } from "../context.js";
import type { CliIO } from "../io.js";
import { parseDuration, parseInteger, parseList } from "../parse.js";

interface WorkerCommandOptions {
  queues?: string;
  concurrency?: string;
  lease?: string;
  grace?: string;
  isolate?: string;
}

export function registerWorker(program: Command, io: CliIO): void {
  program
    .command("worker")
    .description("run a worker for the app's tasks (stops gracefully on SIGTERM/SIGINT)")
    .option("--queues <a,b>", "queues to consume (default: every queue the app's tasks use)")
    .option("--concurrency <n>", "handlers running at once (default 10)")
    .option("--lease <duration>", "lease on each running job, renewed every third (default 30s)")
    .option("--grace <duration>", "on stop, how long running jobs may finish (default 30s)")
    .option(
      "--isolate <mode>",
      "run handlers in a worker `thread` or child `process` (default: as each task says)",
    )
    .action((opts: WorkerCommandOptions, command: Command) =>
      withContext(command, io, async (ctx) => {
        const concurrency =
          opts.concurrency === undefined
            ? undefined
            : parseInteger(opts.concurrency, "concurrency", 1, 10_000);
        const lease = opts.lease === undefined ? undefined : parseDuration(opts.lease, "lease");
        const grace = opts.grace === undefined ? undefined : parseDuration(opts.grace, "grace");
        const queues = opts.queues === undefined ? undefined : parseList(opts.queues);
        const isolate = opts.isolate;
        if (isolate !== undefined && isolate !== "thread" && isolate !== "process")
          throw new InvalidArgumentError(
            `--isolate must be "thread" or "process", got "${isolate}"`,
            "isolate",
          );
        const spool = await ctx.open({
          requireApp: "spool worker",
          logLevel: ctx.verbose ? "debug" : ctx.quiet ? "warn" : "info",
        });
        if (spool.registry.names().length === 0)
          ctx.note(`warning: ${ctx.app} defines no tasks; jobs this worker claims will fail`);
        const worker = spool.worker({
          ...(queues ? { queues } : {}),
          ...(concurrency ? { concurrency } : {}),
          ...(lease ? { lease } : {}),
          ...(grace ? { shutdownGrace: grace } : {}),
          ...(isolate ? { isolate } : {}),
          // Isolated children load the same app module.
          ...(ctx.app ? { isolation: { app: resolve(io.cwd ?? process.cwd(), ctx.app) } } : {}),
        });
        const proc = io.process ?? process;
        let signals = 0;
        let onSignal: (signal: NodeJS.Signals) => void = () => {};
        const stopped = new Promise<void>((resolve, reject) => {
          onSignal = (signal) => {
            signals++;
            if (signals === 1) {
              spool.logger.info({ signal }, "stopping gracefully (send the signal again to exit now)");
              worker.stop().then(resolve, reject);
            } else {
              spool.logger.warn({ signal }, "second signal: exiting now");
              spool.logger.flush?.();
              proc.exit(1);
            }
          };
        });
        let fatal: unknown = null;
        // Only a real process gets fault handlers (in-process tests pass their own `process`).
        const uninstall = io.process
          ? () => {}
          : installFaultHandlers(spool.logger, (err, kind) => {
              if (kind === "unhandledRejection") {
                spool.logger.error({ err }, "unhandled rejection outside any job; the worker goes on");
                return;
              }
              spool.logger.fatal({ err }, "uncaught exception outside any job; stopping the worker");
              fatal ??= err;
              onSignal("SIGTERM");
            });
        proc.on("SIGTERM", onSignal);
        proc.on("SIGINT", onSignal);
        try {
          await worker.start();
          await stopped;
        } finally {
          proc.off("SIGTERM", onSignal);
          proc.off("SIGINT", onSignal);
          uninstall();
        }
        if (fatal) throw fatal;
      }),
    );
}
