/** `spool jobs rm ID...` or `spool jobs rm --state cancelled --older-than 7d`: deletes jobs in any state but running. */
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

export function registerJobsRm(jobs: Command, io: CliIO): void {
  addFilterOptions(
    jobs
      .command("rm")
      .description(
        "delete jobs (not while running: cancel them first): by id, or every job matching filter options",
      )
      .argument("[ids...]", "job ids"),
    "delete",
  ).action((ids: string[], opts: FilterOptions, command: Command) =>
    withContext(command, io, async (ctx) => {
      const filter = filterFrom(opts, Date.now());
      checkIdsOrFilter(ids, filter, opts);
      const spool = await ctx.open({ expectsData: true });
      if (filter) {
        const dryRun = opts.dryRun === true;
        reportFilterAction(ctx, await spool.jobs.removeMatching(filter, { dryRun }), "deleted", dryRun);
        return;
      }
      await runBulkAction(ctx, ids, { action: "remove", past: "removed" }, async (list) => {
        const r = await spool.jobs.remove(list);
        return { done: r.removed, skipped: r.skipped };
      });
    }),
  );
}
