/** `spool jobs retry ID...` or `spool jobs retry --state failed --task T`: runs failed or cancelled jobs again. */
import type { Command } from "commander";
import type { CliIO } from "../io.js";
import { registerFilterCommand } from "../job-filter.js";

export function registerJobsRetry(jobs: Command, io: CliIO): void {
  registerFilterCommand(jobs, io, {
    name: "retry",
    description:
      "run failed or cancelled jobs again (attempts start over): by id, or every job matching filter options",
    verb: "retry",
    past: "retried",
    byIds: { action: "retry", past: "retried" },
    matching: (spool, filter, dryRun) => spool.jobs.retryMatching(filter, { dryRun }),
    ids: async (spool, list) => {
      const r = await spool.jobs.retry(list);
      return { done: r.ok, skipped: r.refused };
    },
  });
}
