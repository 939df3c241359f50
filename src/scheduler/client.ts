/**
 * The schedule half of the `createSpool` facade: `spool.schedule(...)`, `spool.schedules.*`
 * and `spool.scheduler()`. Kept here so spool.ts only wires it in.
 */
import type { Logger } from "pino";
import type { Backend, NewJob, ScheduleRecord } from "../backend/backend.js";
import type { Clock } from "../core/clock.js";
import { NotFoundError, SpoolError } from "../core/errors/index.js";
import { newJobId } from "../core/ids.js";
import type { TaskRegistry } from "../core/registry.js";
import type { EpochMs } from "../core/types.js";
import { runPipeline } from "../enqueue/pipeline.js";
import { checkDefinition, prepareSchedule, type ScheduleCall, upsertSchedule } from "./define.js";
import { SCHEDULE_RUNS_KEPT, type ScheduleRunInfo, scheduleRunsOf } from "./runs.js";
import { Scheduler, type SchedulerOptions } from "./scheduler.js";
import {
  compileSpec,
  decodeSpec,
  type MisfirePolicy,
  type OverlapPolicy,
  type ScheduleOptions,
  type ScheduleSpec,
} from "./spec.js";
import { describeTrigger, nextFireTimes, type StoredTrigger, type Trigger } from "./triggers.js";

/** A schedule as users see it. */
export interface ScheduleInfo {
  name: string;
  trigger: StoredTrigger;
  /** "cron 0 3 * * * (Europe/Berlin)", "every 15m", "at 2026-…". */
  description: string;
  task: string;
  queue: string;
  misfire: MisfirePolicy;
  misfireGraceMs: number;
  overlap: OverlapPolicy;
  jitterMs: number;
  startAt: EpochMs | null;
  endAt: EpochMs | null;
  limit: number | null;
  /** Grid origin of an `every` trigger (its creation, or startAt). */
  anchorAt: EpochMs;
  paused: boolean;
  /** Null when the schedule is done (one-shot fired, endAt passed, limit reached). */
  nextFireAt: EpochMs | null;
  lastFireAt: EpochMs | null;
  lastJobId: string | null;
  runs: number;
  createdAt: EpochMs;
  updatedAt: EpochMs;
  /** The next fire times (computed, not stored): `count` of them from `nextFireAt` on. */
  nextFireTimes(count: number): EpochMs[];
}

export interface ScheduleHandle {
  readonly name: string;
  /**
   * Resolves when the definition is stored; rejects if it was refused (bad input, backend
   * down). Definitions are stored when the spool first opens its backend; reading `ready`
   * opens it.
   */
  readonly ready: Promise<ScheduleInfo>;
  get(): Promise<ScheduleInfo>;
  nextFireTimes(count: number): Promise<EpochMs[]>;
  pause(): Promise<void>;
  resume(): Promise<void>;
  /** Enqueues the schedule's job now (its fire times stay); resolves with the job id. */
  run(): Promise<string>;
  remove(): Promise<boolean>;
}

export interface ScheduleApi {
  list(): Promise<ScheduleInfo[]>;
  get(name: string): Promise<ScheduleInfo | null>;
  remove(name: string): Promise<boolean>;
  pause(name: string): Promise<void>;
  resume(name: string): Promise<void>;
  /** Run now: enqueues the schedule's job at once, outside its trigger; resolves with the job id. */
  run(name: string): Promise<string>;
  /**
   * The schedule's recent fires, newest first (the last 20 are kept): fires, manual runs and
   * skipped fires, each with its job's state now. [] for an unknown schedule.
   */
  runs(name: string, options?: { limit?: number }): Promise<ScheduleRunInfo[]>;
}

/**
 * A manual run ("run now") whose job the task's drop-newest strategy dropped (its cap group was
 * full): nothing was enqueued; the run is recorded as skipped ("dropped").
 */
export class RunDroppedError extends SpoolError {
  readonly code = "INVALID_STATE";
  constructor(schedule: string, task: string) {
    super(
      `schedule ${schedule}: the run was dropped: task "${task}" is at its concurrency cap (strategy drop-newest)`,
      { details: { schedule, task, dropped: true } },
    );
  }
}

export interface ScheduleClientDeps {
  backend: () => Promise<Backend>;
  registry: TaskRegistry;
  clock: Clock;
  logger: Logger;
  payloadLimit: number;
}

export function toScheduleInfo(
  record: ScheduleRecord,
  now: EpochMs,
  spec: ScheduleSpec = decodeSpec(record),
): ScheduleInfo {
  const trigger = compileSpec(spec, record.anchorAt);
  const remaining = spec.limit === null ? Number.POSITIVE_INFINITY : Math.max(0, spec.limit - record.runs);
  // A paused schedule resumes from "now" (time spent paused is not a misfire).
  const from = record.paused ? trigger.next(now) : record.nextFireAt;
  return {
    name: record.name,
    trigger: spec.trigger,
    description: describeTrigger(spec.trigger),
    task: spec.job.task,
    queue: spec.job.queue,
    misfire: spec.misfire,
    misfireGraceMs: spec.misfireGraceMs,
    overlap: spec.overlap,
    jitterMs: spec.jitterMs,
    startAt: spec.startAt,
    endAt: spec.endAt,
    limit: spec.limit,
    anchorAt: record.anchorAt,
    paused: record.paused,
    nextFireAt: record.nextFireAt,
    lastFireAt: record.lastFireAt,
    lastJobId: record.lastJobId,
    runs: record.runs,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    nextFireTimes(count) {
      if (from === null || remaining === 0) return [];
      const n = Math.min(count, remaining);
      return n <= 0 ? [] : [from, ...nextFireTimes(trigger, from, n - 1)];
    },
  };
}

