/** `spool jobs ls`: one page of jobs, newest first, with filters and a cursor for the next page. */
import type { Command } from "commander";
import type { JobListParams } from "../../backend/backend.js";
import { withContext } from "../context.js";
import { table } from "../format/table.js";
import { ago, toJsonValue } from "../format/values.js";
import type { CliIO } from "../io.js";
import { parseInteger, parseStates } from "../parse.js";

interface JobsLsOptions {
  queue?: string;
  state?: string;
  task?: string;
  search?: string;
  limit?: string;
  cursor?: string;
}

export function registerJobsLs(jobs: Command, io: CliIO): void {
  jobs
    .command("ls")
    .description("list jobs, newest first")
    .option("--queue <queue>", "only this queue")
    .option("--state <states>", "only these states (comma-separated), e.g. failed or queued,running")
    .option("--task <task>", "only this task")
    .option("--search <text>", "text in the id, key, input, result or an error message")
    .option("--limit <n>", "page size, 1..1000 (default 50)")
    .option("--cursor <cursor>", "the next page (printed under the previous one)")
    .action((opts: JobsLsOptions, command: Command) =>
      withContext(command, io, async (ctx) => {
        const params: JobListParams = {};
        if (opts.queue !== undefined) params.queue = opts.queue;
        if (opts.state !== undefined) params.state = parseStates(opts.state);
        if (opts.task !== undefined) params.task = opts.task;
        if (opts.search !== undefined) params.search = opts.search;
        if (opts.limit !== undefined) params.limit = parseInteger(opts.limit, "limit", 1, 1000);
        if (opts.cursor !== undefined) params.cursor = opts.cursor;
        const spool = await ctx.open({ expectsData: true });
        const page = await spool.jobs.list(params);
        if (ctx.json) {
          ctx.outJson({ jobs: page.jobs.map((j) => toJsonValue(j)), nextCursor: page.nextCursor });
          return;
        }
        if (ctx.quiet) {
          for (const j of page.jobs) ctx.out(j.id, true);
          return;
        }
        const now = spool.clock.now();
        if (page.jobs.length === 0) {
          // A search may answer an empty page that is not the last (Redis bounds each call's work).
          ctx.out(
            page.nextCursor ? `no jobs on this page; next page: --cursor ${page.nextCursor}` : "no jobs",
          );
          return;
        }
        ctx.out(
          table(
            [
              "ID",
              "TASK",
              "QUEUE",
              "STATE",
              { header: "ATTEMPT", align: "right" },
              "PRIORITY",
              "CREATED",
              "RUN AT / FINISHED",
              { header: "LAST ERROR", max: 60 },
            ],
            page.jobs.map((j) => [
              j.id,
              j.task,
              j.queue,
              j.state,
              `${j.attempt}/${j.maxAttempts}`,
              j.priority,
              ago(j.createdAt, now),
              j.finishedAt !== null
                ? ago(j.finishedAt, now)
                : j.state === "scheduled"
                  ? ago(j.runAt, now)
                  : null,
              j.errors.at(-1)?.message,
            ]),
          ),
        );
        if (page.nextCursor) ctx.out(`next page: --cursor ${page.nextCursor}`);
      }),
    );
}
