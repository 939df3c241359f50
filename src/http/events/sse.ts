/**
 * Server-Sent Events: each open `GET /api/events` stream is a `SseClient` fed by the
 * `EventHub`. One timer per server writes the heartbeat comment to every stream (proxies
 * close idle connections; the comment also lets a client notice a dead connection).
 *
 * Wire format, one event per backend change:
 *
 * ```
 * id: 3f9a0c1e-42
 * data: {"type":"job:completed","jobId":"…","queue":"pdf","at":1720000000000,"state":"completed"}
 * ```
 *
 * plus `event: spool:resync` when a resume cannot be served from the buffer. A client
 * that falls more than `PENDING_MAX` messages behind is disconnected; it reconnects with
 * `Last-Event-ID` and resumes from the buffer, so a slow reader never grows server memory.
 */
import type { BackendEvent } from "../../backend/backend.js";
import type { EventHub, HubEvent } from "./hub.js";

/** Queued messages per stream before a slow reader is cut off. */
export const PENDING_MAX = 5000;
/** Reconnect delay suggested to EventSource clients (`retry:`). */
export const RETRY_MS = 2000;

export interface EventFilter {
  queues: Set<string> | null;
  jobs: Set<string> | null;
  types: Set<string> | null;
  /** Schedule events (`schedule:*`) of these schedules only (their name is in `data.schedule`). */
  schedules?: Set<string> | null;
  /** Job ids of the workflows asked for: a workflow's jobs are fixed when it is enqueued. */
  workflowJobs?: Set<string> | null;
}

export function matches(filter: EventFilter, e: BackendEvent): boolean {
  if (filter.queues && !filter.queues.has(e.queue)) return false;
  if (filter.jobs && !filter.jobs.has(e.jobId)) return false;
  if (filter.types && !filter.types.has(e.type)) return false;
  if (filter.workflowJobs && !filter.workflowJobs.has(e.jobId)) return false;
  if (filter.schedules) {
    const name = e.data?.schedule;
    if (typeof name !== "string" || !e.type.startsWith("schedule:") || !filter.schedules.has(name))
      return false;
  }
  return true;
}

const encoder = new TextEncoder();

export function formatEvent(item: HubEvent): string {
  return `id: ${item.id}\ndata: ${JSON.stringify(item.event)}\n\n`;
}

export class SseHub {
  private readonly clients = new Set<SseClient>();
  private timer: NodeJS.Timeout | null = null;
  private stopHub: (() => void) | null = null;

  constructor(
    private readonly hub: EventHub,
    private readonly heartbeatMs: number,
    readonly max: number,
  ) {}

  get size(): number {
    return this.clients.size;
  }

  start(): void {
    this.stopHub = this.hub.listen((batch) => {
      for (const client of this.clients) client.send(batch);
    });
    this.timer = setInterval(() => {
      for (const client of this.clients) client.write(": ping\n\n");
    }, this.heartbeatMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.stopHub?.();
    for (const client of [...this.clients]) client.close();
  }

  /** Opens a stream; the first bytes replay what `lastEventId` missed. */
  open(
    filter: EventFilter,
    lastEventId: string | undefined,
    signal: AbortSignal,
  ): ReadableStream<Uint8Array> {
    const client = new SseClient(filter, () => this.clients.delete(client));
    const stream = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          client.attach(controller);
          client.write(`retry: ${RETRY_MS}\n: connected\n\n`);
          const point = this.hub.resume(lastEventId);
          if (point.kind === "replay") client.send(point.events);
          else if (point.kind === "gap")
            client.write(
              `id: ${this.hub.boot}-${this.hub.head}\nevent: spool:resync\ndata: ${JSON.stringify({
                reason: point.reason,
              })}\n\n`,
            );
          // Registered after the replay, in the same tick: nothing published in between is lost.
          this.clients.add(client);
        },
        cancel: () => client.close(),
      },
      { highWaterMark: 1 },
    );
    if (signal.aborted) client.close();
    else signal.addEventListener("abort", () => client.close(), { once: true });
    return stream;
  }
}

class SseClient {
  private controller: ReadableStreamDefaultController<Uint8Array> | null = null;
  private closed = false;

  constructor(
    private readonly filter: EventFilter,
    private readonly onClose: () => void,
  ) {}

  attach(controller: ReadableStreamDefaultController<Uint8Array>): void {
    this.controller = controller;
  }

  send(batch: readonly HubEvent[]): void {
    let text = "";
    for (const item of batch) if (matches(this.filter, item.event)) text += formatEvent(item);
    if (text) this.write(text);
  }

  write(text: string): void {
    if (this.closed || !this.controller) return;
    if ((this.controller.desiredSize ?? 0) < -PENDING_MAX) {
      this.close();
      return;
    }
    try {
      this.controller.enqueue(encoder.encode(text));
    } catch {
      this.close();
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose();
    try {
      this.controller?.close();
    } catch {
      // Already closed or cancelled by the reader.
    }
  }
}
