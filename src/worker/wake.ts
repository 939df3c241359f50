/**
 * The claim loop's sleep: it waits until a nudge (a feed event, a freed slot), a promise it
 * was given settles, or its timeout. A nudge that arrives while nobody waits is remembered for
 * the next wait. `interrupt()` (shutdown) ends every wait, including the backoff after a
 * failed claim, which ordinary nudges do not shorten (issue 12, bug 8: `stop()` used to wait
 * that backoff out).
 */
export class Wake {
  private resolveWait: (() => void) | null = null;
  private pending = false;
  private interrupted = false;

  /** Sleeps until a nudge (if `nudgeable`), `until` settles, `interrupt()`, or `ms`. */
  wait(ms: number, nudgeable = true, until?: Promise<void>): Promise<void> {
    if (this.interrupted) return Promise.resolve();
    if (this.pending && nudgeable) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      let finished = false;
      const done = () => {
        // Once only: a late `until` must not clear a wake that arrived for the next turn.
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        if (this.resolveWait === done || this.resolveWait === interruptOnly) this.resolveWait = null;
        if (nudgeable) this.pending = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      until?.then(done);
      // A backoff wait ignores nudges but not an interrupt.
      const interruptOnly = () => {
        if (this.interrupted) done();
        else this.pending = true;
      };
      this.resolveWait = nudgeable ? done : interruptOnly;
    });
  }

  nudge(): void {
    if (this.resolveWait) this.resolveWait();
    else this.pending = true;
  }

  /** Ends the current wait and every later one at once. */
  interrupt(): void {
    this.interrupted = true;
    this.resolveWait?.();
  }
}
