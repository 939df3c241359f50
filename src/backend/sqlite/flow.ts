/**
 * SQLite backend, flow control: queue limits (spool_queue_limits) and the room they leave a
 * claim. The claim runs in one write transaction, so counting running jobs, reading the rate
 * limit's state and claiming are atomic across every process sharing the file.
 */
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
import { jobEvent, type SqliteStore } from "./store.js";

export async function queueLimit(s: SqliteStore, params: QueueLimitParams): Promise<void> {
  const p = checkQueueLimitParams(params);
  const { now } = s.time();
  await s.write("queue limit", now, () => {
    const row = limitsRowAfter(s.sql.queueLimitsGet.get({ queue: p.queue }), p);
    if (row === null) s.sql.queueLimitsDelete.run({ queue: p.queue });
    else s.sql.queueLimitsPut.run({ queue: p.queue, now, ...row });
  });
}

/** Inside the claim's write transaction: how many of `want` the queue's limits allow now. */
export function claimRoom(
  s: SqliteStore,
  queue: string,
  want: number,
  now: number,
): { room: number; retryAt: number | null; row: LimitsRow | undefined } {
  const hold = s.sql.queueHoldGet.get({ queue })?.until;
  if (hold !== undefined && hold > now) return { room: 0, retryAt: hold, row: undefined };
  const row = s.sql.queueLimitsGet.get({ queue });
  if (!row) return { room: want, retryAt: null, row };
  const running = row.concurrency === null ? 0 : (s.sql.queueRunning.get({ queue })?.n ?? 0);
  return { ...limitRoom(limitsFromRow(row), running, row.rate_tat, want, now), row };
}

/** Inside the claim's write transaction: records `n` starts against the queue's rate limit. */
export function claimTook(
  s: SqliteStore,
  queue: string,
  row: LimitsRow | undefined,
  n: number,
  now: number,
): void {
  if (n === 0 || !row) return;
  const rate = limitsFromRow(row).rateLimit;
  if (rate) s.sql.queueLimitsTat.run({ queue, tat: rateAdvance(rate, row.rate_tat, now, n) });
}

export async function queueHold(s: SqliteStore, params: QueueHoldParams): Promise<void> {
  const p = checkQueueHold(params);
  const { until } = p;
  // `until` is in the caller's frame: moved to the store's (see store-clock.ts).
  const { now, skew } = s.time();
  await s.write("queue hold", now, () => {
    // A task or key hold is stored under its group's name (flow-gate.ts).
    s.sql.queueHoldPut.run({ queue: holdNameOf(p), until: until + skew });
  });
}

export async function jobBackoff(s: SqliteStore, params: JobBackoffParams): Promise<TransitionResult> {
  checkBackoff(params);
  const { now, skew } = s.time();
  return s.write("backoff", now, (events) => {
    const ok: string[] = [];
    const refused: string[] = [];
    for (const { id, token, runAt } of params.jobs) {
      const row = s.sql.jobBackoff.get({ id, token, run_at: runAt + skew, now });
      if (!row) {
        refused.push(id);
        continue;
      }
      ok.push(id);
      events.push(jobEvent("job:retried", id, row.queue, now, row.state));
    }
    return { ok, refused };
  });
}
