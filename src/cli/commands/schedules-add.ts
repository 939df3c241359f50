/**
 * `spool schedules add NAME --cron EXPR --task TASK`: defines (or redefines, by name) a
 * schedule from the command line; the same as `spool.schedule(...)` in code. Needs `--app`
 * for the task's defaults. Prints the next fire times.
 */
import type { Command } from "commander";
import { InvalidArgumentError } from "../../core/errors/index.js";
import type { EnqueueOptions } from "../../core/task.js";
import type { ScheduleOptions } from "../../scheduler/spec.js";
import type { Trigger } from "../../scheduler/triggers.js";
import { withContext } from "../context.js";
import type { CliIO } from "../io.js";
import { parseDuration, parseInteger, parseJsonArgument } from "../parse.js";
import { fireTime, scheduleJson } from "./schedules-ls.js";

interface AddOptions {
  cron?: string;
  tz?: string;
  every?: string;
  at?: string;
  task: string;
  input?: string;
  queue?: string;
  priority?: string;
  misfire?: string;
  grace?: string;
  catchUpMax?: string;
  overlap?: string;
  jitter?: string;
  start?: string;
  end?: string;
  limit?: string;
  paused?: boolean;
}

function trigger(opts: AddOptions): Trigger {
  const given = [opts.cron, opts.every, opts.at].filter((v) => v !== undefined).length;
  if (given !== 1) throw new InvalidArgumentError("give exactly one of --cron, --every or --at", "trigger");
  if (opts.tz !== undefined && opts.cron === undefined)
    throw new InvalidArgumentError("--tz only applies to --cron", "tz");
  if (opts.cron !== undefined)
    return opts.tz === undefined ? { cron: opts.cron } : { cron: opts.cron, tz: opts.tz };
  if (opts.every !== undefined) return { every: parseDuration(opts.every, "every") };
  return { at: opts.at! };
}

export function registerSchedulesAdd(schedules: Command, io: CliIO): void {
  schedules
    .command("add")
    .description(
      "define or redefine a schedule: spool schedules add backup --cron '0 3 * * *' --task maintenance.backup",
    )
    .argument("<name>", "schedule name (an existing one is redefined)")
    .option("--cron <expr>", "cron expression, 5 fields (minute first) or 6 (second first)")
    .option("--tz <zone>", "IANA time zone of --cron (default UTC)")
    .option("--every <duration>", "fixed interval (e.g. 15m), anchored at creation")
    .option("--at <date>", "one date (ISO 8601)")
    .requiredOption("--task <task>", "task to enqueue (defined by --app)")
    .option("--input <json>", "the job's input as JSON (default {})")
    .option("--queue <queue>", "queue (default: the task's)")
    .option("--priority <n>", "priority (default: the task's)")
    .option(
      "--misfire <policy>",
      "skip | once | all: fire times missed while no scheduler ran (default once)",
    )
    .option("--grace <duration>", "a fire later than this is missed (default 1m)")
    .option("--catch-up-max <n>", "with --misfire all: most missed fires enqueued (default 100)")
    .option(
      "--overlap <policy>",
      "allow | skip | queue, while the previous run is unfinished (default allow)",
    )
    .option("--jitter <duration>", "random delay in [0, jitter] added to each job's run time")
    .option("--start <date>", "no fire before this date")
    .option("--end <date>", "no fire after this date")
    .option("--limit <n>", "stop after this many runs")
    .option("--paused", "create the schedule paused")
    .action((name: string, opts: AddOptions, command: Command) =>
      withContext(command, io, async (ctx) => {
        const input = opts.input === undefined ? {} : parseJsonArgument(opts.input, "input");
        const callOptions: EnqueueOptions = {};
        if (opts.queue !== undefined) callOptions.queue = opts.queue;
        if (opts.priority !== undefined) callOptions.priority = parseInteger(opts.priority, "priority");
        const options: ScheduleOptions = {};
        if (opts.misfire !== undefined) options.misfire = opts.misfire as ScheduleOptions["misfire"];
        if (opts.grace !== undefined) options.misfireGrace = parseDuration(opts.grace, "grace");
        if (opts.catchUpMax !== undefined)
          options.catchUpMax = parseInteger(opts.catchUpMax, "catch-up-max", 1);
        if (opts.overlap !== undefined) options.overlap = opts.overlap as ScheduleOptions["overlap"];
        if (opts.jitter !== undefined) options.jitter = parseDuration(opts.jitter, "jitter");
        if (opts.start !== undefined) options.startAt = opts.start;
        if (opts.end !== undefined) options.endAt = opts.end;
        if (opts.limit !== undefined) options.limit = parseInteger(opts.limit, "limit", 1);
        if (opts.paused) options.paused = true;
        const when = trigger(opts);
        // The library logs a failed definition (for apps that never await it); here the
        // command reports it as a typed error, so the log line would only print it twice.
        const spool = await ctx.open({
          requireApp: "spool schedules add",
          logLevel: ctx.verbose ? "debug" : "fatal",
        });
        const info = await spool.schedule(
          name,
          when,
          { task: opts.task, input, options: callOptions },
          options,
        ).ready;
        if (ctx.json) {
          ctx.outJson(scheduleJson(info, 5));
          return;
        }
        ctx.out(`schedule ${name}: ${info.description} → ${info.task}${info.paused ? " (paused)" : ""}`);
        const times = info.nextFireTimes(3);
        ctx.out(
          times.length ? `next: ${times.map((t) => fireTime(info, t)).join(", ")}` : "no fire times left",
        );
      }),
    );
}
