/** `spool queues resume Q`: workers claim from the queue again. */
import type { Command } from "commander";
import { withContext } from "../context.js";
import type { CliIO } from "../io.js";

export function registerQueuesResume(queues: Command, io: CliIO): void {
  queues
    .command("resume")
    .description("let workers claim from a paused queue again")
    .argument("<queue>", "queue name")
    .action((queue: string, _opts: unknown, command: Command) =>
      withContext(command, io, async (ctx) => {
        await (await ctx.open({ expectsData: true })).queues.resume(queue);
        if (ctx.json) ctx.outJson({ queue, paused: false });
        else ctx.out(`resumed queue ${queue}`);
      }),
    );
}
