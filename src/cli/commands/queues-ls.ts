/**
 * `spool queues ls`: jobs per state in each queue, the paused flag, the oldest queued job's age,
 * how many queued jobs wait on a limit now (and which limits hold them, in a second table) and
 * the queue's limits (`spool queues limit`).
 */
import type { Command } from "commander";
import type { QueueInfo } from "../../backend/backend.js";
import { JOB_STATES } from "../../core/types.js";
import { withContext } from "../context.js";
import { formatLimits } from "../format/limits.js";
import { table } from "../format/table.js";
import { ago } from "../format/values.js";
import type { CliIO } from "../io.js";

export function queuesTable(queues: readonly QueueInfo[], now: number): string {
  return table(
    ["QUEUE", "PAUSED", ...JOB_STATES.map((s) => s.toUpperCase()), "OLDEST QUEUED", "ON LIMIT", "LIMITS"],
    queues.map((q) => [
      q.name,
      q.paused ? "yes" : "no",
      ...JOB_STATES.map((s) => q.counts[s]),
      q.oldestQueuedAt === null ? null : ago(q.oldestQueuedAt, now),
      q.waitingOnLimit,
      formatLimits(q.limits, "-"),
    ]),
  );
}

/** The limits that hold queued jobs back now, per queue (empty string when none do). */
export function limitWaitsTable(queues: readonly QueueInfo[]): string {
  const rows = queues.flatMap((q) =>
    q.limitWaits.map((w) => [q.name, w.scope, w.task ?? "-", w.key ?? "-", w.reason, w.waiting]),
  );
  return rows.length === 0
    ? ""
    : table(
        [
          { header: "QUEUE" },
          { header: "LIMIT" },
          { header: "TASK" },
          { header: "KEY", max: 40 },
          { header: "REASON" },
          { header: "WAITING", align: "right" },
        ],
        rows,
      );
}

export function registerQueuesLs(queues: Command, io: CliIO): void {
  queues
    .command("ls")
    .description(
      "jobs per state in each queue, paused flag, age of the oldest queued job, jobs waiting on a limit",
    )
    .action((_opts: unknown, command: Command) =>
      withContext(command, io, async (ctx) => {
        const spool = await ctx.open({ expectsData: true });
        const list = await spool.queues.list();
        const now = spool.clock.now();
        if (ctx.json) {
          ctx.outJson(
            list.map((q) => ({
              ...q,
              oldestQueuedAgeMs: q.oldestQueuedAt === null ? null : Math.max(0, now - q.oldestQueuedAt),
            })),
          );
        } else if (ctx.quiet) {
          for (const q of list) ctx.out(q.name, true);
        } else {
          ctx.out(list.length ? queuesTable(list, now) : "no queues");
          const waits = limitWaitsTable(list);
          if (waits) ctx.out(`\nwaiting on a limit now:\n${waits}`);
        }
      }),
    );
}
