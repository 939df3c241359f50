/**
 * The change feed across processes: LISTEN/NOTIFY.
 *
 * The events of this process's committed writes go out as notifications on the schema's channel
 * after the commit, coalesced (notifier.ts: about one per 20 ms in a burst), so a rollback never
 * notifies and listeners get each process's batches in commit order. A write inside the
 * application's transaction (`{ tx }`) notifies inside it instead (spool cannot see that commit),
 * and PostgreSQL delivers that only if the app commits. The payload carries the writer's origin id and
 * the batch, encoded compactly (consecutive events sharing type, queue, state and time become
 * one group, the SQLite feed's codec); a batch larger than a NOTIFY payload (8,000 bytes) is
 * stored in `events` and the notification carries its seq instead.
 *
 * Each process holds ONE listening connection per backend, opened by `migrate()` (so a
 * subscriber that arrives later misses nothing another process commits after it subscribed)
 * or by the first `subscribe()`, and kept until `close()`. When it drops (server restart, failover, pg_terminate_backend) it
 * reconnects with capped, jittered backoff and LISTENs again. Notifications sent while it was
 * away are lost, so after a re-LISTEN the feed catches up: it delivers one nudge per queue that
 * holds queued jobs (`job:enqueued` with an empty job id and `data.catchUp`), which makes idle
 * workers of those queues claim at once instead of at their next fallback poll.
 * Notifications only nudge (backend.ts): a lost one delays work, never loses it.
 *
 * Events of this process are delivered from memory right after commit (its own notifications
 * are recognized by origin and skipped), but only once the LISTEN is in place, so a subscriber
 * that has seen its own write also sees every later write of other processes.
 *
 * `?listen=false` (PgBouncer in transaction mode): no LISTEN and no NOTIFY; only this process's
 * events reach its subscribers.
 */
import { randomBytes } from "node:crypto";
import type pg from "pg";
import type { BackendEvent, BackendEventListener } from "../backend.js";
import { decodeEvents, encodeEvents } from "../sqlite/change-feed.js";

/** Largest payload sent inline (PostgreSQL's limit is 8,000 bytes). */
export const NOTIFY_INLINE_MAX = 7_000;
export const RECONNECT_DELAY_MIN_MS = 50;
export const RECONNECT_DELAY_MAX_MS = 2_000;

export interface FeedOptions {
  channel: string;
  listen: boolean;
  /** A fresh, unconnected client for the LISTEN connection. */
  client: () => pg.Client;
  /** Reads a stored batch (no row: pruned, returns null). */
  fetch: (seq: number) => Promise<string | null>;
  /** The queues holding queued jobs, with the server's time (the catch-up after a re-LISTEN). */
  readyQueues: () => Promise<{ queues: string[]; at: number }>;
}

interface Pending {
  events: readonly BackendEvent[];
  to: BackendEventListener[];
}

export class PgFeed {
  /** Identifies this backend's notifications, so its own are not delivered twice. */
  readonly origin = randomBytes(6).toString("base64url");
  private readonly listeners = new Set<BackendEventListener>();
  private readonly listenHooks = new Set<() => void>();
  private client: pg.Client | null = null;
  private started = false;
  private ready = false;
  private pending: Pending[] = [];
  private attempts = 0;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  /** How many times a LISTEN was (re-)established: tests prove a reconnect with it. */
  listens = 0;

  constructor(private readonly options: FeedOptions) {}

  get channel(): string {
    return this.options.channel;
  }

  /** The notification payload for a batch, or null when it is too large to send inline. */
  inline(events: readonly BackendEvent[]): { payload: string; encoded: string } {
    const encoded = encodeEvents(events);
    return { payload: `${this.origin}|${encoded}`, encoded };
  }

  /**
   * The payload of a batch written in the application's transaction: marked with no origin of
   * ours, so this process's LISTEN delivers it too (only the app's commit makes it true).
   */
  inlineFromTransaction(events: readonly BackendEvent[]): string {
    return `tx|${encodeEvents(events)}`;
  }

  storedFromTransaction(seq: number): string {
    return `tx|@${seq}`;
  }

  get listening(): boolean {
    return this.options.listen;
  }

  subscribe(listener: BackendEventListener): () => void {
    if (this.closed) return () => {};
    this.listeners.add(listener);
    if (!this.started) this.start();
    return () => {
      this.listeners.delete(listener);
    };
  }

