/**
 * `spool queues limit Q [--concurrency N|none] [--rate N/DURATION|none] [--burst N]`: sets or
 * removes a queue's concurrency cap and rate limit in the store; every worker obeys the new
 * numbers from its next claim. Options not given stay as they are; with none, prints the
 * queue's current limits.
 */
import type { Command } from "commander";
import { InvalidArgumentError } from "../../core/errors/index.js";
import type { QueueLimitOptions } from "../../core/flow.js";
import { withContext } from "../context.js";
import { formatLimits } from "../format/limits.js";
import type { CliIO } from "../io.js";

function parseConcurrency(text: string): number | null {
  if (text === "none") return null;
  if (!/^\d+$/.test(text))
    throw new InvalidArgumentError(
      `--concurrency must be a whole number >= 1 or "none", got "${text}"`,
      "concurrency",
    );
  return Number(text);
}

function parseRate(text: string, burst: string | undefined): QueueLimitOptions["rateLimit"] {
  if (text === "none") {
    if (burst !== undefined) throw new InvalidArgumentError("--burst needs a --rate", "burst");
    return null;
  }
  const m = /^(\d+)\/(.+)$/.exec(text);
  if (!m)
    throw new InvalidArgumentError(
      `--rate must look like 50/1s (starts per duration) or "none", got "${text}"`,
      "rate",
    );
  if (burst !== undefined && !/^\d+$/.test(burst))
    throw new InvalidArgumentError(`--burst must be a whole number >= 0, got "${burst}"`, "burst");
  return { limit: Number(m[1]), per: m[2]!, burst: burst === undefined ? 0 : Number(burst) };
}

export function registerQueuesLimit(queues: Command, io: CliIO): void {
  queues
    .command("limit")
    .description(
      "set or remove a queue's concurrency cap and rate limit (all workers, from their next claim)",
    )
    .argument("<queue>", "queue name")
    .option("--concurrency <n>", 'most jobs of the queue running at once across all workers, or "none"')
    .option("--rate <n/duration>", 'at most n starts per duration, e.g. 50/1s or 100/1m, or "none"')
    .option("--burst <n>", "extra starts allowed at once after an idle period (with --rate; default 0)")
    .action(
      (queue: string, opts: { concurrency?: string; rate?: string; burst?: string }, command: Command) =>
        withContext(command, io, async (ctx) => {
          const spool = await ctx.open({ expectsData: false });
          const limits: QueueLimitOptions = {};
          if (opts.concurrency !== undefined) limits.concurrency = parseConcurrency(opts.concurrency);
          if (opts.rate !== undefined) limits.rateLimit = parseRate(opts.rate, opts.burst);
          else if (opts.burst !== undefined)
            throw new InvalidArgumentError("--burst needs a --rate", "burst");
          if (Object.keys(limits).length > 0) await spool.queues.limit(queue, limits);
          const info = (await spool.queues.list()).find((q) => q.name === queue);
          const current = info?.limits ?? { concurrency: null, rateLimit: null };
          if (ctx.json) ctx.outJson({ queue, limits: current });
          else ctx.out(`queue ${queue}: ${formatLimits(current)}`);
        }),
    );
}
