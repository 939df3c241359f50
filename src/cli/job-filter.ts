/**
 * The filter options of `jobs retry`, `jobs cancel` and `jobs rm` (act on every job matching a filter instead
 * of on listed ids), the run-and-report of such a bulk action, and the command both are.
 */
import type { Command } from "commander";
import type { BulkFilterResult, JobFilter } from "../client/bulk-filter.js";
import type { Spool } from "../client/spool.js";
import { toMs } from "../core/duration.js";
import { InvalidArgumentError } from "../core/errors/index.js";
import { type BulkOutcome, runBulkAction } from "./bulk-action.js";
import { type CliContext, withContext } from "./context.js";
import type { CliIO } from "./io.js";
import { parseStates } from "./parse.js";

export interface FilterOptions {
  state?: string;
  task?: string;
  queue?: string;
  olderThan?: string;
  newerThan?: string;
  search?: string;
  dryRun?: boolean;
  /** `jobs cancel` only. */
  reason?: string;
}

export function addFilterOptions(command: Command, verb: string): Command {
  return command
    .option("--state <states>", `${verb} jobs in these states (comma-separated)`)
    .option("--task <task>", `${verb} jobs of this task`)
    .option("--queue <queue>", `${verb} jobs of this queue`)
    .option("--older-than <duration>", `${verb} jobs created more than this long ago, e.g. 7d`)
    .option("--newer-than <duration>", `${verb} jobs created less than this long ago, e.g. 1h`)
    .option("--search <text>", `${verb} jobs with this text in their id, key, input, result or errors`)
    .option("--dry-run", "only count the matching jobs");
}

/** The filter the options describe, or null when none was given (then ids are expected). */
export function filterFrom(opts: FilterOptions, now: number): JobFilter | null {
  const filter: JobFilter = {};
  if (opts.state !== undefined) filter.state = parseStates(opts.state);
  if (opts.task !== undefined) filter.task = opts.task;
  if (opts.queue !== undefined) filter.queue = opts.queue;
  if (opts.olderThan !== undefined) filter.createdBefore = now - toMs(opts.olderThan, "--older-than");
  if (opts.newerThan !== undefined) filter.createdAfter = now - toMs(opts.newerThan, "--newer-than");
  if (opts.search !== undefined) filter.search = opts.search;
  return Object.keys(filter).length > 0 ? filter : null;
}

/** Ids or a filter, not both, and not neither. */
export function checkIdsOrFilter(ids: string[], filter: JobFilter | null, opts: FilterOptions): void {
  if (ids.length > 0 && filter) {
    throw new InvalidArgumentError("give job ids or filter options (--state, --task …), not both", "ids");
  }
  if (ids.length === 0 && !filter) {
    throw new InvalidArgumentError(
      "give job ids, or filter options: --state, --task, --queue, --older-than, --newer-than, --search",
      "ids",
    );
  }
  if (ids.length > 0 && opts.dryRun) {
    throw new InvalidArgumentError("--dry-run goes with filter options, not with ids", "dry-run");
  }
}

export function reportFilterAction(
  ctx: CliContext,
  out: BulkFilterResult,
  past: string,
  dryRun: boolean,
): void {
  if (ctx.json) {
    ctx.outJson({ ...out, dryRun });
    return;
  }
  const jobs = (n: number) => `${n} job${n === 1 ? "" : "s"}`;
  if (dryRun) {
    ctx.out(`${jobs(out.matched)} match (dry run: nothing changed)`);
    return;
  }
  const skipped = out.skipped > 0 ? `, ${out.skipped} skipped (their state does not allow it)` : "";
  const cascaded = "cascaded" in out && typeof out.cascaded === "number" && out.cascaded > 0;
  const also = cascaded ? `, and ${jobs(out.cascaded as number)} that depend on them` : "";
  ctx.out(`${past} ${jobs(out.affected)} of ${out.matched} matching${skipped}${also}`);
}

/** A `jobs` subcommand that acts on listed ids or on every job matching filter options. */
export interface FilterCommand {
  name: string;
  description: string;
  /** The verb in the filter options' help ("retry" jobs in these states). */
  verb: string;
  /** The filter run's report ("retried" 3 jobs of 4 matching). */
  past: string;
  /** The id run's words (see runBulkAction). */
  byIds: { action: string; past: string };
  matching(spool: Spool, filter: JobFilter, dryRun: boolean, opts: FilterOptions): Promise<BulkFilterResult>;
  ids(spool: Spool, ids: string[], opts: FilterOptions): Promise<BulkOutcome>;
  /** Options of this command beyond the filter ones (`--reason` for cancel). */
  options?: (command: Command) => Command;
}

export function registerFilterCommand(jobs: Command, io: CliIO, spec: FilterCommand): void {
  const command = jobs.command(spec.name).description(spec.description).argument("[ids...]", "job ids");
  addFilterOptions(spec.options ? spec.options(command) : command, spec.verb).action(
    (ids: string[], opts: FilterOptions, command: Command) =>
      withContext(command, io, async (ctx) => {
        const filter = filterFrom(opts, Date.now());
        checkIdsOrFilter(ids, filter, opts);
        const spool = await ctx.open({ expectsData: true });
        if (filter) {
          const dryRun = opts.dryRun === true;
          reportFilterAction(ctx, await spec.matching(spool, filter, dryRun, opts), spec.past, dryRun);
          return;
        }
        await runBulkAction(ctx, ids, spec.byIds, (list) => spec.ids(spool, list, opts));
      }),
  );
}
