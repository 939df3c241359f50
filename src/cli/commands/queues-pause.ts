/**
 * `spool queues pause Q`: workers stop claiming from the queue (running jobs finish).
 *
 * A queue exists once a job or a pause names it, so a typo would create a paused phantom
 * queue and leave the real one running. The queue must be known: it has jobs or a paused
 * flag in the store, or (with `--app`) one of the app's tasks uses it. `--create` pauses a
 * queue ahead of its first job.
 */
import type { Command } from "commander";
import { InvalidArgumentError } from "../../core/errors/index.js";
import { withContext } from "../context.js";
import type { CliIO } from "../io.js";

export function registerQueuesPause(queues: Command, io: CliIO): void {
  queues
    .command("pause")
    .description("stop workers claiming from a queue (running jobs finish; enqueue still works)")
    .argument("<queue>", "queue name")
    .option("--create", "pause a queue that has no jobs yet (otherwise an unknown queue is refused)")
    .action((queue: string, opts: { create?: boolean }, command: Command) =>
      withContext(command, io, async (ctx) => {
        const spool = await ctx.open({ expectsData: !opts.create });
        if (!opts.create) {
          const known = new Set([
            ...(await spool.queues.list()).map((q) => q.name),
            ...spool.registry.queues(),
          ]);
          if (!known.has(queue)) {
            const list = [...known].sort();
            throw new InvalidArgumentError(
              `unknown queue "${queue}" in ${ctx.storeLabel}` +
                (list.length ? ` (known: ${list.join(", ")})` : " (it has no queues yet)") +
                "; pass --create to pause a queue before its first job",
              "queue",
            );
          }
        }
        await spool.queues.pause(queue);
        if (ctx.json) ctx.outJson({ queue, paused: true });
        else ctx.out(`paused queue ${queue}`);
      }),
    );
}
