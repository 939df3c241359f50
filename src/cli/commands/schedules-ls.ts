/**
 * `spool schedules ls`: every schedule with its trigger, state and next fire times (in the
 * schedule's own time zone for cron triggers), as a table or `--json`.
 */
import type { Command } from "commander";
import type { ScheduleInfo } from "../../scheduler/client.js";
import { withContext } from "../context.js";
import { table } from "../format/table.js";
import { ago } from "../format/values.js";
import type { CliIO } from "../io.js";
import { parseInteger } from "../parse.js";

export function scheduleState(s: ScheduleInfo): "active" | "paused" | "done" {
  return s.paused ? "paused" : s.nextFireAt === null ? "done" : "active";
}

/** "2026-01-02 03:00:00 CET" in the schedule's zone (cron) or UTC (every, at). */
export function fireTime(s: ScheduleInfo, at: number | null): string {
  if (at === null) return "-";
  const timeZone = "cron" in s.trigger ? s.trigger.tz : "UTC";
  const p: Record<string, string> = {};
  for (const part of zoneFormat(timeZone).formatToParts(new Date(at))) p[part.type] = part.value;
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second} ${p.timeZoneName}`;
}

const formats = new Map<string, Intl.DateTimeFormat>();
function zoneFormat(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      timeZoneName: "short",
    });
    formats.set(timeZone, f);
  }
  return f;
}

export function schedulesTable(list: readonly ScheduleInfo[], now: number): string {
  return table(
    ["NAME", "TRIGGER", "TASK", "STATE", "NEXT FIRE", "IN", "LAST FIRE", "RUNS"],
    list.map((s) => {
      const next = s.nextFireTimes(1)[0] ?? null;
      return [
        s.name,
        s.description,
        s.task,
        scheduleState(s),
        fireTime(s, next),
        next === null ? null : ago(next, now),
        fireTime(s, s.lastFireAt),
        s.runs,
      ];
    }),
  );
}

export function scheduleJson(s: ScheduleInfo, next: number) {
  const { nextFireTimes, ...rest } = s;
  return {
    ...rest,
    state: scheduleState(s),
    nextFireTimes: nextFireTimes(next).map((t) => new Date(t).toISOString()),
  };
}

export function registerSchedulesLs(schedules: Command, io: CliIO): void {
  schedules
    .command("ls")
    .description("schedules with their trigger, state and next fire times")
    .option("--next <n>", "also list the next n fire times of each schedule (default 1; --json: 5)")
    .action((opts: { next?: string }, command: Command) =>
      withContext(command, io, async (ctx) => {
        const next = opts.next === undefined ? undefined : parseInteger(opts.next, "next", 1, 1000);
        // With --app the app's own definitions fill a new store: nothing to warn about.
        const spool = await ctx.open({ expectsData: !ctx.app });
        const list = await spool.schedules.list();
        const now = spool.clock.now();
        if (ctx.json) {
          ctx.outJson(list.map((s) => scheduleJson(s, next ?? 5)));
          return;
        }
        if (ctx.quiet) {
          for (const s of list) ctx.out(s.name, true);
          return;
        }
        if (list.length === 0) {
          ctx.out("no schedules");
          return;
        }
        ctx.out(schedulesTable(list, now));
        if (next !== undefined && next > 1) {
          for (const s of list) {
            const times = s.nextFireTimes(next);
            ctx.out(`\n${s.name} (${s.description}): next ${times.length}`);
            for (const t of times) ctx.out(`  ${fireTime(s, t)}  (${ago(t, now)})`);
          }
        }
      }),
    );
}
