/** `spool jobs show ID`: every field of one job, its decoded input and result, errors with stacks, progress and logs. */
import type { Command } from "commander";
import { NotFoundError } from "../../core/errors/index.js";
import type { JobInfo } from "../../core/task.js";
import type { JobLogLine } from "../../core/types.js";
import { withContext } from "../context.js";
import { ago, isoTime, jsonText, toJsonValue } from "../format/values.js";
import type { CliIO } from "../io.js";

const LOG_LIMIT = 200;

export function registerJobsShow(jobs: Command, io: CliIO): void {
  jobs
    .command("show")
    .description("show one job: fields, input, result, errors with stacks, progress, logs")
    .argument("<id>", "job id")
    .action((id: string, _opts: unknown, command: Command) =>
      withContext(command, io, async (ctx) => {
        const spool = await ctx.open({ expectsData: true });
        const job = await spool.jobs.get(id);
        if (!job) throw new NotFoundError("job", id);
        const logs = await (await spool.backend()).jobLogs({ id, limit: LOG_LIMIT });
        if (ctx.json) ctx.outJson({ ...(toJsonValue(job) as object), logs });
        else ctx.out(render(job, logs, spool.clock.now()), true);
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

function indent(text: string, n = 2): string {
  const pad = " ".repeat(n);
  return text
    .split("\n")
    .map((l) => pad + l)
    .join("\n");
}
