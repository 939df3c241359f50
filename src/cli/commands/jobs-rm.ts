/** `spool jobs rm ID...` or `spool jobs rm --state cancelled --older-than 7d`: deletes jobs in any state but running. */
import type { Command } from "commander";
import type { CliIO } from "../io.js";
import { registerFilterCommand } from "../job-filter.js";

export function registerJobsRm(jobs: Command, io: CliIO): void {
  registerFilterCommand(jobs, io, {
    name: "rm",
    description:
      "delete jobs (not while running: cancel them first): by id, or every job matching filter options",
    verb: "delete",
    past: "deleted",
    byIds: { action: "remove", past: "removed" },
    matching: (spool, filter, dryRun) => spool.jobs.removeMatching(filter, { dryRun }),
    ids: async (spool, list) => {
      const r = await spool.jobs.remove(list);
      return { done: r.removed, skipped: r.skipped };
    },
  });
}
