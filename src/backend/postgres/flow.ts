/**
 * PostgreSQL backend, flow control: queue limits (spool.queue_limits) and the room they leave
 * a claim. A claim of a limited queue locks its limits row first (FOR UPDATE), so claims of
 * that queue take turns: each counts the running jobs every earlier claim committed (READ
 * COMMITTED reads afresh per statement) and moves the rate limit on from the stored state.
 * Claims of queues without limits take no lock: FOR UPDATE over no row locks nothing.
 */
import type { JobState } from "../../core/types.js";
import type { TransitionResult } from "../backend.js";
import { holdNameOf } from "../flow-gate.js";
import {
  checkBackoff,
  checkQueueHold,
  checkQueueLimitParams,
  type LimitsRow,
  limitRoom,
  limitsFromRow,
  limitsRowAfter,
  rateAdvance,
} from "../flow-limits.js";
import type { JobBackoffParams, QueueHoldParams, QueueLimitParams } from "../seam/flow.js";
import { jobEvent } from "./rows.js";
import type { PgStore, Tx } from "./store.js";

export async function pgQueueLimit(store: PgStore, params: QueueLimitParams): Promise<void> {
  const p = checkQueueLimitParams(params);
  await store.write("queue limit", async (tx) => {
    const sql = store.sql;
    const [old] = await tx.q<LimitsRow>(sql.QUEUE_LIMITS_LOCK, { queue: p.queue });
    const row = limitsRowAfter(old, p);
    if (row === null) await tx.q(sql.QUEUE_LIMITS_DELETE, { queue: p.queue });
    else await tx.q(sql.QUEUE_LIMITS_PUT, { queue: p.queue, now: tx.now, ...row });
  });
}

/** Inside the claim's transaction: locks the queue's limits (if any) and returns the room left. */
export async function pgClaimRoom(
  store: PgStore,
  tx: Tx,
  queue: string,
  want: number,
): Promise<{ room: number; retryAt: number | null; row: LimitsRow | undefined }> {
  const [hold] = await tx.q<{ until: number }>(store.sql.QUEUE_HOLD_GET, { queue });
  if (hold && hold.until > tx.now) return { room: 0, retryAt: hold.until, row: undefined };
  const [row] = await tx.q<LimitsRow>(store.sql.QUEUE_LIMITS_LOCK, { queue });
  if (!row) return { room: want, retryAt: null, row };
  let running = 0;
  if (row.concurrency !== null) {
    const [r] = await tx.q<{ n: number }>(store.sql.QUEUE_RUNNING, { queue });
    running = r?.n ?? 0;
  }
  return { ...limitRoom(limitsFromRow(row), running, row.rate_tat, want, tx.now), row };
}

/** Inside the claim's transaction: records `n` starts against the queue's rate limit. */
export async function pgClaimTook(
  store: PgStore,
  tx: Tx,
  queue: string,
  row: LimitsRow | undefined,
  n: number,
): Promise<void> {
  if (n === 0 || !row) return;
  const rate = limitsFromRow(row).rateLimit;
  if (rate)
    await tx.q(store.sql.QUEUE_LIMITS_TAT, { queue, tat: rateAdvance(rate, row.rate_tat, tx.now, n) });
}

export async function pgQueueHold(store: PgStore, params: QueueHoldParams): Promise<void> {
  const p = checkQueueHold(params);
  await store.write("queue hold", async (tx) => {
    // A task or key hold is stored under its group's name (flow-gate.ts).
    await tx.q(store.sql.QUEUE_HOLD_PUT, { queue: holdNameOf(p), until: p.until });
  });
}

export async function pgJobBackoff(store: PgStore, params: JobBackoffParams): Promise<TransitionResult> {
  checkBackoff(params);
  if (params.jobs.length === 0) return { ok: [], refused: [] };
  return store.write("backoff", async (tx) => {
    const ok: string[] = [];
    const refused: string[] = [];
    for (const { id, token, runAt } of params.jobs) {
      const [row] = await tx.q<{ queue: string; state: JobState }>(store.sql.JOB_BACKOFF, {
        id,
        token,
        run_at: Math.round(runAt),
        now: tx.now,
      });
      if (!row) {
        refused.push(id);
        continue;
      }
      ok.push(id);
      tx.events.push(jobEvent("job:retried", id, row.queue, tx.now, row.state));
    }
    return { ok, refused };
  });
}
