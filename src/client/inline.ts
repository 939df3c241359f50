/**
 * Inline test mode (`createSpool({ backend: "inline" })`), spool's twin of Celery's eager
 * mode and Oban's inline engine: `enqueue` runs the job (and any dependents it releases)
 * before it resolves, on an in-process memory backend, through the same `execute` the
 * worker uses, so retries, `NonRetriableError`, timeouts and result serialization behave
 * as in production. Differences, on purpose: delays and retry backoff are not waited for
 * (tests must not sleep), and a failing job does not make `enqueue` throw — read it with
 * `job.result()`, which throws `JobFailedError` like it would against a real worker.
 */
import type { Logger } from "pino";
import type { Backend } from "../backend/backend.js";
import type { Clock } from "../core/clock.js";
import type { TaskRegistry } from "../core/registry.js";
import { execute } from "../worker/execute.js";
import { createTaskLogger } from "../worker/task-logger.js";

const INLINE_LEASE_MS = 24 * 3_600_000;
const INLINE_ROUNDS_MAX = 100_000;

export interface InlineDeps {
  registry: TaskRegistry;
  clock: Clock;
  logger: Logger;
  payloadLimit: number;
  backend: () => Promise<Backend>;
}

export class InlineRunner {
  private draining: Promise<void> | null = null;

  constructor(private readonly deps: InlineDeps) {}

  /** Runs every ready job until none is left. Re-entrant calls (a handler that enqueues) join the running drain. */
  drain(): Promise<void> {
    if (this.draining) return Promise.resolve();
    this.draining = this.run().finally(() => {
      this.draining = null;
    });
    return this.draining;
  }

  private async run(): Promise<void> {
    const backend = await this.deps.backend();
    for (let round = 0; round < INLINE_ROUNDS_MAX; round++) {
      const queues = (await backend.queueList())
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
      if (!job) return;
      const execution = execute(this.deps.registry.find(job.task), job, new AbortController(), {
        backend,
        clock: this.deps.clock,
        payloadLimit: this.deps.payloadLimit,
        taskLogger: (j) => createTaskLogger(j, backend, this.deps.clock, this.deps.logger),
      });
      const outcome = await execution.outcome;
      await execution.settled;
      if (outcome.kind === "completed") {
        await backend.jobComplete({ jobs: [{ id: job.id, token: job.leaseToken, result: outcome.result }] });
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
