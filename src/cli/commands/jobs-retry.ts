/** `spool jobs retry ID...` or `spool jobs retry --state failed --task T`: runs failed or cancelled jobs again. */
import type { Command } from "commander";
import { runBulkAction } from "../bulk-action.js";
import { withContext } from "../context.js";
import type { CliIO } from "../io.js";
import {
  addFilterOptions,
  checkIdsOrFilter,
  type FilterOptions,
  filterFrom,
  reportFilterAction,
} from "../job-filter.js";

export function registerJobsRetry(jobs: Command, io: CliIO): void {
  addFilterOptions(
    jobs
      .command("retry")
      .description(
        "run failed or cancelled jobs again (attempts start over): by id, or every job matching filter options",
      )
      .argument("[ids...]", "job ids"),
    "retry",
  ).action((ids: string[], opts: FilterOptions, command: Command) =>
    withContext(command, io, async (ctx) => {
      const filter = filterFrom(opts, Date.now());
      checkIdsOrFilter(ids, filter, opts);
      const spool = await ctx.open({ expectsData: true });
      if (filter) {
        const dryRun = opts.dryRun === true;
        reportFilterAction(ctx, await spool.jobs.retryMatching(filter, { dryRun }), "retried", dryRun);
        return;
      }
      await runBulkAction(ctx, ids, { action: "retry", past: "retried" }, async (list) => {
        const r = await spool.jobs.retry(list);
        return { done: r.ok, skipped: r.refused };
      });
    }),
  );
}
