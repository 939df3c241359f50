/** Small builders and waiters shared by the topic files. */
import { expect } from "vitest";
import type { Backend, BackendEvent, NewJob } from "../../../src/backend/backend.js";
import type { Clock } from "../../../src/core/clock.js";
import { newJobId } from "../../../src/core/ids.js";
import type { JobErrorRecord, JobRecord, JobState, LeasedJob } from "../../../src/core/types.js";

export const TASK = "test.task";
export const QUEUE = "default";
export const LEASE_MS = 30_000;
export const WORKER = "worker-1";
/** Upper bound for a change-feed event to arrive; cross-process feeds (file watch, poll) need a moment. */
export const EVENT_TIMEOUT_MS = 5_000;

/** A complete `NewJob` that is ready now, with any field overridden. */
export function newJob(clock: Clock, overrides: Partial<NewJob> = {}): NewJob {
  return {
    id: newJobId(),
    task: TASK,
    queue: QUEUE,
    input: '{"n":1}',
    priority: 0,
    runAt: clock.now(),
    maxAttempts: 3,
    key: null,
    meta: {},
    dependsOn: [],
    leaseMs: null,
    timeoutMs: null,
    ...overrides,
  };
}

/** Enqueues one job and returns its id. */
export async function enqueueOne(backend: Backend, overrides: Partial<NewJob> = {}): Promise<string> {
  const job = newJob(backend.clock, overrides);
  const { jobs } = await backend.jobEnqueue({ jobs: [job] });
  expect(jobs[0]?.created).toBe(true);
  return jobs[0]!.id;
}

/** Enqueues `count` jobs in one batch and returns their ids in order. */
export async function enqueueMany(
  backend: Backend,
  count: number,
  overrides: Partial<NewJob> = {},
): Promise<string[]> {
  const batch = Array.from({ length: count }, () => newJob(backend.clock, overrides));
  const { jobs } = await backend.jobEnqueue({ jobs: batch });
  return jobs.map((j) => j.id);
}

export async function claim(
  backend: Backend,
  queues: readonly string[] = [QUEUE],
  limit = 10,
  leaseMs = LEASE_MS,
) {
  return backend.jobClaim({ queues, limit, workerId: WORKER, leaseMs });
}

/** What job `id` looks like right after WORKER leased it for the first time (default lease). */
export function freshLease(id: string, clock: Clock) {
  return {
    id,
    state: "running",
    attempt: 1,
    workerId: WORKER,
    startedAt: clock.now(),
    leaseExpiresAt: clock.now() + LEASE_MS,
  } as const;
}

/** Claims exactly one job from `queue` and fails the test if there is none. */
export async function claimOne(backend: Backend, queue = QUEUE, leaseMs = LEASE_MS): Promise<LeasedJob> {
  const { jobs } = await claim(backend, [queue], 1, leaseMs);
  expect(jobs).toHaveLength(1);
  return jobs[0]!;
}

/** Enqueues a job and claims it: a `running` job with its lease. */
export async function runningJob(backend: Backend, overrides: Partial<NewJob> = {}): Promise<LeasedJob> {
  const queue = overrides.queue ?? QUEUE;
  const id = await enqueueOne(backend, { ...overrides, queue });
  const leased = await claimOne(backend, queue);
  expect(leased.id).toBe(id);
  return leased;
}

export function errorRecord(attempt: number, at: number, message = `boom ${attempt}`): JobErrorRecord {
  return { attempt, name: "Error", message, stack: `Error: ${message}\n    at handler`, at };
}

export async function getJob(backend: Backend, id: string): Promise<JobRecord> {
  const job = await backend.jobGet({ id });
  expect(job, `job ${id} should exist`).not.toBeNull();
  return job!;
}

export async function stateOf(backend: Backend, id: string): Promise<JobState | null> {
  return (await backend.jobGet({ id }))?.state ?? null;
}

export async function allJobs(backend: Backend): Promise<JobRecord[]> {
  const out: JobRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await backend.jobList({ limit: 1000, order: "asc", ...(cursor ? { cursor } : {}) });
    out.push(...page.jobs);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out;
}

/**
 * Resolves with the first event matching `predicate`, or rejects after `timeoutMs` of real
 * time. Subscribe (call this) before acting, then await it. Uses real timers on purpose: the
 * backend's clock is fake, and delivery must not depend on it moving.
 */
export function waitForEvent(
  backend: Backend,
  predicate: (event: BackendEvent) => boolean,
  timeoutMs = EVENT_TIMEOUT_MS,
): Promise<BackendEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`no matching change-feed event within ${timeoutMs} ms`));
    }, timeoutMs);
    const unsubscribe = backend.subscribe((events) => {
      const hit = events.find(predicate);
      if (!hit) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(hit);
    });
  });
}

export interface EventRecorder {
  readonly events: BackendEvent[];
  /** Waits (real time, bounded) until the recorded events satisfy `done`. */
  until(done: (events: readonly BackendEvent[]) => boolean, timeoutMs?: number): Promise<void>;
  /**
   * Resolves once this subscription demonstrably receives events: it writes a probe (pause and
   * resume of a private queue) through the recorded backend and waits for its echo. Needed before
   * asserting on events written through *another* handle: across connections (Redis pub/sub)
   * nothing orders a peer's SUBSCRIBE before the first handle's PUBLISH, so without the probe
   * an event written right after subscribing may legitimately be missed.
   */
  ready(): Promise<void>;
  stop(): void;
}

/** Records every event from now on; `until` waits for a condition over all of them. */
export function recordEvents(backend: Backend): EventRecorder {
  const events: BackendEvent[] = [];
  const waiters = new Set<() => void>();
  const unsubscribe = backend.subscribe((batch) => {
    events.push(...batch);
    for (const wake of [...waiters]) wake();
  });
  const recorder: EventRecorder = {
    events,
    stop: unsubscribe,
    async ready() {
      const queue = `feed-probe-${Math.random().toString(36).slice(2)}`;
      await backend.queuePause({ queue });
      await recorder.until((seen) => seen.some((e) => e.type === "queue:paused" && e.queue === queue));
      await backend.queueResume({ queue });
      await recorder.until((seen) => seen.some((e) => e.type === "queue:resumed" && e.queue === queue));
    },
    until(done, timeoutMs = EVENT_TIMEOUT_MS) {
      if (done(events)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const wake = () => {
          if (!done(events)) return;
          clearTimeout(timer);
          waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(wake);
          const seen = events.map((e) => `${e.type}(${e.jobId.slice(-6)}:${e.state ?? ""})`).join(", ");
          reject(
            new Error(`change-feed condition not met within ${timeoutMs} ms; saw: ${seen || "nothing"}`),
          );
        }, timeoutMs);
        waiters.add(wake);
      });
    },
  };
  return recorder;
}
