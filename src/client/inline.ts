/**
 * Inline test mode (`createSpool({ backend: "inline" })`), spool's twin of Celery's eager
 * mode and Oban's inline engine: `enqueue` runs the job (and any dependents it releases)
 * before it resolves, on an in-process memory backend, through the same `execute` the
 * worker uses, so retries, `NonRetriableError`, timeouts and result serialization behave
 * as in production. Differences, on purpose: delays and retry backoff are not waited for
 * (tests must not sleep), and a failing job does not make `enqueue` throw — read it with
 * `job.result()`, which throws `JobFailedError` like it would against a real worker.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { Logger } from "pino";
import type { Backend } from "../backend/backend.js";
import type { Clock } from "../core/clock.js";
import type { TaskRegistry } from "../core/registry.js";
import { execute, type InputResolver, type SpawnSupport } from "../worker/execute.js";
import { JobControl } from "../worker/job-control.js";
import { createTaskLogger } from "../worker/task-logger.js";

const INLINE_LEASE_MS = 24 * 3_600_000;
/** Set while a handler runs, so an enqueue from inside it is told apart from a concurrent caller's. */
const insideHandler = new AsyncLocalStorage<true>();
const INLINE_ROUNDS_MAX = 100_000;

export interface InlineDeps {
  registry: TaskRegistry;
  clock: Clock;
  logger: Logger;
  payloadLimit: number;
  backend: () => Promise<Backend>;
  /** Run-time inputs of workflow jobs (required: without it a flow's jobs would run on no input). */
  resolveInput: InputResolver;
  /** `ctx.spawn`: the children run in the same drain, then the parent resumes. */
  spawn?: SpawnSupport;
}

export class InlineRunner {
  private draining: Promise<void> | null = null;

  constructor(private readonly deps: InlineDeps) {}

  /**
   * Runs every ready job until none is left. A handler that enqueues joins the running drain
   * (its job runs right after; waiting for the drain would deadlock). Any other caller, e.g. a
   * second `enqueue` running concurrently, waits for the drain and then drains again, so its
   * job has run when its `enqueue` resolves.
   */
  drain(): Promise<void> {
    if (this.draining) {
      if (insideHandler.getStore()) return Promise.resolve();
      return this.draining.then(() => this.drain());
    }
    this.draining = this.run().finally(() => {
      this.draining = null;
    });
    return this.draining;
  }

  private async run(): Promise<void> {
    const backend = await this.deps.backend();
    // The queues to claim from are listed once and reused while claims find jobs (a claim skips
    // paused and empty queues itself); only a claim that finds nothing lists them again, in case
    // jobs went to a queue not seen yet. Listing per job made a drain quadratic in the jobs
    // retained (queueList counts them all).
    let queues: string[] | null = null;
    for (let round = 0; round < INLINE_ROUNDS_MAX; round++) {
      const fresh = queues === null;
      queues ??= (await backend.queueList())
        .filter((q) => q.counts.queued > 0 && !q.paused)
        .map((q) => q.name);
      if (queues.length === 0) return;
      const { jobs } = await backend.jobClaim({
        queues,
        limit: 1,
        workerId: "inline",
        leaseMs: INLINE_LEASE_MS,
      });
      const job = jobs[0];
      if (!job) {
        if (fresh) return;
        queues = null;
        continue;
      }
      const execution = insideHandler.run(true, () =>
        execute(this.deps.registry.find(job.task), job, new JobControl(), {
          backend,
          clock: this.deps.clock,
          payloadLimit: this.deps.payloadLimit,
          taskLogger: (j) => createTaskLogger(j, backend, this.deps.clock, this.deps.logger),
          resolveInput: this.deps.resolveInput,
          ...(this.deps.spawn ? { spawn: this.deps.spawn } : {}),
        }),
      );
      const outcome = await execution.outcome;
      await execution.settled;
      if (outcome.kind === "completed") {
        await backend.jobComplete({ jobs: [{ id: job.id, token: job.leaseToken, result: outcome.result }] });
      } else if (outcome.kind === "backoff") {
        // Inline runs have no other workers to hold back; the job waits for its runAt.
        await backend.jobBackoff({ jobs: [{ id: job.id, token: job.leaseToken, runAt: outcome.runAt }] });
      } else if (outcome.kind === "spawn") {
        const { children, policy, meta } = outcome;
        await backend.jobSpawn({ id: job.id, token: job.leaseToken, children, policy, meta });
        queues = null; // the children may use queues not listed yet
      } else if (outcome.kind === "failed") {
        // Retry now instead of after the backoff: same attempts, no waiting.
        const retryAt = outcome.retryAt === null ? null : this.deps.clock.now();
        await backend.jobFail({
          jobs: [{ id: job.id, token: job.leaseToken, error: outcome.error, retryAt }],
        });
      }
    }
  }
}
