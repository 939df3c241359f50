/**
 * `spool scheduler`: runs a scheduler until SIGTERM/SIGINT. Start as many as you like, on as
 * many machines as the backend reaches: each fire time is enqueued once. With `--app`, the
 * app's schedule definitions are stored first; without, it fires the stored schedules.
 */
import type { Command } from "commander";
import { withContext } from "../context.js";
import type { CliIO } from "../io.js";
import { parseDuration } from "../parse.js";
import { withSignals } from "../signals.js";

export function registerScheduler(program: Command, io: CliIO): void {
  program
    .command("scheduler")
    .description("fire the stored schedules (run any number; each fire time enqueues once)")
    .option("--poll-max <duration>", "longest sleep between passes (default 30s)")
    .action((opts: { pollMax?: string }, command: Command) =>
      withContext(command, io, async (ctx) => {
        const pollMax = opts.pollMax === undefined ? undefined : parseDuration(opts.pollMax, "poll-max");
        const spool = await ctx.open({ logLevel: ctx.verbose ? "debug" : ctx.quiet ? "warn" : "info" });
        const scheduler = spool.scheduler(pollMax ? { pollMax } : {});
        await withSignals(io, spool.logger, async (stopRequested) => {
          await scheduler.start();
          const count = (await spool.schedules.list()).length;
          spool.logger.info({ schedules: count, backend: ctx.backendLabel }, "scheduler running");
          ctx.out(`spool scheduler running (${count} schedules on ${ctx.backendLabel})`);
          await stopRequested;
          await scheduler.stop();
        });
      }),
    );
}
