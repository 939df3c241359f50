/**
 * The Redis change feed as this process receives it: listeners with the event types they
 * asked for, the SUBSCRIBE of the events channel (and of the per-job flow channel once a
 * listener wants job:started / job:completed), and the promise writes wait on until Redis
 * confirmed the first SUBSCRIBE.
 */
import type { Redis } from "ioredis";
import type { BackendEvent, BackendEventListener, SubscribeOptions } from "../backend.js";
import { decodeFeed } from "./feed.js";

export class RedisSubscriber {
  private readonly channel: string;
  /** Per-job started/completed events (see includes/events.lua), subscribed only when wanted. */
  private readonly flowChannel: string;
  private flowSubscribed = false;
  /** Each listener with the event types it asked for (null: all). */
  private readonly listeners = new Map<BackendEventListener, ReadonlySet<string> | null>();
  /** The union of what listeners asked for (undefined: some listener wants everything). */
  private wanted: ReadonlySet<string> | undefined = undefined;
  private subscribed = false;
  /** Set until Redis confirmed the pending SUBSCRIBE: this backend's writes wait on it. */
  pending: Promise<void> | null = null;

  constructor(
    private readonly sub: Redis,
    keyPrefix: string,
  ) {
    this.channel = `${keyPrefix}events`;
    this.flowChannel = `${keyPrefix}events:flow`;
  }

  /**
   * Listeners get every event published under this prefix, by any process. The first call
   * SUBSCRIBEs the (already connected) subscriber connection; until Redis confirms it, this
   * backend's writes wait for it (at most FEED_READY_WAIT_MS), so a listener added before a
   * call always sees that call's events, as with the in-process backends. Before the first
   * subscribe() the process receives nothing (a pure producer pays no feed traffic).
   */
  subscribe(listener: BackendEventListener, options?: SubscribeOptions): () => void {
    this.listeners.set(listener, options?.types ? new Set(options.types) : null);
    this.wanted = wantedTypes(this.listeners.values());
    if (!this.subscribed) this.openFeed();
    // Once some listener wants per-job started/completed events, this process keeps receiving
    // them (no UNSUBSCRIBE): simpler, and listeners ignore types they did not ask for anyway.
    if (!this.flowSubscribed && wantsFlow(this.wanted)) this.subscribeFlow();
    return () => {
      this.listeners.delete(listener);
      this.wanted = wantedTypes(this.listeners.values());
    };
  }

  clear(): void {
    this.listeners.clear();
  }

  private openFeed(): void {
    const sub = this.sub;
    this.subscribed = true;
    sub.on("message", (channel: string, payload: string) => {
      if ((channel !== this.channel && channel !== this.flowChannel) || this.listeners.size === 0) return;
      let events: BackendEvent[];
      try {
        events = decodeFeed(payload, this.wanted);
      } catch {
        return;
      }
      for (const listener of this.listeners.keys()) {
        try {
          listener(events);
        } catch {
          // A faulty listener must not break delivery to the others.
        }
      }
    });
    this.awaitSubscribe(sub.subscribe(this.channel));
  }

  private subscribeFlow(): void {
    this.flowSubscribed = true;
    this.awaitSubscribe(this.sub.subscribe(this.flowChannel));
  }

  /**
   * The connection is already up (createRedisBackend connects it), so SUBSCRIBE is written to
   * the socket at once, before any write this process makes after subscribe() returns; until
   * Redis confirms it, writes wait on `pending` (see RedisStore.runRaw).
   */
  private awaitSubscribe(subscribing: Promise<unknown>): void {
    const before = this.pending;
    const ready: Promise<void> = Promise.all([before, subscribing])
      .then(
        () => undefined,
        () => undefined,
      )
      .finally(() => {
        if (this.pending === ready) this.pending = null;
      });
    this.pending = ready;
  }
}

/** Whether listeners that asked for `wanted` need the flow channel (job:started, job:completed). */
function wantsFlow(wanted: ReadonlySet<string> | undefined): boolean {
  return wanted === undefined || wanted.has("job:started") || wanted.has("job:completed");
}

/** The types some listener asked for; undefined as soon as one asked for everything. */
function wantedTypes(asked: Iterable<ReadonlySet<string> | null>): ReadonlySet<string> | undefined {
  const union = new Set<string>();
  for (const types of asked) {
    if (types === null) return undefined;
    for (const t of types) union.add(t);
  }
  return union;
}
