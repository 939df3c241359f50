/**
 * Durable follow-ups (docs/flow-control.md, "Durable follow-ups"): `enqueue(input, { then, catch })`.
 * The follow-up jobs are resolved at enqueue (task known, input validated and serialized, id
 * chosen) and stored with the parent as `FollowUpJob` templates; the store inserts the one that
 * matches the outcome in the same atomic write that records it (completion: `then`; final
 * failure: `catch`), so each is written exactly once per outcome, and never for a stale lease.
 */
import type { BuiltJobFlow } from "./task-flow.js";
import type { JobErrorRecord } from "./types.js";

/** What a store keeps per follow-up, and turns into a job at the outcome (`followUpJob`). */
export interface FollowUpJob {
  /** Chosen at enqueue: a second insert of the same follow-up (which fencing rules out) would collide. */
  id: string;
  task: string;
  queue: string;
  /** Serialized input, or null: the parent's serialized result (then) or error record (catch). */
  input: string | null;
  priority: number;
  maxAttempts: number;
  /** JSON text of the job's meta, `parent` included. */
  meta: string;
  leaseMs: number | null;
  timeoutMs: number | null;
  /**
   * The follow-up task's limits (concurrency / rateLimit), or null. Keyed by the template's
   * input, or (piped: the input is only known at the outcome) by an explicit `limitKey` only.
   */
  flow: BuiltJobFlow | null;
}

/** Keyed by outcome (not `then`/`catch`: an object with a `then` field is half a thenable). */
export interface NewJobFollowUps {
  completed?: FollowUpJob;
  failed?: FollowUpJob;
}

export type FollowUpOutcome = "completed" | "failed";

/** `meta.parent` of a follow-up job: which job's outcome made it. */
export interface FollowUpLink {
  id: string;
  outcome: FollowUpOutcome;
}

/** `ctx.parent` in a follow-up's handler: the parent's outcome, read when the follow-up starts. */
export interface ParentOutcome {
  id: string;
  task: string;
  outcome: FollowUpOutcome;
  /** The parent's result (deserialized) when it completed. */
  result?: unknown;
  /** The parent's last error when it failed. */
  error?: JobErrorRecord;
}

/** Options a follow-up call may carry: the rest (delay, key, dependsOn, dedupe …) has no meaning at an outcome. */
export const FOLLOW_UP_OPTION_KEYS: ReadonlySet<string> = new Set([
  "queue",
  "priority",
  "attempts",
  "timeout",
  "lease",
  "meta",
  "limitKey",
]);
