/**
 * Abort state of one running job. The `AbortSignal` handlers see is created only when a
 * handler reads `ctx.signal`: an AbortController plus its listener bookkeeping costs about
 * 6 µs per job, a third of a no-op job's whole budget at 50k jobs/s, and most short
 * handlers never look at it. Aborting before the signal exists is remembered, so a handler
 * that reads it late still sees `aborted` and the right `reason`.
 */
/** The executor's abort hook (an object, not a closure: one less allocation per job). */
export interface AbortListener {
  aborted(): void;
}

export class JobControl {
  private controller: AbortController | null = null;
  private listener: AbortListener | null = null;
  aborted = false;
  reason: unknown = undefined;
  /**
   * `ctx.complete({ tx })` wrote the completion in the app's transaction: if the app committed,
   * the worker's own completion write is refused and that refusal is the expected end, and a
   * renewal that finds the lease gone is no loss.
   */
  completedInTx = false;

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.controller?.abort(reason);
    const listener = this.listener;
    this.listener = null;
    listener?.aborted();
  }

  /** The executor's own (single) abort hook; `null` clears it. */
  onAbort(listener: AbortListener | null): void {
    this.listener = listener;
  }
}
