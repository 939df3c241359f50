/**
 * One pass of the scheduler: read the schedules, and for each one that is due, plan its fires
 * (misfire.ts), apply the overlap policy, and execute each step as one `scheduleFire`
 * compare-and-set. Losing a compare-and-set is normal (another scheduler fired first) and ends
 * that schedule's pass. `runOnce` returns when to look again; scheduler.ts sleeps until then.
 */
import type { Backend, NewJob, ScheduleRecord } from "../backend/backend.js";
import type { Clock } from "../core/clock.js";
import { newJobId } from "../core/ids.js";
import { type EpochMs, FINAL_STATES } from "../core/types.js";
import { runPipeline } from "../enqueue/pipeline.js";
import { type FireStep, planFires } from "./misfire.js";
import { compileSpec, decodeSpec, type ScheduleSpec } from "./spec.js";

export interface FireEvent {
  schedule: string;
  /** The fire time (null for a manual run). */
  fireAt: EpochMs | null;
  /** The job enqueued; null when the fire was skipped. */
  jobId: string | null;
  data: Record<string, unknown>;
}

export interface RunOnceResult {
  /** Fires this pass won (with or without a job). */
  fired: FireEvent[];
  /** Earliest stored nextFireAt among active schedules after the pass (null: none). */
  nextWakeAt: EpochMs | null;
  /** Jobs whose end unblocks a schedule queued behind them (overlap "queue"). */
  waitingOn: Set<string>;
}

export interface FireLoopOptions {
  backend: Backend;
  clock: Clock;
  /** Random source for jitter (tests pin it). Default Math.random. */
  random?: () => number;
  onFire?: (event: FireEvent) => void;
  onError?: (schedule: string, error: unknown) => void;
}

/** Pass attempts on one schedule before moving on (each lost compare-and-set reloads it). */
const ATTEMPTS_PER_PASS = 5;

export class FireLoop {
  private readonly random: () => number;

  constructor(private readonly options: FireLoopOptions) {
    this.random = options.random ?? Math.random;
  }

  async runOnce(): Promise<RunOnceResult> {
    const { backend } = this.options;
    const result: RunOnceResult = { fired: [], nextWakeAt: null, waitingOn: new Set() };
    for (const listed of await backend.scheduleList()) {
      let record: ScheduleRecord | null = listed;
      try {
        record = await this.processSchedule(listed, result);
      } catch (error) {
        this.options.onError?.(listed.name, error);
      }
      if (record && !record.paused && record.nextFireAt !== null) {
        if (result.nextWakeAt === null || record.nextFireAt < result.nextWakeAt)
          result.nextWakeAt = record.nextFireAt;
      }
    }
    return result;
  }

  /** Fires what is due for one schedule; returns its latest known state. */
  private async processSchedule(
    start: ScheduleRecord,
    result: RunOnceResult,
  ): Promise<ScheduleRecord | null> {
    let record: ScheduleRecord | null = start;
    for (let attempt = 0; attempt < ATTEMPTS_PER_PASS && record; attempt++) {
      if (record.paused || record.nextFireAt === null) return record;
      const now = this.options.clock.now();
      if (record.nextFireAt > now) return record;
      const spec = decodeSpec(record);
      const trigger = compileSpec(spec, record.anchorAt);
      let steps = planFires(record, spec, trigger, now);
      const overlap = await this.overlap(record, spec, steps, now);
      if (overlap === "wait") {
        result.waitingOn.add(record.lastJobId!);
        return record;
      }
      steps = overlap;
      let lost = false;
      const name = record.name;
      for (const step of steps) {
        const job: NewJob | null = step.fireAt === null ? null : this.job(name, spec, step);
        const fire = (j: NewJob | null): ReturnType<Backend["scheduleFire"]> =>
          this.options.backend.scheduleFire({
            name,
            expectedFireAt: step.expectedFireAt,
            nextFireAt: step.nextFireAt,
            job: j,
            data: step.data,
          });
        // A fire that enqueues goes through the enqueue pipeline's trace step: the job carries
        // a producer span's context like any enqueued job (validation and build happened when
        // the schedule was defined).
        const out: Awaited<ReturnType<Backend["scheduleFire"]>> = job
          ? await runPipeline([job], {
              build: async () => [job],
              write: async ([stamped]) => {
                const r = await fire(stamped!);
                return { result: r, ids: r.won && r.jobId ? [r.jobId] : [] };
              },
            })
          : await fire(null);
        record = out.schedule;
        if (!out.won) {
          lost = true;
          break;
        }
        const event: FireEvent = {
          schedule: start.name,
          fireAt: step.fireAt ?? step.expectedFireAt,
          jobId: out.jobId,
          // The task's drop-newest strategy dropped the job (its cap group was full).
          data: out.dropped ? { ...step.data, skipped: "dropped" } : step.data,
        };
        result.fired.push(event);
        this.options.onFire?.(event);
      }
      // Lost: someone else moved the schedule on; look at its new state (maybe still due).
      if (lost) record = await this.options.backend.scheduleGet({ name: start.name });
    }
    return record;
  }

  /**
   * The overlap policy, applied to the first step that enqueues a job (later steps of a
   * catch-up follow a job this pass just enqueued, so "skip" keeps only the first).
   */
  private async overlap(
    record: ScheduleRecord,
    spec: ScheduleSpec,
    steps: FireStep[],
    now: EpochMs,
  ): Promise<FireStep[] | "wait"> {
    if (spec.overlap === "allow" || record.lastJobId === null) return steps;
    const previous = await this.options.backend.jobGet({ id: record.lastJobId });
    const unfinished = previous !== null && !FINAL_STATES.has(previous.state);
    if (spec.overlap === "skip") {
      if (!unfinished) return steps.length > 1 ? steps.slice(0, 1).concat(skipRest(steps.slice(1))) : steps;
      return steps.map((s) =>
        s.fireAt === null
          ? s
          : { ...s, fireAt: null, data: { ...s.data, skipped: "overlap", previous: record.lastJobId } },
      );
    }
    // queue: hold the due fire until the previous job ends, then run it once; the fire times
    // that passed meanwhile fold into it ("queue one").
    if (unfinished) return "wait";
    const t0 = record.nextFireAt!;
    if (previous !== null && previous.finishedAt !== null && previous.finishedAt > t0) {
      const trigger = compileSpec(spec, record.anchorAt);
      const remaining = spec.limit === null ? Number.POSITIVE_INFINITY : spec.limit - record.runs;
      if (remaining <= 0) return steps;
      return [
        {
          expectedFireAt: t0,
          nextFireAt: remaining <= 1 ? null : trigger.next(now),
          fireAt: t0,
          data: { queuedBehind: record.lastJobId },
        },
      ];
    }
    return steps;
  }

  private job(name: string, spec: ScheduleSpec, step: FireStep): NewJob {
    const { delayMs, ...template } = spec.job;
    const fireAt = step.fireAt!;
    const jitter = spec.jitterMs > 0 ? Math.floor(this.random() * (spec.jitterMs + 1)) : 0;
    return {
      ...template,
      id: newJobId(),
      runAt: fireAt + delayMs + Math.min(jitter, spec.jitterMs),
      meta: { ...template.meta, schedule: name, fireAt, ...step.data },
      dependsOn: [],
    };
  }
}

/** With overlap "skip", catch-up fires after the first one would overlap it: skip them. */
function skipRest(steps: FireStep[]): FireStep[] {
  return steps.map((s) =>
    s.fireAt === null ? s : { ...s, fireAt: null, data: { ...s.data, skipped: "overlap" } },
  );
}
