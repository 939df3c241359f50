/** `spool jobs rm ID...`: deletes jobs in any state but running. */
import type { Command } from "commander";
import { runBulkAction } from "../bulk-action.js";
import { withContext } from "../context.js";
import type { CliIO } from "../io.js";

export function registerJobsRm(jobs: Command, io: CliIO): void {
  jobs
    .command("rm")
    .description("delete jobs (not while running: cancel them first)")
    .argument("<ids...>", "job ids")
    .action((ids: string[], _opts: unknown, command: Command) =>
      withContext(command, io, (ctx) =>
        runBulkAction(ctx, ids, { action: "remove", past: "removed" }, async (list) => {
          const r = await (await ctx.open({ expectsData: true })).jobs.remove(list);
          return { done: r.removed, skipped: r.skipped };
        }),
      ),
    );
}
