/**
 * `spool jobs promote ID...`, `spool jobs priority N ID...`, `spool jobs set-input ID JSON`:
 * act on jobs that have not started; a job that runs or is final is refused (exit 1).
 */
import type { Command } from "commander";
import { runBulkAction } from "../bulk-action.js";
import { withContext } from "../context.js";
import type { CliIO } from "../io.js";
import { parseInteger, parseJsonArgument } from "../parse.js";

export function registerJobsEdit(jobs: Command, io: CliIO): void {
  jobs
    .command("promote")
    .description("run scheduled (delayed) jobs now")
    .argument("<ids...>", "job ids")
    .action((ids: string[], _opts: unknown, command: Command) =>
      withContext(command, io, async (ctx) => {
        const spool = await ctx.open({ expectsData: true });
        await runBulkAction(ctx, ids, { action: "promote", past: "promoted" }, async (list) => {
          const r = await spool.jobs.promote(list);
          return { done: r.ok, skipped: r.refused };
        });
      }),
    );

  jobs
    .command("priority")
    .description("change the priority of jobs that have not started (higher runs first)")
    .argument("<priority>", "integer in -1000000..1000000")
    .argument("<ids...>", "job ids")
    .action((priority: string, ids: string[], _opts: unknown, command: Command) =>
      withContext(command, io, async (ctx) => {
        const value = parseInteger(priority, "priority", -1_000_000, 1_000_000);
        const spool = await ctx.open({ expectsData: true });
        await runBulkAction(ctx, ids, { action: "change the priority of", past: "updated" }, async (list) => {
          const r = await spool.jobs.setPriority(list, value);
          return { done: r.ok, skipped: r.refused };
        });
      }),
    );

  jobs
    .command("set-input")
    .description("replace the input of a job that has not started (checked by the task's schema with --app)")
    .argument("<id>", "job id")
    .argument("<json>", "the new input as JSON")
    .action((id: string, json: string, _opts: unknown, command: Command) =>
      withContext(command, io, async (ctx) => {
        const input = parseJsonArgument(json, "json");
        const spool = await ctx.open({ expectsData: true });
        await runBulkAction(ctx, [id], { action: "change the input of", past: "updated" }, async () => {
          const r = await spool.jobs.updateInput(id, input);
          return { done: r.ok, skipped: r.refused };
        });
      }),
    );
}
