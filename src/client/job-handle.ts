/**
 * `JobHandle`: read, await, stream, cancel one job. Waiting subscribes to the change feed
 * *before* reading the job's state, so a job that finishes in between is never missed.
 */
import type { Backend, BackendEvent } from "../backend/backend.js";
import { toMs } from "../core/duration.js";
import { JobFailedError, NotFoundError, TimeoutError } from "../core/errors/index.js";
import { deserialize } from "../core/serializer.js";
import type { JobEvent, JobHandle, JobInfo, ResultOptions } from "../core/task.js";
import { FINAL_STATES, type JobRecord } from "../core/types.js";
import type { JobWatcher } from "./job-watcher.js";

export function decodeJob<I, O>(record: JobRecord): JobInfo<I, O> {
  return {
    ...record,
    input: deserialize<I>(record.input),
    result: record.result === null ? undefined : deserialize<O>(record.result),
  };
}

export function toJobEvent(event: BackendEvent): JobEvent {
  const type = event.type.slice(4) as JobEvent["type"];
  const out: JobEvent = { type, jobId: event.jobId, at: event.at };
  if (event.state !== undefined) out.state = event.state;
  if (event.data !== undefined) out.data = event.data;
  return out;
}

const FINAL_EVENTS = new Set(["job:completed", "job:failed", "job:cancelled", "job:removed"]);

interface HandleDeps {
  backend: () => Promise<Backend>;
  watcher: () => Promise<JobWatcher>;
}

export class SpoolJobHandle<O = unknown, I = unknown> implements JobHandle<O, I> {
  constructor(
    readonly id: string,
    readonly created: boolean,
    private readonly deps: HandleDeps,
    readonly deduplicated = false,
    readonly dropped = false,
  ) {}

  async get(): Promise<JobInfo<I, O>> {
    const record = await (await this.deps.backend()).jobGet({ id: this.id });
    if (!record) throw new NotFoundError("job", this.id);
    return decodeJob<I, O>(record);
  }

  async state(): Promise<JobRecord["state"]> {
    return (await this.get()).state;
  }

  async result(options: ResultOptions = {}): Promise<O> {
    const backend = await this.deps.backend();
    const watcher = await this.deps.watcher();
    const timeoutMs = options.timeout === undefined ? null : toMs(options.timeout, "timeout");
    const record = await new Promise<JobRecord>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      let settled = false;
      const finish = (err: unknown, value?: JobRecord) => {
        if (settled) return;
        settled = true;
        stop();
        if (timer) clearTimeout(timer);
        options.signal?.removeEventListener("abort", onAbort);
        if (err) reject(err);
        else resolve(value!);
      };
      const check = () =>
        backend.jobGet({ id: this.id }).then(
          (r) => {
            if (!r) finish(new NotFoundError("job", this.id));
            else if (FINAL_STATES.has(r.state)) finish(null, r);
          },
          (err) => finish(err),
        );
      const stop = watcher.watch(this.id, (event) => {
        if (FINAL_EVENTS.has(event.type)) void check();
      });
      const onAbort = () => finish(options.signal?.reason ?? new Error("aborted"));
      if (options.signal?.aborted) return onAbort();
      options.signal?.addEventListener("abort", onAbort, { once: true });
      if (timeoutMs !== null) {
        timer = setTimeout(
          () => finish(new TimeoutError(`job ${this.id} did not finish within ${timeoutMs}ms`, timeoutMs)),
          timeoutMs,
        );
      }
      void check();
    });
    if (record.state === "completed")
      return record.result === null ? (undefined as O) : deserialize<O>(record.result);
    throw new JobFailedError(this.id, record.state as "failed" | "cancelled", record.errors.at(-1));
  }

  async *events(options: { signal?: AbortSignal } = {}): AsyncIterable<JobEvent> {
    const backend = await this.deps.backend();
    const watcher = await this.deps.watcher();
    const buffer: JobEvent[] = [];
    let wake: (() => void) | null = null;
    let done = false;
    const stop = watcher.watch(this.id, (event) => {
      buffer.push(toJobEvent(event));
      wake?.();
    });
    const onAbort = () => {
      done = true;
      wake?.();
    };
    options.signal?.addEventListener("abort", onAbort, { once: true });
    try {
      // A job that is already over yields its final state once and ends.
      const current = await backend.jobGet({ id: this.id });
      if (!current) throw new NotFoundError("job", this.id);
      if (FINAL_STATES.has(current.state) && buffer.length === 0) {
        yield {
          type: current.state as JobEvent["type"],
          jobId: this.id,
          at: current.finishedAt ?? current.updatedAt,
          state: current.state,
        };
        return;
      }
      while (!done) {
        while (buffer.length > 0) {
          const event = buffer.shift()!;
          yield event;
          if (
            event.type === "completed" ||
            event.type === "failed" ||
            event.type === "cancelled" ||
            event.type === "removed"
          )
            return;
        }
        if (options.signal?.aborted) return;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = null;
      }
    } finally {
      stop();
      options.signal?.removeEventListener("abort", onAbort);
    }
  }

  async cancel(reason?: string): Promise<boolean> {
    const backend = await this.deps.backend();
    const out = await backend.jobCancel(
      reason === undefined ? { ids: [this.id] } : { ids: [this.id], reason },
    );
    return out.cancelled.includes(this.id);
  }

  async retry(): Promise<boolean> {
    const out = await (await this.deps.backend()).jobRetry({ ids: [this.id] });
    return out.ok.includes(this.id);
  }

  async remove(): Promise<boolean> {
    const out = await (await this.deps.backend()).jobRemove({ ids: [this.id] });
    return out.removed.includes(this.id);
  }
}
