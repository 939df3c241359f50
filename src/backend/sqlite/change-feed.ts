/**
 * The change feed across processes.
 *
 * Writers append one row per committed batch to `spool_events`, in the same transaction as
 * the transition, so a row exists exactly when its transition does. Subscribers in every
 * process read the rows after the last sequence number they delivered.
 *
 * Wake-ups, cheapest first:
 * - a commit in this process schedules a read at once (its events are delivered from memory,
 *   not re-parsed);
 * - `fs.watch` on the database directory: every commit of another process writes the
 *   `<file>-wal` file, and inotify (or the platform's equivalent) reports it within microseconds;
 * - a fallback poll every `pollMs`, because file watching fails on network filesystems and in
 *   some containers.
 * Each wake-up first asks `PRAGMA data_version` (one integer, no table read) and reads rows only
 * when another connection committed since the last read. Reads are synchronous, so at most one
 * runs at a time and wake-ups that arrive together coalesce into one read.
 *
 * Rows are compact: consecutive events sharing type, queue, state and time become one group
 * `[type, queue, state, at, ids[], data[] | null]`, so a 1,000-job enqueue is one short row.
 * Old rows are pruned from time to time inside a write transaction (older than 10 minutes or
 * beyond the newest 2,000 rows); a subscriber that falls further behind skips ahead. The feed
 * only nudges (see backend.ts): a missed event delays work, it never loses it.
 */
import { type FSWatcher, watch } from "node:fs";
import { basename, dirname } from "node:path";
import type { JobState } from "../../core/types.js";
import type { BackendEvent, BackendEventListener, BackendEventType } from "../backend.js";
import type { FeedStatements } from "./statements.js";

export const EVENTS_MAX_AGE_MS = 10 * 60_000;
export const EVENTS_KEEP_ROWS = 2000;
/** Prune after this many appended rows, or after PRUNE_INTERVAL_MS, whichever comes first. */
const PRUNE_EVERY_ROWS = 256;
const PRUNE_INTERVAL_MS = 5000;
const PRUNE_BATCH = 1000;
/** Rows read per query while catching up. */
const READ_PAGE = 512;
/**
 * A WAL write is reported a moment before the commit becomes visible (the wal-index in shared
 * memory is updated after the write), so a wake-up that finds nothing new looks once more.
 */
const RECHECK_MS = 2;

type Group = [
  type: BackendEventType,
  queue: string,
  state: JobState | null,
  at: number,
  ids: string[],
  data: (Record<string, unknown> | null)[] | null,
];

export function encodeEvents(events: readonly BackendEvent[]): string {
  const groups: Group[] = [];
  let last: Group | undefined;
  for (const e of events) {
    const state = e.state ?? null;
    if (!last || last[0] !== e.type || last[1] !== e.queue || last[2] !== state || last[3] !== e.at) {
      last = [e.type, e.queue, state, e.at, [], null];
      groups.push(last);
    }
    if (e.data !== undefined && last[5] === null) last[5] = last[4].map(() => null);
    last[4].push(e.jobId);
    last[5]?.push(e.data ?? null);
  }
  return JSON.stringify(groups);
}

export function decodeEvents(text: string): BackendEvent[] {
  const out: BackendEvent[] = [];
  for (const [type, queue, state, at, ids, data] of JSON.parse(text) as Group[]) {
    for (let i = 0; i < ids.length; i++) {
      const event: BackendEvent = { type, jobId: ids[i]!, queue, at };
      if (state !== null) event.state = state;
      const d = data?.[i];
      if (d !== null && d !== undefined) event.data = d;
      out.push(event);
    }
  }
  return out;
}

interface Subscriber {
  listener: BackendEventListener;
  /** Rows up to this sequence number were committed before it subscribed. */
  from: number;
}

export class ChangeFeed {
  private subscribers = new Set<Subscriber>();
  private cursor = 0;
  private lastDataVersion = -1;
  /** Events committed by this process, by row, waiting for the next read to deliver them in order. */
  private local = new Map<number, readonly BackendEvent[]>();
  private pumpQueued = false;
  private recheck: NodeJS.Timeout | null = null;
  private poller: NodeJS.Timeout | null = null;
  private watcher: FSWatcher | null = null;
  private rowsSincePrune = 0;
  private lastPruneAt: number;
  private closed = false;

  constructor(
    private readonly sql: FeedStatements,
    private readonly file: string,
    private readonly pollMs: number,
    now: number,
  ) {
    this.lastPruneAt = now;
  }

