/**
 * `spool jobs cancel ID...` or `spool jobs cancel --queue Q --state queued`: cancels jobs
 * (dependents too); running handlers see their signal abort, wherever they run.
 */
import type { Command } from "commander";
import type { CliIO } from "../io.js";
import { registerFilterCommand } from "../job-filter.js";

export function registerJobsCancel(jobs: Command, io: CliIO): void {
  registerFilterCommand(jobs, io, {
    name: "cancel",
    description:
      "cancel jobs (dependents are cancelled too; a running handler's signal aborts): by id, or every unfinished job matching filter options",
    verb: "cancel",
    past: "cancelled",
    byIds: { action: "cancel", past: "cancelled" },
    options: (command) =>
      command.option(
        "--reason <text>",
        "why: carried by the job:cancelled event (SSE, job.events()); not stored with the job",
      ),
    matching: (spool, filter, dryRun, opts) =>
      spool.jobs.cancelMatching(
        filter,
        opts.reason === undefined ? { dryRun } : { dryRun, reason: opts.reason },
      ),
    ids: async (spool, list, opts) => {
      const r = await spool.jobs.cancel(list, opts.reason);
      return { done: r.cancelled, skipped: r.skipped };
    },
  });
}