export function createScheduleClient(deps: ScheduleClientDeps) {
  const pending = new Set<Promise<unknown>>();
  // Definitions wait until the spool opens its backend (any use: a worker, a scheduler, a CLI
  // command, an enqueue, or `handle.ready`), so an app module that only defines schedules
  // does no I/O at import.
  let opened = false;
  const gates: (() => void)[] = [];
  const open = () => {
    if (opened) return;
    opened = true;
    for (const start of gates.splice(0)) start();
  };

  const info = async (name: string): Promise<ScheduleInfo> => {
    const record = await (await deps.backend()).scheduleGet({ name });
    if (!record) throw new NotFoundError("schedule", name);
    return toScheduleInfo(record, deps.clock.now());
  };

  const api: ScheduleApi = {
    // Reads see this spool's own definitions: they wait for the ones still being stored.
    list: async () => {
      const backend = await deps.backend();
      await settled();
      const now = deps.clock.now();
      return (await backend.scheduleList()).map((r) => toScheduleInfo(r, now));
    },
    get: async (name) => {
      const backend = await deps.backend();
      await settled();
      const record = await backend.scheduleGet({ name });
      return record ? toScheduleInfo(record, deps.clock.now()) : null;
    },
    remove: async (name) => (await deps.backend()).scheduleRemove({ name }),
    runs: async (name, options = {}) =>
      scheduleRunsOf(await deps.backend(), name, options.limit ?? SCHEDULE_RUNS_KEPT),
    pause: async (name) => {
      if (!(await (await deps.backend()).schedulePause({ name }))) throw new NotFoundError("schedule", name);
    },
    resume: async (name) => {
      const backend = await deps.backend();
      const record = await backend.scheduleGet({ name });
      if (!record) throw new NotFoundError("schedule", name);
      const spec = decodeSpec(record);
      const now = deps.clock.now();
      // The runs limit still applies; the backend keeps nextFireAt of a schedule not paused.
      const limitReached = spec.limit !== null && record.runs >= spec.limit;
      const next = limitReached ? null : compileSpec(spec, record.anchorAt).next(now);
      if (!(await backend.scheduleResume({ name, nextFireAt: next })))
        throw new NotFoundError("schedule", name);
    },
    run: async (name) => {
      const backend = await deps.backend();
      const record = await backend.scheduleGet({ name });
      if (!record) throw new NotFoundError("schedule", name);
      const spec = decodeSpec(record);
      const now = deps.clock.now();
      const { delayMs, ...template } = spec.job;
      const job: NewJob = {
        ...template,
        id: newJobId(),
        runAt: now + delayMs,
        meta: { ...template.meta, schedule: name, fireAt: now, manual: true },
        dependsOn: [],
      };
      // Through the enqueue pipeline's trace step, like a timed fire (fire-loop.ts).
      const out = await runPipeline([job], {
        build: async () => [job],
        write: async ([stamped]) => {
          const r = await backend.scheduleFire({
            name,
            expectedFireAt: null,
            nextFireAt: null,
            job: stamped!,
          });
          return { result: r, ids: r.won && r.jobId ? [r.jobId] : [] };
        },
      });
      if (out.won && out.dropped) throw new RunDroppedError(name, spec.job.task);
      if (!out.won || out.jobId === null) throw new NotFoundError("schedule", name);
      return out.jobId;
    },
  };

  /**
   * Defines (or redefines) a schedule. Checks run now and throw at the call site; the upsert
   * runs in the background (so app modules need no top-level await): await `handle.ready`, or
   * just start a scheduler, which waits for every pending definition.
   */
  function schedule(
    name: string,
    trigger: Trigger,
    call: ScheduleCall,
    options: ScheduleOptions = {},
  ): ScheduleHandle {
    checkDefinition(name, trigger, call, options, deps.registry);
    let start!: () => void;
    const gate = new Promise<void>((resolve) => {
      start = resolve;
    });
    if (opened) start();
    else gates.push(start);
    const ready = (async () => {
      await gate;
      const prepared = await prepareSchedule(name, trigger, call, options, deps.registry, deps.payloadLimit);
      const backend = await deps.backend();
      const { schedule: record } = await upsertSchedule(backend, prepared, deps.clock.now());
      return toScheduleInfo(record, deps.clock.now(), prepared.spec);
    })();
    pending.add(ready);
    ready.then(
      () => pending.delete(ready),
      (error) => {
        pending.delete(ready);
        deps.logger.error({ schedule: name, err: error }, "schedule definition failed");
      },
    );
    const stored = () => {
      open();
      return ready;
    };
    return {
      name,
      get ready() {
        return stored();
      },
      get: async () => {
        await stored();
        return info(name);
      },
      nextFireTimes: async (count) => {
        await stored();
        return (await info(name)).nextFireTimes(count);
      },
      pause: async () => {
        await stored();
        await api.pause(name);
      },
      resume: async () => {
        await stored();
        await api.resume(name);
      },
      run: async () => {
        await stored();
        return api.run(name);
      },
      remove: async () => {
        await stored().catch(() => {});
        return api.remove(name);
      },
    };
  }

  /** Resolves when every definition made so far is stored (failures are logged, not thrown). */
  async function settled(): Promise<void> {
    if (!opened) return;
    while (pending.size > 0) await Promise.allSettled([...pending]);
  }

  function scheduler(options: SchedulerOptions = {}): Scheduler {
    return new Scheduler(
      { backend: deps.backend(), clock: deps.clock, logger: deps.logger, ready: settled },
      options,
    );
  }

  return { schedule, schedules: api, scheduler, settled, open };
}
