/**
 * Sends this process's change-feed notifications after the commits they report, coalesced.
 *
 * Why not `pg_notify` inside each write transaction: PostgreSQL serializes the commits of
 * notifying transactions (one lock on the notify queue, held through the commit's WAL flush),
 * so with durable commits every write that notified waited for every other's fsync in turn:
 * concurrent single enqueues ran one fsync at a time (~100-300/s on the test machine) where
 * non-notifying transactions share their flushes.
 *
 * Here a write commits without notifying; its events join a buffer, and one notification
 * carries everything buffered: sent at once when none was sent in the last `minIntervalMs`
 * (an isolated enqueue wakes a worker after one extra round trip), otherwise when that interval
 * ends, so a burst of N writes sends about one notification per interval, not N. A rollback
 * never reaches the buffer. The send itself does not wait for a WAL flush (notify-send.sql).
 *
 * A process that dies between a commit and the send loses that notification, as a dropped
 * LISTEN connection does: notifications only nudge, and workers' fallback poll finds the work.
 *
 * An isolated small enqueue (nothing buffered or being sent, none sent in the last interval)
 * may instead notify inside its own statement (`tryInline`, job-enqueue-fast.sql), which
 * PostgreSQL delivers at its commit: the idle worker's wake-up skips the separate send's round
 * trip. It counts as this interval's notification. One such statement at a time per process,
 * because a notifying commit holds the notify-queue lock through its WAL flush (above); the
 * writes that commit meanwhile are buffered and sent after the interval as usual.
 */
import type { BackendEvent } from "../backend.js";

export class Notifier {
  private buffer: BackendEvent[] = [];
  private sending: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private lastSentAt = Number.NEGATIVE_INFINITY;
  private closed = false;
  private inlineInFlight = false;
  /** Notifications sent (tests count them), and how many of them inside a write's own statement. */
  sent = 0;
  sentInline = 0;

  constructor(
    private readonly send: (events: BackendEvent[]) => Promise<void>,
    private readonly minIntervalMs: number,
  ) {}

  /** Events of a transaction that committed. */
  add(events: readonly BackendEvent[]): void {
    if (events.length === 0 || this.closed) return;
    for (const e of events) this.buffer.push(e);
    this.schedule();
  }

  /**
   * Whether the next write may send its own notification inside its statement: true when this
   * notifier is idle (see above); the caller must then call `inlineDone()` once the statement
   * returned or failed, and must not `add()` its events.
   */
  tryInline(): boolean {
    if (
      this.closed ||
      this.inlineInFlight ||
      this.sending ||
      this.timer ||
      this.buffer.length > 0 ||
      performance.now() < this.lastSentAt + this.minIntervalMs
    )
      return false;
    this.inlineInFlight = true;
    this.lastSentAt = performance.now();
    this.sent++;
    this.sentInline++;
    return true;
  }

  inlineDone(): void {
    this.inlineInFlight = false;
  }

  /** Sends what is buffered now (close). */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    while (this.sending || this.buffer.length > 0) await (this.sending ?? this.sendNow());
  }

  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
  }

  private schedule(): void {
    if (this.sending || this.timer) return;
    const wait = this.lastSentAt + this.minIntervalMs - performance.now();
    if (wait <= 0) {
      void this.sendNow();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.sendNow();
    }, wait);
    this.timer.unref();
  }

  private sendNow(): Promise<void> {
    const batch = this.buffer;
    this.buffer = [];
    this.lastSentAt = performance.now();
    this.sent++;
    this.sending = this.send(batch)
      .catch(() => {
        // Lost nudge: workers' fallback poll covers it (and the feed's catch-up after a re-LISTEN).
      })
      .finally(() => {
        this.sending = null;
        if (this.buffer.length > 0) this.schedule();
      });
    return this.sending;
  }
}
