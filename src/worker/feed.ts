/**
 * What a worker reads from the change feed: wake-ups for its claim loop (new, released,
 * rescued, retried jobs and resumed queues in its queues), and the end of jobs it may hold
 * (cancelled, removed), which abort their handlers.
 */
import type { Backend, BackendEvent, BackendEventType } from "../backend/backend.js";

const WAKE_EVENTS = new Set<BackendEventType>([
  "job:enqueued",
  "job:released",
  "job:rescued",
  "job:retried",
  "queue:resumed",
]);
const FEED_TYPES: readonly BackendEventType[] = [...WAKE_EVENTS, "job:cancelled", "job:removed"];

export interface FeedTarget {
  queues: readonly string[];
  /** Parked for push delivery right now (see push-receiver.ts). */
  parked(): boolean;
  jobEnded(id: string, kind: "cancelled" | "removed"): void;
  nudge(): void;
}

/** Subscribes; returns the unsubscribe. */
export function listenToFeed(backend: Backend, target: FeedTarget): () => void {
  const queues = new Set(target.queues);
  return backend.subscribe(
    (events: readonly BackendEvent[]) => {
      let nudge = false;
      for (const e of events) {
        if (e.type === "job:cancelled" || e.type === "job:removed") {
          target.jobEnded(e.jobId, e.type === "job:cancelled" ? "cancelled" : "removed");
        } else if (
          !nudge &&
          WAKE_EVENTS.has(e.type) &&
          queues.has(e.queue) &&
          // Parked: a job that became `queued` was pushed to us if we had room (a claim now
          // would only race the push); a `scheduled` one still moves our next wake-up.
          !(target.parked() && e.state === "queued")
        ) {
          // A `scheduled` job nudges too: the claim that follows returns its runAt as
          // `nextRunAt`, and the loop sleeps exactly until then.
          nudge = true;
        }
      }
      if (nudge) target.nudge();
    },
    { types: FEED_TYPES },
  );
}
