import type { JobState } from "./types.js";

/**
 * Every legal state change. Backends enforce these atomically (compare-and-set on the
 * current state and, for `running`, on the lease token); this table is the single
 * written-down source that the conformance suite checks them against.
 *
 * ```
 *             enqueue                    enqueue(delay)          enqueue(dependsOn)
 *                │                             │                         │
 *                ▼          runAt reached      ▼        all deps done    ▼
 *   ┌──────── queued ◄────────────────── scheduled       queued ◄──── waiting
 *   │            │ claim (lease)               ▲                         │
 *   │            ▼                             │ fail, attempts left     │ dep failed/cancelled
 *   │         running ─────────────────────────┘                         ▼
 *   │   complete │  │ fail, no attempts left / NonRetriable          cancelled
 *   │            ▼  ▼
 *   │   completed   failed ──── retry (manual) ───► queued
 *   │
 *   └── cancel (from waiting/scheduled/queued/running) ──► cancelled
 *   running ── lease expired (rescue) ──► queued (or failed when attempts are used up)
 *   running ── release (shutdown) ──► queued (attempt not counted)
 * ```
 */
export const TRANSITIONS: Readonly<Record<JobState, readonly JobState[]>> = {
  waiting: ["queued", "scheduled", "cancelled"],
  scheduled: ["queued", "cancelled"],
  queued: ["running", "cancelled"],
  running: ["completed", "failed", "scheduled", "queued", "cancelled"],
  completed: [],
  failed: ["queued"],
  cancelled: ["queued"],
};

export function canTransition(from: JobState, to: JobState): boolean {
  return TRANSITIONS[from].includes(to);
}
