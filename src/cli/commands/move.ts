/**
 * `spool move --from URL --to URL [--dry-run] [--batch N] [--queue Q...]`: moves not-started
 * jobs (with their workflows and dependencies), schedules and queue states from one store to
 * another, batch by batch (src/move/, docs/move.md). Resumable: after a crash, run the same
 * command again. `--dry-run` reads the source only and writes nothing anywhere.
 */
import { existsSync } from "node:fs";
import type { Command } from "commander";
import type { Backend } from "../../backend/backend.js";
import { createBackend, redact } from "../../backend/create-backend.js";
import { parseSqliteUrl } from "../../backend/sqlite/url.js";
import { InvalidArgumentError } from "../../core/errors/index.js";
import {
  checkMoveOptions,
  MOVE_BATCH_DEFAULT,
  type MovePlan,
  type MoveReport,
  moveJobs,
  moverIdFor,
  planMove,
} from "../../move/index.js";
import { type CliContext, withContext } from "../context.js";
import type { CliIO } from "../io.js";

interface MoveCliOptions {
  from: string;
  to: string;
  dryRun?: boolean;
  batch?: string;
  queue?: string[];
}

const SCHEMES = new Set(["sqlite", "redis", "rediss", "postgres", "postgresql"]);
/** Progress lines at most this often (stderr). */
const PROGRESS_EVERY_MS = 1_000;

/** A URL's identity for the mover id and the same-store check: SQLite files by absolute path. */
function storeIdentity(url: string, flag: "from" | "to", cwd: string): string {
  const scheme = /^([a-z]+):/i.exec(url)?.[1]?.toLowerCase();
  if (scheme === "memory")
    throw new InvalidArgumentError(
      `--${flag} memory:// lives inside one process: there is nothing to move`,
      flag,
    );
  if (scheme === undefined || !SCHEMES.has(scheme))
    throw new InvalidArgumentError(
      `--${flag} "${redact(url)}" is not a store URL: use sqlite://path/to/file.db, redis://host:port/db or postgres://…`,
      flag,
    );
  if (scheme === "sqlite") return `sqlite://${parseSqliteUrl(url, cwd).file}`;
  return url;
}

function parseBatch(text: string | undefined): number {
  if (text === undefined) return MOVE_BATCH_DEFAULT;
  if (!/^\d+$/.test(text))
    throw new InvalidArgumentError(`--batch must be a whole number, got "${text}"`, "batch");
  const batch = Number(text);
  checkMoveOptions({ batch });
  return batch;
}

function printPlan(ctx: CliContext, plan: MovePlan, from: string, to: string): void {
  const s = plan.settings;
  ctx.out(`dry run: nothing was written. From ${from} to ${to}, a move would carry:`);
  ctx.out(
    `  jobs:      ${plan.total} (waiting ${plan.jobs.waiting}, scheduled ${plan.jobs.scheduled}, queued ${plan.jobs.queued}), ${plan.workflows} workflows`,
  );
  ctx.out(`  schedules: ${s.schedules.length}${s.schedules.length ? ` (${s.schedules.join(", ")})` : ""}`);
  ctx.out(`  queues:    ${s.pausedQueues.length} paused, ${s.limitedQueues.length} with limits`);
  ctx.out(
    `stay in the source: ${plan.running} running, ${plan.staying} waiting on running jobs or in a workflow with one`,
  );
  if (plan.heldByMovers > 0)
    ctx.out(
      `held by an interrupted move: ${plan.heldByMovers} (a real run to the same target finishes them first)`,
    );
}

