/**
 * SQLite backend, flow control: queue limits (spool_queue_limits) and the room they leave a
 * claim. The claim runs in one write transaction, so counting running jobs, reading the rate
 * limit's state and claiming are atomic across every process sharing the file.
 */
import { checkQueueLimitParams, limitRoom, rateAdvance } from "../flow-limits.js";
import type { QueueLimitParams, QueueLimits } from "../seam/flow.js";
import type { LimitsRow } from "./statements.js";
import type { SqliteStore } from "./store.js";

export function rowLimits(row: LimitsRow): QueueLimits {
  return {
    concurrency: row.concurrency,
    rateLimit:
      row.rate_limit === null || row.rate_per_ms === null
        ? null
        : { limit: row.rate_limit, perMs: row.rate_per_ms, burst: row.rate_burst ?? 0 },
  };
}

export async function queueLimit(s: SqliteStore, params: QueueLimitParams): Promise<void> {
  const p = checkQueueLimitParams(params);
  const { now } = s.time();
  await s.write("queue limit", now, () => {
    const old = s.sql.queueLimitsGet.get({ queue: p.queue });
    const row: LimitsRow = old
      ? { ...old }
      : { concurrency: null, rate_limit: null, rate_per_ms: null, rate_burst: null, rate_tat: null };
    if (p.concurrency !== undefined) row.concurrency = p.concurrency;
    if (p.rateLimit !== undefined) {
      row.rate_limit = p.rateLimit?.limit ?? null;
      row.rate_per_ms = p.rateLimit?.perMs ?? null;
      row.rate_burst = p.rateLimit?.burst ?? null;
      row.rate_tat = null;
    }
    if (row.concurrency === null && row.rate_limit === null) s.sql.queueLimitsDelete.run({ queue: p.queue });
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
  const row = s.sql.queueLimitsGet.get({ queue });
  if (!row) return { room: want, retryAt: null, row };
  const running = row.concurrency === null ? 0 : (s.sql.queueRunning.get({ queue })?.n ?? 0);
  return { ...limitRoom(rowLimits(row), running, row.rate_tat, want, now), row };
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
  const rate = rowLimits(row).rateLimit;
  if (rate) s.sql.queueLimitsTat.run({ queue, tat: rateAdvance(rate, row.rate_tat, now, n) });
}
