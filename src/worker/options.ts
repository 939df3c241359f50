/**
 * Worker options: the public type, named defaults, and validation into resolved numbers.
 */
import { type Duration, toMs } from "../core/duration.js";
import { InvalidArgumentError } from "../core/errors/index.js";
import { checkOptionKeys, WORKER_OPTION_KEYS } from "../core/option-keys.js";
import { checkIsolate, checkName } from "../core/registry.js";
import { rescueIntervalFor } from "../maintenance/rescuer.js";
import type { RetentionOptions } from "../maintenance/retention.js";
import { type IsolationOptions, type ResolvedIsolation, resolveIsolation } from "./isolation/options.js";

export const CONCURRENCY_DEFAULT = 10;
export const LEASE_DURATION_DEFAULT = "30s";
export const SHUTDOWN_GRACE_DEFAULT = "30s";
/** Fallback poll when no notification arrives; notifications make pick-up immediate. */
export const POLL_INTERVAL_DEFAULT = "1s";

export interface WorkerOptions {
  /**
   * Queues to consume, in order of preference: a claim takes jobs from the first listed queue
   * before it looks at the next (list `["critical", "default"]` to drain `critical` first).
   * Default: every queue the app's tasks use, with equal preference (each claim starts from
   * the next queue in turn, so no queue wins by its name).
   */
  queues?: string[];
  /** Handlers running at once. Default 10. */
  concurrency?: number;
  /**
   * Lease on each running job whose task sets no `lease` of its own. Default "30s". Each
   * lease (this one or the task's) is renewed once a third of it has passed.
   */
  lease?: Duration;
  /** On stop: how long running jobs may take to finish before they are released. Default "30s". */
  shutdownGrace?: Duration;
  /** Fallback poll interval. Default "1s". */
  pollInterval?: Duration;
  /** How often to look for expired leases of dead workers. Default: lease / 3, at most 10s. */
  rescueInterval?: Duration;
  /**
   * Jobs claimed ahead of free slots and held, leased, in a local buffer, so claims come in
   * bigger batches. `"auto"` (default) prefetches while handlers average under 25 ms — about
   * 50 ms of work per slot, between 2 × and 8 × concurrency (at most 1,000) — and nothing
   * otherwise: short jobs gain throughput, long jobs are not hoarded by one worker while
   * another idles. A prefetched job starts after those ahead of it, even
   * if a higher-priority job arrives meanwhile; on shutdown it goes back to `queued` at once.
   */
  prefetch?: number | "auto";
  /** Run retention in this worker. Default true. */
  retention?: RetentionOptions | false;
  /**
   * Run every task's handler in a worker thread or a child process unless the task says
   * otherwise (`isolate` on the task wins, `false` keeps it in-process). See docs/isolation.md.
   */
  isolate?: "thread" | "process";
  /** Pool size, kill grace, recycling and heap limit of isolated children. */
  isolation?: IsolationOptions;
}

export interface ResolvedWorkerOptions {
  queues: string[];
  concurrency: number;
  leaseMs: number;
  graceMs: number;
  pollMs: number;
  rescueMs: number;
  prefetch: number | "auto";
  retention: RetentionOptions | false | undefined;
  isolate: "thread" | "process" | null;
  isolation: ResolvedIsolation;
}

export function resolveWorkerOptions(options: WorkerOptions): ResolvedWorkerOptions {
  checkOptionKeys(options, WORKER_OPTION_KEYS, "worker()");
  const concurrency = options.concurrency ?? CONCURRENCY_DEFAULT;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 10_000) {
    throw new InvalidArgumentError(
      `concurrency must be an integer in 1..10000, got ${concurrency}`,
      "concurrency",
    );
  }
  const leaseMs = toMs(options.lease ?? LEASE_DURATION_DEFAULT, "lease");
  if (leaseMs < 100) throw new InvalidArgumentError("lease must be at least 100ms", "lease");
  return {
    queues: (options.queues ?? []).map((q) => checkName(q, "queue")),
    concurrency,
    leaseMs,
    graceMs: toMs(options.shutdownGrace ?? SHUTDOWN_GRACE_DEFAULT, "shutdownGrace"),
    pollMs: Math.max(10, toMs(options.pollInterval ?? POLL_INTERVAL_DEFAULT, "pollInterval")),
    rescueMs:
      options.rescueInterval === undefined
        ? rescueIntervalFor(leaseMs)
        : toMs(options.rescueInterval, "rescueInterval"),
    prefetch: options.prefetch ?? "auto",
    retention: options.retention,
    isolate: resolveDefaultIsolate(options.isolate),
    isolation: resolveIsolation(options.isolation),
  };
}

function resolveDefaultIsolate(value: unknown): "thread" | "process" | null {
  const mode = checkIsolate(value);
  if (mode === false)
    throw new InvalidArgumentError('worker isolate must be "thread" or "process"', "isolate");
  return mode;
}