function printReport(ctx: CliContext, r: MoveReport, from: string, to: string): void {
  ctx.out(
    `moved ${r.moved} jobs from ${from} to ${to} in ${(r.elapsedMs / 1000).toFixed(1)}s (${r.jobsPerSecond} jobs/s, ${r.batches} batches)`,
  );
  if (r.recovered > 0) ctx.out(`  finished ${r.recovered} jobs an interrupted run had taken`);
  ctx.out(
    `  workflows: ${r.workflows} (with ${r.finishedWithWorkflows} finished jobs whose results they need)`,
  );
  const s = r.settings;
  ctx.out(
    `  schedules: ${s.schedules.length} moved${s.schedulesInTarget.length ? `, ${s.schedulesInTarget.length} already in the target (kept there)` : ""}`,
  );
  ctx.out(`  queues:    ${s.pausedQueues.length} paused, ${s.limitedQueues.length} with limits (copied)`);
  if (r.keysDropped.length > 0)
    ctx.out(
      `  ${r.keysDropped.length} jobs moved without their idempotency key (the target had another job with it): see meta.spoolMove`,
    );
  const left = Object.entries(r.left).filter(([, n]) => n > 0);
  ctx.out(`left in the source: ${r.running} running (they finish there)`);
  for (const [reason, n] of left) ctx.out(`  ${n} not started: ${reason}`);
  if (r.running > 0 || left.length > 0)
    ctx.out("  run the same command again once they have finished to move what they held back");
  if (r.heldByOthers > 0) ctx.out(`  ${r.heldByOthers} held by a move to another target (left alone)`);
  ctx.out(
    `verified: ${r.verify.inTarget} of ${r.moved} moved jobs in the target, ${r.verify.stillInSource} still in the source`,
  );
}

export function registerMove(program: Command, io: CliIO): void {
  program
    .command("move")
    .description(
      "move waiting, scheduled and queued jobs, schedules and queue states to another backend (resumable)",
    )
    .requiredOption("--from <url>", "the store to move from")
    .requiredOption("--to <url>", "the store to move to (created or migrated if needed)")
    .option("--dry-run", "report what would move; write nothing")
    .option("--batch <n>", `jobs per batch (default ${MOVE_BATCH_DEFAULT})`)
    .option("--queue <name...>", "only these queues (jobs, schedules and queue states)")
    .action((opts: MoveCliOptions, command: Command) =>
      withContext(command, io, async (ctx) => {
        const cwd = io.cwd ?? process.cwd();
        const fromId = storeIdentity(opts.from, "from", cwd);
        const toId = storeIdentity(opts.to, "to", cwd);
        if (fromId === toId) throw new InvalidArgumentError("--from and --to name the same store", "to");
        const batch = parseBatch(opts.batch);
        if (fromId.startsWith("sqlite://") && !existsSync(fromId.slice("sqlite://".length)))
          throw new InvalidArgumentError(
            `--from: there is no SQLite store at ${fromId.slice("sqlite://".length)}`,
            "from",
          );
        const from = redact(opts.from);
        const to = redact(opts.to);
        const source = await createBackend(fromId);
        let target: Backend | null = null;
        try {
          await source.migrate();
          if (opts.dryRun) {
            const plan = await planMove(source, opts.queue);
            if (ctx.json) ctx.outJson({ dryRun: true, from, to, ...plan });
            else printPlan(ctx, plan, from, to);
            return;
          }
          target = await createBackend(toId);
          await target.migrate();
          let lastNote = 0;
          const report = await moveJobs({
            source,
            target,
            moverId: moverIdFor(toId),
            batch,
            ...(opts.queue ? { queues: opts.queue } : {}),
            onBatch: (p) => {
              if (ctx.json || Date.now() - lastNote < PROGRESS_EVERY_MS) return;
              lastNote = Date.now();
              ctx.note(`moved ${p.moved} jobs (${p.batches} batches)`);
            },
          });
          if (ctx.json) ctx.outJson({ from, to, ...report });
          else printReport(ctx, report, from, to);
          if (!report.verify.ok)
            throw new Error(
              `verification failed: ${report.verify.inTarget} of ${report.moved} moved jobs in the target, ${report.verify.stillInSource} still in the source`,
            );
        } finally {
          await target?.close();
          await source.close();
        }
      }),
    );
}
