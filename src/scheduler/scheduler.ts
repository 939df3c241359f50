/**
 * The scheduler service: runs the fire loop, then sleeps on the injected clock until the
 * earliest next fire time. It wakes early on the change feed (`schedule:changed` from any
 * process, and the end of a job an overlap-queued schedule waits for), and never sleeps longer than `pollMax`, so a lost notification or a jump of the
 * machine's clock costs at most that long. Start as many as you like, in as many processes:
 * each fire is decided by a compare-and-set in the backend, so no leader has to stay alive.
 *
 * `start()` and `stop()` are idempotent. Events: `schedule:fired` (a fire this scheduler won),
 * `scheduler:tick` (after each pass), `scheduler:error`, `scheduler:stopped`.
 */
import { EventEmitter } from "node:events";
import type { Logger } from "pino";
import type { Backend, BackendEvent } from "../backend/backend.js";
import type { Clock } from "../core/clock.js";
import { type Duration, toMs } from "../core/duration.js";
import { type FireEvent, FireLoop, type RunOnceResult } from "./fire-loop.js";

/** Longest sleep between passes: bounds the cost of a lost notification or a clock jump. */
export const POLL_MAX_DEFAULT_MS = 30_000;
/** Pause after a failed pass (backend unreachable), doubling up to pollMax. */
const ERROR_BACKOFF_MS = 1_000;

export interface SchedulerOptions {
  /** Longest sleep between passes. Default "30s". */
  pollMax?: Duration;
  /** Random source for jitter. Default Math.random. */
  random?: () => number;
}

export interface SchedulerDeps {
  backend: Promise<Backend>;
  clock: Clock;
  logger: Logger;
  /** Resolves when the app's pending schedule definitions are stored (awaited before the first pass). */
  ready?: () => Promise<void>;
}

export interface SchedulerEvents {
  "schedule:fired": [FireEvent];
  "scheduler:tick": [RunOnceResult];
  "scheduler:error": [unknown];
  "scheduler:stopped": [];
}

const JOB_END = new Set(["job:completed", "job:failed", "job:cancelled", "job:removed"]);

export class Scheduler extends EventEmitter<SchedulerEvents> {
  private readonly pollMaxMs: number;
  private loop: Promise<void> | null = null;
  private stopped: Promise<void> | null = null;
  private stopping: AbortController | null = null;
  private wake: AbortController | null = null;
  private waitingOn = new Set<string>();
  private running = false;

  constructor(
    private readonly deps: SchedulerDeps,
    private readonly options: SchedulerOptions = {},
  ) {
    super();
    this.pollMaxMs = toMs(options.pollMax ?? POLL_MAX_DEFAULT_MS, "pollMax");
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** Starts the loop (resolves once the first pass is done). Idempotent. */
  async start(): Promise<void> {
    // A start during a stop waits for the stop, then starts again.
    while (this.stopped) await this.stopped;
    if (this.loop) return;
    const stopping = new AbortController();
    this.stopping = stopping;
    this.running = true;
    let firstPass!: () => void;
    const first = new Promise<void>((resolve) => (firstPass = resolve));
    this.loop = this.run(stopping.signal, firstPass).finally(() => {
      this.running = false;
      firstPass();
      this.emit("scheduler:stopped");
    });
    await first;
  }

  /** Stops after the pass in progress. Idempotent. */
  async stop(): Promise<void> {
    if (this.stopped) return this.stopped;
    const loop = this.loop;
    if (!loop) return;
    this.stopping?.abort();
    this.wake?.abort();
    this.stopped = loop.then(() => {
      this.loop = null;
      this.stopped = null;
    });
    return this.stopped;
  }

  /** Runs one pass now (tests, `spool schedules run` style tooling). */
  async runOnce(): Promise<RunOnceResult> {
    const backend = await this.deps.backend;
    return this.fireLoop(backend).runOnce();
  }

  private fireLoop(backend: Backend): FireLoop {
    return new FireLoop({
      backend,
      clock: this.deps.clock,
      ...(this.options.random ? { random: this.options.random } : {}),
      onFire: (event) => {
        this.deps.logger.info(
          {
            schedule: event.schedule,
            fireAt: event.fireAt === null ? null : new Date(event.fireAt).toISOString(),
            jobId: event.jobId,
            ...event.data,
          },
          event.jobId ? "schedule fired" : "schedule fire skipped",
        );
        this.emit("schedule:fired", event);
      },
      onError: (schedule, error) => {
        this.deps.logger.error({ schedule, err: error }, "schedule fire failed");
        this.emit("scheduler:error", error);
      },
    });
  }

  private async run(signal: AbortSignal, firstPass: () => void): Promise<void> {
    const { clock } = this.deps;
    let backoff = ERROR_BACKOFF_MS;
    let unsubscribe = () => {};
    try {
      const backend = await this.deps.backend;
      await this.deps.ready?.();
      const loop = this.fireLoop(backend);
      unsubscribe = backend.subscribe((events) => this.onEvents(events));
      while (!signal.aborted) {
        // Armed before the pass, so a change committed during it wakes the next sleep at once.
        const wake = new AbortController();
        this.wake = wake;
        let sleepMs = this.pollMaxMs;
        try {
          const result = await loop.runOnce();
          this.waitingOn = result.waitingOn;
          backoff = ERROR_BACKOFF_MS;
          if (result.nextWakeAt !== null)
            sleepMs = Math.min(sleepMs, Math.max(0, result.nextWakeAt - clock.now()));
          this.emit("scheduler:tick", result);
        } catch (error) {
          this.deps.logger.error({ err: error }, "scheduler pass failed");
          this.emit("scheduler:error", error);
          sleepMs = Math.min(backoff, this.pollMaxMs);
          backoff = Math.min(backoff * 2, this.pollMaxMs);
        }
        firstPass();
        if (signal.aborted) break;
        await clock.sleep(sleepMs, wake.signal);
      }
    } catch (error) {
      this.deps.logger.error({ err: error }, "scheduler could not start");
      this.emit("scheduler:error", error);
    } finally {
      unsubscribe();
    }
  }

  private onEvents(events: readonly BackendEvent[]): void {
    for (const e of events) {
      // Fires by other schedulers need no wake-up: they only move nextFireAt later.
      if (e.type === "schedule:changed") {
        this.wake?.abort();
        return;
      }
      if (JOB_END.has(e.type) && this.waitingOn.has(e.jobId)) {
        this.wake?.abort();
        return;
      }
    }
  }
}
