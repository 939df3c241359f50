/**
 * Push delivery, worker side (backends with `capabilities.push`, i.e. Redis). A claim that
 * leaves slots free *parks* the worker: the store then claims jobs for it the moment they
 * become ready and hands them over through `jobAwaitPushed` (a blocking read), so an idle
 * worker starts a job one hop after its enqueue instead of three (enqueue, notification,
 * claim). This class owns the one outstanding wait: at most one per worker, started when the
 * claim loop goes idle and kept across loop turns (a turn woken by something else must not
 * start a second read behind the first on the same connection).
 */
import type { Backend } from "../backend/backend.js";
import type { LeasedJob } from "../core/types.js";

/** Registrations outlive the wait that follows them by this much (slow event loop, clock skew). */
export const PARK_TTL_MARGIN_MS = 2_000;
/** A parked wait lasts at most this long; the loop then claims (and parks) again. */
export const PARK_WAIT_MAX_MS = 10_000;

const INTERRUPT_WAIT_MS = 2_000;

type PushBackend = Backend & Required<Pick<Backend, "jobAwaitPushed" | "jobInterruptPushed">>;

export function supportsPush(backend: Backend): backend is PushBackend {
  return (
    backend.capabilities.push === true &&
    typeof backend.jobAwaitPushed === "function" &&
    typeof backend.jobInterruptPushed === "function"
  );
}

export class PushReceiver {
  /** The last claim parked this worker: ready jobs of its queues are pushed to it. */
  parked = false;
  private waiting: Promise<void> | null = null;

  constructor(
    private readonly backend: PushBackend,
    private readonly workerId: string,
    /** Receives pushed jobs (leased and running in the store), whenever they arrive. */
    private readonly deliver: (jobs: LeasedJob[]) => void,
  ) {}

  /** Registration length for a claim whose idle wait lasts up to `waitMs`. */
  ttlFor(waitMs: number): number {
    return Math.min(waitMs, PARK_WAIT_MAX_MS) + PARK_TTL_MARGIN_MS;
  }

  /** Resolves when pushed jobs arrived (already delivered) or the wait timed out. */
  wait(waitMs: number): Promise<void> {
    this.waiting ??= this.backend
      .jobAwaitPushed({ workerId: this.workerId, timeoutMs: Math.min(waitMs, PARK_WAIT_MAX_MS) })
      .then(
        (jobs) => {
          if (jobs.length > 0) this.deliver(jobs);
        },
        // The backend pauses on connection errors itself; the claim loop reports outages.
        () => {},
      )
      .finally(() => {
        this.waiting = null;
      });
    return this.waiting;
  }

  /**
   * Ends an outstanding wait (its jobs, if any, are still delivered) and waits for it, at
   * most `boundMs`: a hung store must not hang a shutdown (jobs pushed after that are leased
   * to nobody and come back through lease expiry).
   */
  async interrupt(boundMs = INTERRUPT_WAIT_MS): Promise<void> {
    const waiting = this.waiting;
    if (!waiting) return;
    await this.backend.jobInterruptPushed({ workerId: this.workerId }).catch(() => {});
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([waiting, new Promise<void>((resolve) => (timer = setTimeout(resolve, boundMs)))]);
    clearTimeout(timer);
  }
}
