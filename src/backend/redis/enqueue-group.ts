/**
 * Group commit for the Redis store's enqueues. A web app issuing many concurrent single
 * enqueues would otherwise pay one script call (one round trip and one script run with its
 * fixed cost: argument parsing, the change-feed append, the notification) per job.
 *
 * Here a call joins the open group, which is sent on the next turn of the event loop
 * (`setImmediate`): consecutive calls are packed, in call order, into one enqueue.lua call of
 * at most `ENQUEUE_JOBS_MAX` jobs (a call never has more) made at the same clock reading (so every call that arrives meanwhile shares it), and the reply
 * is split back so each caller gets its own ids, states and idempotency matches. The script
 * validates before it writes, so when it refuses the batch (an id taken, a dependency missing)
 * nothing was written: each call of that batch is then sent on its own, so the refusal reaches
 * only the call that caused it. A transport error (connection lost, timeout) reaches every call
 * of the batch as "could not be confirmed", as it would have reached each call alone.
 */
import { isSpoolError } from "../../core/errors/index.js";
import type { JobEnqueueResult, NewJob } from "../backend.js";

type Result = JobEnqueueResult["jobs"];

interface Entry {
  jobs: readonly NewJob[];
  /** The backend clock when the call was made (the jobs' createdAt). */
  now: number;
  resolve: (value: Result) => void;
  reject: (error: unknown) => void;
}

export class EnqueueGroup {
  private queue: Entry[] = [];
  private timer: NodeJS.Immediate | null = null;

  constructor(
    /** One enqueue.lua call (≤ `max` jobs): all written, or a refusal / error with nothing written. */
    private readonly send: (jobs: readonly NewJob[], now: number) => Promise<Result>,
    private readonly max: number,
  ) {}

  submit(jobs: readonly NewJob[], now: number): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      this.queue.push({ jobs, now, resolve, reject });
      this.timer ??= setImmediate(() => this.flush());
    });
  }

  /** Sends every waiting call now (also before the store closes). */
  flush(): void {
    if (this.timer) {
      clearImmediate(this.timer);
      this.timer = null;
    }
    const calls = this.queue;
    this.queue = [];
    let batch: Entry[] = [];
    let size = 0;
    for (const call of calls) {
      // One script call has one `now`: calls made at another clock reading start a new batch.
      if (size + call.jobs.length > this.max || (batch.length && batch[0]!.now !== call.now)) {
        this.sendBatch(batch);
        batch = [];
        size = 0;
      }
      batch.push(call);
      size += call.jobs.length;
    }
    if (batch.length) this.sendBatch(batch);
  }

  private sendBatch(batch: Entry[]): void {
    if (batch.length === 1) {
      const [only] = batch;
      this.send(only!.jobs, only!.now).then(only!.resolve, only!.reject);
      return;
    }
    const jobs = batch.flatMap((e) => e.jobs);
    this.send(jobs, batch[0]!.now).then(
      (out) => {
        let at = 0;
        for (const e of batch) {
          e.resolve(out.slice(at, at + e.jobs.length));
          at += e.jobs.length;
        }
      },
      (error: unknown) => {
        if (!isSpoolError(error)) {
          for (const e of batch) e.reject(error);
          return;
        }
        // Refused as a whole, nothing written: each call alone, so only the culprit hears it.
        // Sent back to back on one connection, they run in call order.
        for (const e of batch) this.send(e.jobs, e.now).then(e.resolve, e.reject);
      },
    );
  }
}
