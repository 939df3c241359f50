/**
 * `spool enqueue TASK JSON`: enqueues one job by task name and prints its id. The JSON is
 * parsed before anything is opened, so malformed input (exit 2) writes nothing; the task
 * name is checked against the app's registry before the backend sees the job.
 * `--then TASK[=JSON]` / `--catch TASK[=JSON]` add durable follow-ups (docs/flow-control.md):
 * with `=JSON` that fixed input, without it the parent's result (then) or last error (catch).
 */
import type { Command } from "commander";
import type { EnqueueOptions, JobHandle, NamedFollowUpCall } from "../../core/task.js";
import { type CliContext, withContext } from "../context.js";
import { jsonText, toJsonValue } from "../format/values.js";
import type { CliIO } from "../io.js";
import { parseDuration, parseInteger, parseJsonArgument } from "../parse.js";

interface EnqueueCommandOptions {
  delay?: string;
  priority?: string;
  key?: string;
  queue?: string;
  wait?: boolean;
  timeout?: string;
  then?: string;
  catch?: string;
}

/**
 * `TASK` or `TASK=JSON`. Task names cannot hold "=" (letters, digits and _ . : - /), so the
 * first "=" ends the name whatever the JSON holds.
 */
export function parseFollowUp(value: string, option: "then" | "catch"): NamedFollowUpCall {
  const at = value.indexOf("=");
  if (at < 0) return { task: value };
  return { task: value.slice(0, at), input: parseJsonArgument(value.slice(at + 1), `--${option} input`) };
}

export function registerEnqueue(program: Command, io: CliIO): void {
  program
    .command("enqueue")
    .description('enqueue a job: spool enqueue pdf.render \'{"templateId":"t1"}\'')
    .argument("<task>", "task name (defined by --app)")
    .argument("<json>", "the job's input as JSON")
    .option("--delay <duration>", "run no earlier than this from now (e.g. 10s, 5m)")
    .option("--priority <n>", "higher runs first (default: the task's)")
    .option("--key <key>", "idempotency key: a second enqueue returns the existing job")
    .option("--queue <queue>", "queue (default: the task's)")
    .option(
      "--then <task[=json]>",
      "follow-up enqueued when the job completes (no =json: its result is the input)",
    )
    .option(
      "--catch <task[=json]>",
      "follow-up enqueued when the job fails for good (no =json: its last error)",
    )
    .option("--wait", "wait for the job to finish and print its result")
    .option("--timeout <duration>", "with --wait: give up after this long (exit 1; the job keeps running)")
    .action((task: string, json: string, opts: EnqueueCommandOptions, command: Command) =>
      withContext(command, io, async (ctx) => {
        const input = parseJsonArgument(json, "input");
        const options: EnqueueOptions = {};
        if (opts.delay !== undefined) options.delay = parseDuration(opts.delay, "delay");
        if (opts.priority !== undefined) options.priority = parseInteger(opts.priority, "priority");
        if (opts.key !== undefined) options.key = opts.key;
        if (opts.queue !== undefined) options.queue = opts.queue;
        // biome-ignore lint/suspicious/noThenProperty: the follow-up option the library names `then` (never a function)
        if (opts.then !== undefined) options.then = parseFollowUp(opts.then, "then");
        if (opts.catch !== undefined) options.catch = parseFollowUp(opts.catch, "catch");
        const timeout = opts.timeout === undefined ? undefined : parseDuration(opts.timeout, "timeout");
        const spool = await ctx.open();
        const job = await spool.enqueue(task, input, options);
        if (job.dropped) {
          // Not an error: the task asked for it. No job exists, so there is nothing to print or wait for.
          if (ctx.json) ctx.outJson({ id: job.id, created: false, dropped: true });
          else
            ctx.note(
              `dropped: the job's concurrency group is full (strategy "drop-newest"); nothing was written`,
            );
          return;
        }
        if (!opts.wait) {
          if (ctx.json) ctx.outJson({ id: job.id, created: job.created });
          else {
            ctx.out(job.id, true);
            if (!job.created) ctx.note("note: the idempotency key matched an existing job");
          }
          return;
        }
        if (!ctx.json) ctx.out(job.id, true);
        const watching = new AbortController();
        const progress = ctx.json || ctx.quiet ? null : showProgress(job, ctx, watching.signal);
        let result: unknown;
        try {
          result = await job.result(timeout === undefined ? {} : { timeout });
        } finally {
          watching.abort();
          await progress;
        }
        if (ctx.json)
          ctx.outJson({ id: job.id, created: job.created, state: "completed", result: toJsonValue(result) });
        else ctx.out(jsonText(result), true);
      }),
    );
}

/** While `--wait` waits: retries and progress on stderr, so a long job shows signs of life. */
async function showProgress(job: JobHandle, ctx: CliContext, signal: AbortSignal): Promise<void> {
  try {
    for await (const e of job.events({ signal })) {
      if (e.type === "progress") {
        const d = e.data as { percent?: number; message?: string } | undefined;
        ctx.note(`progress ${d?.percent ?? "?"}%${d?.message ? ` ${d.message}` : ""}`);
      } else if (e.type === "retried") {
        const d = e.data as { error?: { message?: string } } | undefined;
        ctx.note(`attempt failed, will retry${d?.error?.message ? `: ${d.error.message}` : ""}`);
      }
    }
  } catch {
    // Display only: the result wait reports the errors that matter.
  }
}
