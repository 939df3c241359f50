/**
 * The server's one subscription to the backend change feed, fanned out to every SSE client,
 * the metrics and the throughput counters. No client ever polls the store.
 *
 * Each event gets an id `<boot>-<seq>`: `seq` counts up from 1 for this server process, and
 * `boot` is random per process, so an id from a previous server (or another replica) is
 * recognised as foreign instead of being mistaken for a position in this stream.
 *
 * The last `capacity` events stay in a ring buffer for resume: a client reconnecting with
 * `Last-Event-ID` gets everything after that id if it is still buffered; otherwise it is told
 * it missed events (`spool:resync`) and should re-read state over the REST API.
 */
import { randomBytes } from "node:crypto";
import type { Backend, BackendEvent } from "../../backend/backend.js";

export interface HubEvent {
  seq: number;
  /** `<boot>-<seq>`, the SSE `id:`. */
  id: string;
  event: BackendEvent;
}

export type HubListener = (events: readonly HubEvent[]) => void;

export type ResumePoint =
  | { kind: "live" }
  | { kind: "replay"; events: HubEvent[] }
  /** The id is from another server process, or older than the buffer keeps. */
  | { kind: "gap"; reason: "unknown-stream" | "evicted" };

export class EventHub {
  readonly boot = randomBytes(4).toString("hex");
  private readonly ring: (HubEvent | undefined)[];
  private seq = 0;
  private readonly listeners = new Set<HubListener>();
  private unsubscribe: (() => void) | null = null;

  constructor(readonly capacity: number) {
    this.ring = new Array(capacity);
  }

  start(backend: Backend): void {
    if (this.unsubscribe) return;
    this.unsubscribe = backend.subscribe((events) => this.publish(events));
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.listeners.clear();
  }

  /** The newest sequence number published (0 before the first event). */
  get head(): number {
    return this.seq;
  }

  listen(listener: HubListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Visible for tests: feeds events as the backend would. */
  publish(events: readonly BackendEvent[]): void {
    const batch: HubEvent[] = [];
    for (const event of events) {
      const seq = ++this.seq;
      const item = { seq, id: `${this.boot}-${seq}`, event };
      this.ring[seq % this.capacity] = item;
      batch.push(item);
    }
    for (const listener of this.listeners) {
      try {
        listener(batch);
      } catch {
        // One failing consumer (a closed stream, a metrics bug) must not starve the others.
      }
    }
  }

  /** Where a client that last saw `lastEventId` resumes. */
  resume(lastEventId: string | undefined): ResumePoint {
    if (!lastEventId) return { kind: "live" };
    const m = /^([0-9a-f]{8})-(\d{1,15})$/.exec(lastEventId.trim());
    if (!m || m[1] !== this.boot) return { kind: "gap", reason: "unknown-stream" };
    const last = Number(m[2]);
    if (last > this.seq) return { kind: "gap", reason: "unknown-stream" };
    const oldest = Math.max(1, this.seq - this.capacity + 1);
    if (last + 1 < oldest) return { kind: "gap", reason: "evicted" };
    const events: HubEvent[] = [];
    for (let s = last + 1; s <= this.seq; s++) events.push(this.ring[s % this.capacity]!);
    return events.length ? { kind: "replay", events } : { kind: "live" };
  }
}
