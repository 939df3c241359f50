/**
 * `spool stats`: which store it reads (the SQLite file's absolute path: a command run from
 * another directory reads another store), totals per state, the per-queue breakdown, and the
 * workers alive.
 */
import type { Command } from "commander";
import { emptyCounts } from "../../backend/backend.js";
import { formatMs } from "../../core/duration.js";
import { JOB_STATES } from "../../core/types.js";
import { withContext } from "../context.js";
import { table } from "../format/table.js";
import { ago } from "../format/values.js";
import type { CliIO } from "../io.js";
import { queuesTable } from "./queues-ls.js";

export function registerStats(program: Command, io: CliIO): void {
  program
    .command("stats")
    .description("totals per state, per queue, and workers alive")
    .action((_opts: unknown, command: Command) =>
      withContext(command, io, async (ctx) => {
        const spool = await ctx.open({ expectsData: true });
        const [queues, workers] = await Promise.all([spool.queues.list(), spool.workers.list()]);
        const totals = emptyCounts();
        for (const q of queues) for (const s of JOB_STATES) totals[s] += q.counts[s];
        const total = JOB_STATES.reduce((n, s) => n + totals[s], 0);
        if (ctx.json) {
          ctx.outJson({
            backend: ctx.backendLabel,
            store: ctx.sqliteFile ?? ctx.backendLabel,
            totals: { ...totals, total },
            queues,
            workers,
          });
          return;
        }
        const now = spool.clock.now();
        const out: string[] = [`store: ${ctx.storeLabel}`, ""];
        out.push(
          table(
            [...JOB_STATES.map((s) => s.toUpperCase()), "TOTAL"],
            [[...JOB_STATES.map((s) => totals[s]), total]],
          ),
        );
        if (queues.length) out.push(queuesTable(queues, now));
        out.push(`workers alive: ${workers.length}`);
        if (workers.length)
          out.push(
            table(
              ["ID", "HOST", "PID", "QUEUES", "CONCURRENCY", "RUNNING", "UP", "LAST SEEN"],
              workers.map((w) => [
                w.id,
                w.host,
                w.pid,
                w.queues.join(","),
                w.concurrency,
                w.running.length,
                formatMs(Math.max(0, now - w.startedAt)),
                ago(w.lastSeenAt, now),
              ]),
            ),
          );
        ctx.out(out.join("\n"));
      }),
    );
}
