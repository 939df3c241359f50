/** `spool queues pause Q`: workers stop claiming from the queue (running jobs finish). */
import type { Command } from "commander";
import { withContext } from "../context.js";
import type { CliIO } from "../io.js";

export function registerQueuesPause(queues: Command, io: CliIO): void {
  queues
    .command("pause")
    .description("stop workers claiming from a queue (running jobs finish; enqueue still works)")
    .argument("<queue>", "queue name")
    .action((queue: string, _opts: unknown, command: Command) =>
      withContext(command, io, async (ctx) => {
        await (await ctx.open()).queues.pause(queue);
        if (ctx.json) ctx.outJson({ queue, paused: true });
        else ctx.out(`paused queue ${queue}`);
      }),
    );
}
