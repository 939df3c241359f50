/** The Backend seam, change feed and capabilities (see backend.ts). */
import type { EpochMs, JobState } from "../../core/types.js";
import type { ScheduleEventType } from "./schedules.js";

// ── the change feed ────────────────────────────────────────────────────────────────────

export type BackendEventType =
  | "job:enqueued"
  | "job:started"
  | "job:progress"
  | "job:log"
  | "job:completed"
  | "job:retried"
  | "job:failed"
  | "job:cancelled"
  | "job:released"
  | "job:rescued"
  | "job:removed"
  | "job:updated"
  | "queue:paused"
  | "queue:resumed"
  | ScheduleEventType;

export interface BackendEvent {
  type: BackendEventType;
  /** Empty for queue events. */
  jobId: string;
  queue: string;
  at: EpochMs;
  /** The job's state after the event (for job events). */
  state?: JobState;
  /** Event-specific facts: attempt, progress, error, runAt, workflow ids. */
  data?: Record<string, unknown>;
}

export type BackendEventListener = (events: readonly BackendEvent[]) => void;

export interface SubscribeOptions {
  /** The event types this listener uses (a hint, see `Backend.subscribe`). Absent: all. */
  types?: readonly BackendEventType[];
}

export interface BackendCapabilities {
  /** State is shared with other processes (false for memory). */
  crossProcess: boolean;
  /** How the change feed reaches other processes: "none" (in-process only), "watch" (file watch), "push". */
  notify: "none" | "watch" | "push";
  /** Push delivery to parked workers: `JobClaimParams.park`, `jobAwaitPushed`, `jobInterruptPushed`. */
  push: boolean;
}
