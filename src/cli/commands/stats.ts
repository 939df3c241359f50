/**
 * `spool stats`: which store it reads (the SQLite file's absolute path: a command run from
 * another directory reads another store), totals per state, the per-queue breakdown, and the
 * workers alive.
 *
 * `--watch` refreshes it every `--interval` (default 2s) until Ctrl-C, like `rq info
 * --interval`: on a terminal the screen is redrawn in place; otherwise (and with `--json`, one
 * JSON document per line) each refresh is appended, so a pipe or a log keeps every sample.
 * Each refresh is one `queueList` and one `workerList` call: counters, not scans.
 */
import type { Command } from "commander";
import { emptyCounts } from "../../backend/backend.js";
import type { Spool } from "../../client/spool.js";
import { formatMs, toMs } from "../../core/duration.js";
import { JOB_STATES } from "../../core/types.js";
import { type CliContext, withContext } from "../context.js";
import { table } from "../format/table.js";
import { ago, jsonText } from "../format/values.js";
import type { CliIO } from "../io.js";
import { parseDuration } from "../parse.js";
import { withSignals } from "../signals.js";
import { queuesTable } from "./queues-ls.js";

/** How often `--watch` refreshes unless `--interval` says otherwise. */
export const WATCH_INTERVAL_DEFAULT = "2s";
/** Clears a terminal and moves the cursor home (ANSI), so a refresh redraws in place. */
const CLEAR_SCREEN = "\x1b[2J\x1b[H";

interface StatsOptions {
  watch?: boolean;
  interval?: string;
}

async function sample(ctx: CliContext, spool: Spool) {
  const [queues, workers] = await Promise.all([spool.queues.list(), spool.workers.list()]);
  const totals = emptyCounts();
  for (const q of queues) for (const s of JOB_STATES) totals[s] += q.counts[s];
  const total = JOB_STATES.reduce((n, s) => n + totals[s], 0);
  return {
    backend: ctx.backendLabel,
    store: ctx.sqliteFile ?? ctx.backendLabel,
    at: spool.clock.now(),
    totals: { ...totals, total },
    queues,
    workers,
  };
}

function render(ctx: CliContext, s: Awaited<ReturnType<typeof sample>>): string {
  const now = s.at;
  const out: string[] = [`store: ${ctx.storeLabel}`, ""];
  out.push(
    table(
      [...JOB_STATES.map((st) => st.toUpperCase()), "TOTAL"],
      [[...JOB_STATES.map((st) => s.totals[st]), s.totals.total]],
    ),
  );
  if (s.queues.length) out.push(queuesTable(s.queues, now));
  out.push(`workers alive: ${s.workers.length}`);
  if (s.workers.length)
    out.push(
      table(
        ["ID", "HOST", "PID", "QUEUES", "CONCURRENCY", "RUNNING", "UP", "LAST SEEN"],
        s.workers.map((w) => [
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
  return out.join("\n");
}

export function registerStats(program: Command, io: CliIO): void {
  program
    .command("stats")
    .description("the store it reads, totals per state, per queue, and workers alive")
    .option("-w, --watch", "refresh until Ctrl-C")
    .option(
      "--interval <duration>",
      `with --watch: time between refreshes (default ${WATCH_INTERVAL_DEFAULT})`,
    )
    .action((opts: StatsOptions, command: Command) =>
      withContext(command, io, async (ctx) => {
        const intervalMs = toMs(
          opts.interval === undefined ? WATCH_INTERVAL_DEFAULT : parseDuration(opts.interval, "interval"),
          "interval",
        );
        const spool = await ctx.open({ expectsData: true });
        const show = async () => {
          const s = await sample(ctx, spool);
          // --watch --json: one line per sample (NDJSON), so a reader can split on newlines.
          if (ctx.json) ctx.out(opts.watch ? jsonText(s, 0) : jsonText(s), true);
          else {
            const text = render(ctx, s);
            ctx.out(opts.watch && io.stdout.isTTY ? `${CLEAR_SCREEN}${text}` : text, true);
          }
        };
        if (!opts.watch) return show();
        await withSignals(io, spool.logger, async (stopRequested) => {
          const stop = new AbortController();
          void stopRequested.then(() => stop.abort());
          while (!stop.signal.aborted) {
            await show();
            if (!io.stdout.isTTY && !ctx.json) ctx.out("", true);
            await spool.clock.sleep(intervalMs, stop.signal); // on the spool's clock; a stop ends it
          }
        });
      }),
    );
}