  /**
   * Opens the LISTEN connection now and waits (at most `timeoutMs`) until it listens. A failure
   * is not thrown: the feed keeps reconnecting in the background.
   */
  async listenNow(timeoutMs: number): Promise<void> {
    if (!this.options.listen || this.closed) return;
    if (!this.started) this.start();
    if (this.ready) return;
    await new Promise<void>((done) => {
      const timer = setTimeout(finish, timeoutMs);
      timer.unref();
      const remove = this.onListen(finish);
      function finish() {
        clearTimeout(timer);
        remove();
        done();
      }
    });
  }

  /** Runs after every (re-)established LISTEN. Returns the removal. */
  onListen(hook: () => void): () => void {
    this.listenHooks.add(hook);
    return () => this.listenHooks.delete(hook);
  }

  /** After a transaction of this process committed with these events. */
  committed(events: readonly BackendEvent[]): void {
    if (events.length === 0 || this.listeners.size === 0 || this.closed) return;
    const entry: Pending = { events, to: [...this.listeners] };
    if (this.ready || !this.options.listen) queueMicrotask(() => this.deliver(entry));
    else this.pending.push(entry);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    this.listenHooks.clear();
    this.pending = [];
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const client = this.client;
    this.client = null;
    if (client) await client.end().catch(() => {});
  }

  private start(): void {
    this.started = true;
    if (this.options.listen) void this.connect();
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = this.options.client();
    this.client = client;
    let failed = false;
    const fail = () => {
      if (failed) return;
      failed = true;
      this.ready = false;
      if (this.client === client) this.client = null;
      client.end().catch(() => {});
      this.flushPending(); // local events are not held back while the server is away
      this.reconnectLater();
    };
    client.on("error", fail);
    client.on("end", fail);
    client.on("notification", (msg) => {
      if (msg.channel === this.options.channel && msg.payload) void this.received(msg.payload);
    });
    try {
      await client.connect();
      await client.query(`LISTEN "${this.options.channel}"`);
    } catch {
      fail();
      return;
    }
    if (failed || this.closed) return;
    this.attempts = 0;
    this.ready = true;
    this.listens++;
    this.flushPending();
    if (this.listens > 1) void this.catchUp();
    for (const hook of [...this.listenHooks]) {
      try {
        hook();
      } catch {
        // a faulty hook must not stop the feed
      }
    }
  }

  private reconnectLater(): void {
    if (this.closed || this.timer) return;
    this.attempts++;
    const base = Math.min(
      RECONNECT_DELAY_MAX_MS,
      RECONNECT_DELAY_MIN_MS * 2 ** Math.min(this.attempts - 1, 10),
    );
    this.timer = setTimeout(
      () => {
        this.timer = null;
        void this.connect();
      },
      Math.round(base * (0.75 + Math.random() * 0.5)),
    );
    this.timer.unref();
  }

  /** After a re-LISTEN: one nudge per queue with queued jobs (what notifications may have said meanwhile). */
  private async catchUp(): Promise<void> {
    let ready: { queues: string[]; at: number };
    try {
      ready = await this.options.readyQueues();
    } catch {
      return; // the workers' fallback poll covers it
    }
    if (ready.queues.length === 0 || this.closed) return;
    const events: BackendEvent[] = ready.queues.map((queue) => ({
      type: "job:enqueued",
      jobId: "",
      queue,
      at: ready.at,
      state: "queued",
      data: { catchUp: true },
    }));
    this.deliver({ events, to: [...this.listeners] });
  }

  private flushPending(): void {
    const pending = this.pending;
    this.pending = [];
    for (const entry of pending) this.deliver(entry);
  }

  private async received(payload: string): Promise<void> {
    const bar = payload.indexOf("|");
    if (bar === -1 || payload.slice(0, bar) === this.origin) return;
    let text: string | null = payload.slice(bar + 1);
    if (text.startsWith("@")) {
      try {
        text = await this.options.fetch(Number(text.slice(1)));
      } catch {
        text = null;
      }
      if (text === null) return;
    }
    let events: BackendEvent[];
    try {
      events = decodeEvents(text);
    } catch {
      return;
    }
    this.deliver({ events, to: [...this.listeners] });
  }

  private deliver({ events, to }: Pending): void {
    for (const listener of to) {
      if (!this.listeners.has(listener)) continue;
      try {
        listener(events);
      } catch {
        // A faulty listener must not break the feed for the others.
      }
    }
  }
}
