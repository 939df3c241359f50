/** SQLite backend, maintenance section: leases, rescue, retention, the worker registry. */

import type { JobErrorRecord, JobState } from "../../core/types.js";
import type {
  LeaseRenewParams,
  LeaseRenewResult,
  LeaseRescueParams,
  LeaseRescueResult,
  RetentionPruneParams,
  WorkerHeartbeatParams,
} from "../backend.js";
import { LEASE_EXPIRED_MESSAGE } from "../shared.js";
import { takeFollowUp } from "./follow-ups.js";
import { jobEvent, type SqliteStore } from "./store.js";

export async function leaseRenew(
  s: SqliteStore,
  { leases, leaseMs }: LeaseRenewParams,
): Promise<LeaseRenewResult> {
  const { now, skew } = s.time();
  return s.write("renew", now, () => {
    const out: LeaseRenewResult = { renewed: [], lost: [] };
    for (const { id, token } of leases) {
      const row = s.sql.leaseRenew.get({ id, token, now, lease_ms: leaseMs });
      // Handed back in the caller's frame (it times the next renewal on its own clock).
      if (row) out.renewed.push({ id, leaseExpiresAt: row.lease_expires_at - skew });
      else out.lost.push(id);
    }
    return out;
  });
}

export async function leaseRescue(s: SqliteStore, params: LeaseRescueParams): Promise<LeaseRescueResult> {
  const { now } = s.time();
  // Like memory's `count >= limit` check: a fractional limit rounds up, none below 1.
  const limit = Math.ceil(params.limit);
  if (!(limit > 0)) return { requeued: [], failed: [] };
  return s.write("rescue", now, (events) => {
    const out: LeaseRescueResult = { requeued: [], failed: [] };
    for (const row of s.sql.leaseRescue.all({ now, limit, message: LEASE_EXPIRED_MESSAGE })) {
      const error = JSON.parse(row.error) as JobErrorRecord;
      if (row.state === "queued") {
        out.requeued.push(row.id);
        events.push(
          jobEvent("job:rescued", row.id, row.queue, now, "queued", { attempt: row.attempt, error }),
        );
      } else {
        out.failed.push(row.id);
        events.push(
          jobEvent("job:failed", row.id, row.queue, now, "failed", { attempt: row.attempt, error }),
        );
        if (row.has_dependents) takeFollowUp(s.sql, row.id, "failed", row.error, now, events);
        s.failed(row.id, row.has_dependents, now, events);
      }
    }
    return out;
  });
}

export async function retentionPrune(
  s: SqliteStore,
  params: RetentionPruneParams,
): Promise<{ removed: number }> {
  const { now, skew } = s.time();
  const limit = Math.ceil(params.limit);
  if (!(limit > 0)) return { removed: 0 };
  // Thresholds come in the caller's frame.
  const at = (t: number | undefined) => (t === undefined ? undefined : t + skew);
  return s.write("retention", now, () => {
    s.workflows.settle(now);
    let removed = 0;
    const rules: [JobState, number | undefined, number | undefined][] = [
      ["completed", at(params.completedBefore), params.completedKeep],
      ["failed", at(params.failedBefore), params.failedKeep],
      ["cancelled", at(params.cancelledBefore), undefined],
    ];
    for (const [state, before, keep] of rules) {
      const victims = new Set<string>();
      if (before !== undefined) {
        const room = limit - removed;
        if (room > 0)
          for (const { id } of s.sql.retentionBefore.all({ state, before, limit: room })) victims.add(id);
      }
      if (keep !== undefined) {
        // Both rules select a prefix of the same (finished_at, id) order: the union is the longer one.
        const room = limit - removed;
        const list = s.sql.retentionBeyondKeep.all({ state, keep, limit: room });
        for (const { id } of list) if (victims.size < room) victims.add(id);
      }
      for (const id of victims) {
        if (removed >= limit) break;
        if (s.removeOne(id)) removed++;
      }
    }
    return { removed };
  });
}

export async function workerHeartbeat(
  s: SqliteStore,
  { worker, ttlMs }: WorkerHeartbeatParams,
): Promise<void> {
  const { now } = s.time();
  await s.write("worker heartbeat", now, () => {
    s.sql.workerDeleteExpired.run({ now });
    s.sql.workerUpsert.run({
      id: worker.id,
      host: worker.host,
      pid: worker.pid,
      queues: JSON.stringify(worker.queues),
      concurrency: worker.concurrency,
      running: JSON.stringify(worker.running),
      started_at: worker.startedAt,
      now,
      expires_at: now + ttlMs,
    });
  });
}

export async function workerRemove(s: SqliteStore, { id }: { id: string }): Promise<void> {
  await s.write("worker remove", s.time().now, () => {
    s.sql.workerDelete.run({ id });
  });
}
