/** `spool jobs cancel ID...`: cancels jobs; running handlers see their signal abort, wherever they run. */
import type { Command } from "commander";
import { runBulkAction } from "../bulk-action.js";
import { withContext } from "../context.js";
import type { CliIO } from "../io.js";

export function registerJobsCancel(jobs: Command, io: CliIO): void {
  jobs
    .command("cancel")
    .description("cancel jobs (dependents are cancelled too; a running handler's signal aborts)")
    .argument("<ids...>", "job ids")
    .option(
      "--reason <text>",
      "why: carried by the job:cancelled event (SSE, job.events()); not stored with the job",
    )
    .action((ids: string[], opts: { reason?: string }, command: Command) =>
      withContext(command, io, (ctx) =>
        runBulkAction(ctx, ids, { action: "cancel", past: "cancelled" }, async (list) => {
          const r = await (await ctx.open({ expectsData: true })).jobs.cancel(list, opts.reason);
          return { done: r.cancelled, skipped: r.skipped };
        }),
      ),
    );
}