  /** Inside a write transaction: records the batch's events. Returns the row's sequence number (0: none). */
  append(events: readonly BackendEvent[], now: number): number {
    if (events.length === 0) return 0;
    const seq = Number(this.sql.insert.run({ at: now, events: encodeEvents(events) }).lastInsertRowid);
    if (++this.rowsSincePrune >= PRUNE_EVERY_ROWS || now - this.lastPruneAt >= PRUNE_INTERVAL_MS) {
      this.prune(now);
    }
    return seq;
  }

  /** Inside a write transaction: drops old rows (also called by append from time to time). */
  prune(now: number): void {
    this.sql.prune.run({ batch: PRUNE_BATCH, before: now - EVENTS_MAX_AGE_MS, keep: EVENTS_KEEP_ROWS });
    this.rowsSincePrune = 0;
    this.lastPruneAt = now;
  }

  /** After the transaction that appended row `seq` committed. */
  committed(seq: number, events: readonly BackendEvent[]): void {
    if (seq === 0 || this.subscribers.size === 0 || this.closed) return;
    this.local.set(seq, events);
    this.schedulePump();
  }

  subscribe(listener: BackendEventListener): () => void {
    if (this.closed) return () => {};
    const sub: Subscriber = { listener, from: this.sql.head.get()!.seq };
    if (this.subscribers.size === 0) {
      this.cursor = sub.from;
      this.lastDataVersion = this.sql.dataVersion.get()!.data_version;
      this.start();
    }
    this.subscribers.add(sub);
    return () => {
      if (!this.subscribers.delete(sub)) return;
      if (this.subscribers.size === 0) this.stop();
    };
  }

  close(): void {
    this.closed = true;
    this.subscribers.clear();
    this.stop();
  }

  private start(): void {
    const wal = `${basename(this.file)}-wal`;
    try {
      this.watcher = watch(dirname(this.file), { persistent: false }, (_event, name) => {
        if (name === null || name === wal) this.wake(true);
      });
      this.watcher.on("error", () => {
        // The poll below keeps the feed alive.
        this.watcher?.close();
        this.watcher = null;
      });
    } catch {
      this.watcher = null;
    }
    this.poller = setInterval(() => this.wake(false), this.pollMs);
    this.poller.unref();
  }

  private stop(): void {
    this.watcher?.close();
    this.watcher = null;
    if (this.poller) clearInterval(this.poller);
    this.poller = null;
    if (this.recheck) clearTimeout(this.recheck);
    this.recheck = null;
    this.local.clear();
  }

  /** A possible commit by another process: read if data_version moved. */
  private wake(fromWatch: boolean): void {
    if (this.closed || this.subscribers.size === 0) return;
    let version: number;
    try {
      version = this.sql.dataVersion.get()!.data_version;
    } catch {
      return;
    }
    if (version !== this.lastDataVersion) {
      this.pump();
    } else if (fromWatch && this.recheck === null) {
      this.recheck = setTimeout(() => {
        this.recheck = null;
        this.wake(false);
      }, RECHECK_MS);
      this.recheck.unref();
    }
  }

  private schedulePump(): void {
    if (this.pumpQueued) return;
    this.pumpQueued = true;
    queueMicrotask(() => {
      this.pumpQueued = false;
      this.pump();
    });
  }

  private pump(): void {
    if (this.closed || this.subscribers.size === 0) return;
    try {
      const version = this.sql.dataVersion.get()!.data_version;
      if (version === this.lastDataVersion && this.local.size > 0) {
        // No other connection committed since the last read, so every row after the cursor
        // is one of ours and already in memory: deliver without reading the table.
        for (const [seq, events] of [...this.local].sort((a, b) => a[0] - b[0])) {
          if (seq <= this.cursor) continue;
          this.cursor = seq;
          this.deliver(seq, events);
        }
      } else {
        this.lastDataVersion = version;
        for (;;) {
          const rows = this.sql.since.all({ seq: this.cursor, limit: READ_PAGE });
          for (const row of rows) {
            const events = this.local.get(row.seq) ?? decodeEvents(row.events);
            this.cursor = row.seq;
            this.deliver(row.seq, events);
          }
          if (rows.length < READ_PAGE || this.subscribers.size === 0) break;
        }
      }
    } catch {
      // A failed read (closing, I/O error) is retried by the next wake-up or poll.
    }
    for (const seq of this.local.keys()) if (seq <= this.cursor) this.local.delete(seq);
  }

  private deliver(seq: number, events: readonly BackendEvent[]): void {
    for (const sub of [...this.subscribers]) {
      if (seq <= sub.from) continue;
      try {
        sub.listener(events);
      } catch {
        // A faulty listener must not break the feed for the others.
      }
    }
  }
}
