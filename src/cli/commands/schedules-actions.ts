/** `spool schedules rm|run|pause|resume NAME`: one call each on `spool.schedules`. */
import type { Command } from "commander";
import { NotFoundError } from "../../core/errors/index.js";
import { withContext } from "../context.js";
import type { CliIO } from "../io.js";

export function registerSchedulesActions(schedules: Command, io: CliIO): void {
  schedules
    .command("rm")
    .description("remove a schedule (jobs it already enqueued stay)")
    .argument("<name>", "schedule name")
    .action((name: string, _opts: unknown, command: Command) =>
      withContext(command, io, async (ctx) => {
        const removed = await (await ctx.open({ expectsData: !ctx.app })).schedules.remove(name);
        if (!removed) throw new NotFoundError("schedule", name);
        if (ctx.json) ctx.outJson({ name, removed: true });
        else ctx.out(`removed schedule ${name}`);
      }),
    );
  schedules
    .command("run")
    .description("enqueue a schedule's job now (its fire times stay as they are)")
    .argument("<name>", "schedule name")
    .action((name: string, _opts: unknown, command: Command) =>
      withContext(command, io, async (ctx) => {
        const id = await (await ctx.open({ expectsData: !ctx.app })).schedules.run(name);
        if (ctx.json) ctx.outJson({ name, jobId: id });
        else if (ctx.quiet) ctx.out(id, true);
        else ctx.out(`enqueued ${id} for schedule ${name}`);
      }),
    );
  for (const [verb, describe] of [
    ["pause", "stop a schedule firing (until resumed)"],
    ["resume", "let a paused schedule fire again, from its next fire time after now"],
  ] as const) {
    schedules
      .command(verb)
      .description(describe)
      .argument("<name>", "schedule name")
      .action((name: string, _opts: unknown, command: Command) =>
        withContext(command, io, async (ctx) => {
          const spool = await ctx.open({ expectsData: !ctx.app });
          await spool.schedules[verb](name);
          if (ctx.json) ctx.outJson({ name, paused: verb === "pause" });
          else ctx.out(`${verb === "pause" ? "paused" : "resumed"} schedule ${name}`);
        }),
      );
  }
}
