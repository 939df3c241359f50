/**
 * What a worker reads from the change feed: wake-ups for its claim loop (new, released,
 * rescued, retried jobs and resumed queues in its queues; and, while its last claim was held
 * back by a limit, any job that stopped running, in any queue, since that may free the cap),
 * and the end of jobs it may hold (cancelled, removed), which abort their handlers.
 */
import type { Backend, BackendEvent, BackendEventType } from "../backend/backend.js";

const WAKE_EVENTS = new Set<BackendEventType>([
  "job:enqueued",
  "job:released",
  "job:rescued",
  "job:retried",
  "queue:resumed",
]);
/**
 * A job stopped running (or left the store): a concurrency cap it counted against may have room.
 * Task and key caps count a task's jobs in every queue, so these wake from any queue.
 */
const FREED_EVENTS = new Set<BackendEventType>([
  "job:completed",
  "job:failed",
  "job:cancelled",
  "job:removed",
]);
const FEED_TYPES: readonly BackendEventType[] = [...WAKE_EVENTS, ...FREED_EVENTS];

export interface FeedTarget {
  queues: readonly string[];
  /** Parked for push delivery right now (see push-receiver.ts). */
  parked(): boolean;
  /** The last claim left slots free because a limit held jobs back (claim-loop.ts). */
  waitingOnLimit(): boolean;
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
        if (e.type === "job:cancelled" || e.type === "job:removed")
          target.jobEnded(e.jobId, e.type === "job:cancelled" ? "cancelled" : "removed");
        if (FREED_EVENTS.has(e.type)) {
          // Read per event: a claim may have ended the wait since the last one.
          if (!nudge && target.waitingOnLimit()) nudge = true;
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
