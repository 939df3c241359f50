/**
 * `spool jobs show ID`: every field of one job, its decoded input and result, errors with stacks,
 * progress and logs; for a job that spawned children (`ctx.spawn`), its children with their states.
 */
import type { Command } from "commander";
import type { JobChildren } from "../../client/job-children.js";
import { NotFoundError } from "../../core/errors/index.js";
import { spawnMetaOf } from "../../core/spawn.js";
import type { JobInfo } from "../../core/task.js";
import { JOB_STATES, type JobLogLine } from "../../core/types.js";
import { withContext } from "../context.js";
import { table } from "../format/table.js";
import { ago, isoTime, jsonText, toJsonValue } from "../format/values.js";
import type { CliIO } from "../io.js";

const LOG_LIMIT = 200;
/** Children listed in the text view; `--json` lists them all. */
const CHILDREN_SHOWN = 50;

export function registerJobsShow(jobs: Command, io: CliIO): void {
  jobs
    .command("show")
    .description("show one job: fields, input, result, errors with stacks, progress, logs, spawned children")
    .argument("<id>", "job id")
    .action((id: string, _opts: unknown, command: Command) =>
      withContext(command, io, async (ctx) => {
        const spool = await ctx.open({ expectsData: true });
        const job = await spool.jobs.get(id);
        if (!job) throw new NotFoundError("job", id);
        const logs = await (await spool.backend()).jobLogs({ id, limit: LOG_LIMIT });
        // A job that spawned (ctx.spawn) lists its children with their states.
        const children = spawnMetaOf(job.meta) ? await spool.jobs.children(id) : null;
        const spawned = children && {
          round: children.round,
          total: children.total,
          counts: children.counts,
          jobs: children.jobs.map(childRow),
        };
        if (ctx.json)
          ctx.outJson({ ...(toJsonValue(job) as object), logs, ...(spawned ? { children: spawned } : {}) });
        else ctx.out(render(job, logs, spool.clock.now()) + (children ? renderChildren(children) : ""), true);
      }),
    );
}

function render(job: JobInfo, logs: JobLogLine[], now: number): string {
  const when = (at: number | null) => (at === null ? "-" : `${isoTime(at)} (${ago(at, now)})`);
  const fields: [string, string][] = [
    ["id", job.id],
    ["task", job.task],
    ["queue", job.queue],
    ["state", job.state],
    ["priority", String(job.priority)],
    ["attempt", `${job.attempt} of ${job.maxAttempts}`],
    ["key", job.key ?? "-"],
    ["run at", when(job.runAt)],
    ["created", when(job.createdAt)],
    ["started", when(job.startedAt)],
    ["finished", when(job.finishedAt)],
    ["updated", when(job.updatedAt)],
    ["worker", job.workerId ?? "-"],
    ["lease expires", when(job.leaseExpiresAt)],
    ["timeout", job.timeoutMs === null ? "-" : `${job.timeoutMs}ms`],
    ["lease", job.leaseMs === null ? "-" : `${job.leaseMs}ms`],
    [
      "depends on",
      job.dependsOn.length ? `${job.dependsOn.join(", ")} (${job.pendingDependencies} pending)` : "-",
    ],
    [
      "progress",
      job.progress
        ? `${job.progress.percent}%${job.progress.message ? ` ${job.progress.message}` : ""}`
        : "-",
    ],
  ];
  const width = Math.max(...fields.map(([k]) => k.length));
  const out = fields.map(([k, v]) => `${k.padEnd(width)}  ${v}`);
  if (Object.keys(job.meta).length) out.push("", "meta:", indent(jsonText(job.meta)));
  out.push("", "input:", indent(jsonText(job.input)));
  if (job.state === "completed") out.push("", "result:", indent(jsonText(job.result)));
  if (job.errors.length) {
    out.push("", `errors (${job.errors.length}):`);
    for (const e of job.errors) {
      out.push(
        `  attempt ${e.attempt} at ${isoTime(e.at)}: ${e.name}${e.code ? ` [${e.code}]` : ""}: ${e.message}`,
      );
      if (e.stack) out.push(indent(e.stack, 4));
    }
  }
  if (logs.length) {
    out.push("", `logs (${logs.length}):`);
    for (const l of logs) out.push(`  ${isoTime(l.at)}  #${l.attempt}  ${l.level.padEnd(5)}  ${l.message}`);
  }
  return out.join("\n");
}

/** What `--json` keeps of each child (the parent's view; `jobs show <child>` has the rest). */
function childRow(j: JobInfo) {
  return {
    id: j.id,
    task: j.task,
    state: j.state,
    attempt: j.attempt,
    maxAttempts: j.maxAttempts,
    finishedAt: j.finishedAt,
    error: j.errors[j.errors.length - 1]?.message ?? null,
  };
}

function renderChildren(c: JobChildren): string {
  const counts = JOB_STATES.filter((s) => c.counts[s])
    .map((s) => `${c.counts[s]} ${s}`)
    .join(", ");
  const out = ["", `children (${c.total}, spawn round ${c.round}): ${counts || "none left"}`];
  const shown = c.jobs.slice(0, CHILDREN_SHOWN).map((j) => {
    const r = childRow(j);
    return [r.id, r.task, r.state, `${r.attempt}/${r.maxAttempts}`, r.error ?? ""];
  });
  if (shown.length)
    out.push(
      indent(
        table(
          [
            { header: "ID" },
            { header: "TASK" },
            { header: "STATE" },
            { header: "ATTEMPT" },
            { header: "ERROR", max: 60 },
          ],
          shown,
        ).trimEnd(),
      ),
    );
  if (c.total > CHILDREN_SHOWN) out.push(`  … ${c.total - CHILDREN_SHOWN} more (--json lists every child)`);
  return `\n${out.join("\n")}`;
}

function indent(text: string, n = 2): string {
  const pad = " ".repeat(n);
  return text
    .split("\n")
    .map((l) => pad + l)
    .join("\n");
}
