/**
 * Collects finished attempts and writes them in batches: every outcome that arrives in
 * the same turn of the event loop goes to the backend in one `jobComplete` and one
 * `jobFail` call. At high throughput this turns N writes into a handful per tick; at low
 * throughput it adds at most one `setImmediate` of delay.
 *
 * A failed write (store down, busy) is retried with capped backoff: outcomes are fenced by
 * their lease token, so re-sending one is harmless, and a lease that expired meanwhile is
 * simply refused.
 */
import type { Backend, JobCompleteParams, JobFailParams } from "../backend/backend.js";
import type { Clock } from "../core/clock.js";
import type { LeaseRef } from "../core/types.js";

export const OUTCOME_BATCH_MAX = 1000;
const RETRY_DELAY_MAX_MS = 5000;

export interface BatcherHooks {
  /** Called once per lease after its outcome is stored (or refused). */
  onSettled(leases: readonly LeaseRef[], kind: "completed" | "retried" | "failed" | "refused"): void;
  onError(err: unknown): void;
  /** A write of `inFlight` outcomes was just sent (the worker may claim ahead of its reply). */
  onSending?(): void;
}

export class OutcomeBatcher {
  private completes: JobCompleteParams["jobs"] = [];
  private fails: JobFailParams["jobs"] = [];
  private scheduled = false;
  private flushing: Promise<void> | null = null;
  private retryDelay = 0;
  private stopped = false;
  private sending = 0;

  constructor(
    private readonly backend: Backend,
    private readonly clock: Clock,
    private readonly hooks: BatcherHooks,
  ) {}

  get pending(): number {
    return this.completes.length + this.fails.length;
  }

  /** Outcomes in the write now in flight (sent, reply not yet received). */
  get inFlight(): number {
    return this.sending;
  }

  complete(entry: JobCompleteParams["jobs"][number]): void {
    this.completes.push(entry);
    this.schedule();
  }

  fail(entry: JobFailParams["jobs"][number]): void {
    this.fails.push(entry);
    this.schedule();
  }

  /**
   * Writes everything buffered and waits for it (used by shutdown). Gives up after
   * `timeoutMs` (returns false) so a store that stays down cannot hang a shutdown.
   */
  async drain(timeoutMs = Number.POSITIVE_INFINITY): Promise<boolean> {
    const deadline = this.clock.now() + timeoutMs;
    while (this.pending > 0 || this.flushing) {
      const left = deadline - this.clock.now();
      if (left <= 0) {
        this.stopped = true;
        return false;
      }
      const round = this.flushing ?? this.flush();
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        round.then(() => false),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(true), Math.min(left, 2 ** 31 - 1));
        }),
      ]);
      clearTimeout(timer);
      if (timedOut) {
        this.stopped = true;
        return false;
      }
    }
    return true;
  }

  stop(): void {
    this.stopped = true;
  }

  private schedule(): void {
    if (this.scheduled || this.flushing) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    const run = async () => {
      while (this.pending > 0) {
        const completes = takeBatch(this.completes);
        const fails = takeBatch(this.fails);
        this.sending = completes.length + fails.length;
        this.hooks.onSending?.();
        try {
          if (completes.length > 0) {
            const out = await this.backend.jobComplete({ jobs: completes });
            const refs = tokens(completes);
            if (out.ok.length) this.hooks.onSettled(refs(out.ok), "completed");
            if (out.refused.length) this.hooks.onSettled(refs(out.refused), "refused");
            completes.length = 0;
            this.sending = fails.length;
          }
          if (fails.length > 0) {
            const out = await this.backend.jobFail({ jobs: fails });
            const refs = tokens(fails);
            if (out.retried.length) this.hooks.onSettled(refs(out.retried), "retried");
            if (out.failed.length) this.hooks.onSettled(refs(out.failed), "failed");
            if (out.refused.length) this.hooks.onSettled(refs(out.refused), "refused");
          }
          this.retryDelay = 0;
        } catch (err) {
          this.sending = 0;
          this.hooks.onError(err);
          // Put back what was not written and try again later; the leases are still renewed meanwhile.
          this.completes.unshift(...completes);
          this.fails.unshift(...fails);
          if (this.stopped) return;
          this.retryDelay = Math.min(RETRY_DELAY_MAX_MS, this.retryDelay ? this.retryDelay * 2 : 50);
          await this.clock.sleep(this.retryDelay);
        } finally {
          this.sending = 0;
        }
      }
    };
    this.flushing = run().finally(() => {
      this.flushing = null;
      if (this.pending > 0 && !this.stopped) this.schedule();
    });
    return this.flushing;
  }
}

/**
 * Takes up to OUTCOME_BATCH_MAX entries, at most one per job id: the backends answer by job
 * id, so two leases of one job (an old execution's late outcome and the retry's) must not
 * share a call. A second entry of an id stays queued for the next call.
 */
function takeBatch<T extends LeaseRef>(queue: T[]): T[] {
  if (queue.length === 0) return [];
  const seen = new Set<string>();
  const out: T[] = [];
  const rest: T[] = [];
  for (const entry of queue) {
    if (out.length < OUTCOME_BATCH_MAX && !seen.has(entry.id)) {
      seen.add(entry.id);
      out.push(entry);
    } else rest.push(entry);
  }
  queue.length = 0;
  queue.push(...rest);
  return out;
}

/**
 * Maps the ids a backend answered with back to the leases sent (one per id, see takeBatch): the
 * sent entries themselves, which are leases, so no object is made per job.
 */
function tokens<T extends LeaseRef>(sent: readonly T[]): (ids: readonly string[]) => LeaseRef[] {
  const byId = new Map<string, LeaseRef>();
  for (const e of sent) byId.set(e.id, e);
  return (ids) => ids.map((id) => byId.get(id) ?? { id, token: "" });
}
