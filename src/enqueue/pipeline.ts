/**
 * The one enqueue pipeline, under every producer (the facade's enqueue and enqueueMany,
 * workflow compilation, schedule fires):
 *
 * ```
 *   validate (task schema) -> build (NewJob: defaults, limits) -> stamp trace -> backend write
 *   `prepareJobs`                         `runPipeline` around it all
 * ```
 *
 * `prepareJobs` runs the first two steps for a batch of calls (nothing is written when one
 * fails, and the error says which call); `runPipeline` wraps build and write in one producer
 * span and stamps its trace context into every job, so a consumer span links to its
 * producer whether the job came from `enqueue`, a workflow or a schedule.
 */
import type { NewJob } from "../backend/backend.js";
import { isSpoolError } from "../core/errors/index.js";
import type { RegisteredTask, TaskRegistry } from "../core/registry.js";
import type { EnqueueOptions } from "../core/task.js";
import { startEnqueueSpan } from "../telemetry/tracing.js";
import { acceptInput, buildJob } from "./build-job.js";
import { buildFollowUps } from "./follow-ups.js";

export interface EnqueueCall {
  task: string;
  input: unknown;
  options?: EnqueueOptions | undefined;
  /** A pre-chosen id (workflow nodes reference each other by id). */
  id?: string;
  /** The input is filled in at run time (a piped workflow node): no schema check now. */
  deferredInput?: boolean;
}

export interface PrepareDeps {
  registry: TaskRegistry;
  now: number;
  payloadLimit: number;
}

/** Validate and build: one `NewJob` per call, in order. Throws the first call's error (with `details.index` in a batch). */
export async function prepareJobs(calls: readonly EnqueueCall[], deps: PrepareDeps): Promise<NewJob[]> {
  const jobs: NewJob[] = [];
  let task: RegisteredTask | undefined;
  for (const [index, call] of calls.entries()) {
    try {
      // A batch is usually all one task: look it up again only when the name changes.
      if (task === undefined || task.name !== call.task) task = deps.registry.get(call.task);
      let input = call.input;
      if (task.schema && !call.deferredInput) {
        // Wait only for a schema that is async: most answer at once (see `acceptInput`).
        const verdict = task.schema["~standard"].validate(call.input);
        input = acceptInput(task, verdict instanceof Promise ? await verdict : verdict);
      }
      const job = buildJob(
        task,
        input,
        call.options,
        deps.now,
        deps.payloadLimit,
        call.id,
        true,
        call.deferredInput === true,
      );
      const followUps = await buildFollowUps(call.options, job.id, deps);
      if (followUps) job.followUps = followUps;
      jobs.push(job);
    } catch (error) {
      // In a batch, say which call was bad (`details.index`, 0-based); nothing is written.
      if (calls.length > 1 && isSpoolError(error))
        (error as { details: Record<string, unknown> | undefined }).details = { ...error.details, index };
      throw error;
    }
  }
  return jobs;
}

/**
 * Runs the pipeline around one write: opens one producer span (named after the calls' tasks),
 * runs `build` (usually `prepareJobs`), stamps the span's trace context into every job, runs
 * `write`, and ends the span with the ids written, or with the error of whichever step threw
 * (a refused enqueue shows as a failed producer span).
 */
export async function runPipeline<R>(
  calls: ReadonlyArray<{ task: string }>,
  steps: {
    build: () => Promise<NewJob[]>;
    write: (jobs: NewJob[]) => Promise<{ result: R; ids: string[] }>;
  },
): Promise<R> {
  const span = startEnqueueSpan(calls);
  try {
    const jobs = await steps.build();
    for (const job of jobs) span.stamp(job);
    const { result, ids } = await steps.write(jobs);
    span.end({ ids });
    return result;
  } catch (error) {
    span.end({ error });
    throw error;
  }
}
