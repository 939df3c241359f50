/** `spool jobs retry ID...`: runs failed or cancelled jobs again. */
import type { Command } from "commander";
import { runBulkAction } from "../bulk-action.js";
import { withContext } from "../context.js";
import type { CliIO } from "../io.js";

export function registerJobsRetry(jobs: Command, io: CliIO): void {
  jobs
    .command("retry")
    .description("run failed or cancelled jobs again (attempts start over)")
    .argument("<ids...>", "job ids")
    .action((ids: string[], _opts: unknown, command: Command) =>
      withContext(command, io, (ctx) =>
        runBulkAction(ctx, ids, { action: "retry", past: "retried" }, async (list) => {
          const r = await (await ctx.open({ expectsData: true })).jobs.retry(list);
          return { done: r.ok, skipped: r.refused };
        }),
      ),
    );
}
