/** Leases (renew, rescue), queue flags and listing, retention and worker heartbeats. */
import type { JobErrorRecord, JobState } from "../../core/types.js";
import type {
  LeaseRenewParams,
  LeaseRenewResult,
  LeaseRescueParams,
  LeaseRescueResult,
  QueueInfo,
  RetentionPruneParams,
  WorkerHeartbeatParams,
  WorkerInfo,
} from "../backend.js";
import type { LimitsRow } from "../flow-limits.js";
import { queueInfosFromRows } from "../queue-infos.js";
import { LEASE_EXPIRED_MESSAGE, OLDEST_SCAN } from "../shared.js";
import { onJobFailed, removeOne } from "./cascade.js";
import { pgFlowWaiting } from "./flow-waiting.js";
import { takeFollowUp } from "./follow-ups.js";
import { jobEvent, toWorker, type WorkerRow } from "./rows.js";
import type { PgStore } from "./store.js";

export class PgMaintenance {
  constructor(private readonly store: PgStore) {}

  private get sql() {
    return this.store.sql;
  }

  async leaseRenew({ leases, leaseMs }: LeaseRenewParams): Promise<LeaseRenewResult> {
    if (leases.length === 0) return { renewed: [], lost: [] };
    return this.store.write("renew", async (tx) => {
      const rows = await tx.q<{ id: string; lease_expires_at: number }>(this.sql.LEASE_RENEW_MANY, {
        ids: leases.map((l) => l.id),
        tokens: leases.map((l) => l.token),
        now: tx.now,
        lease_ms: Math.ceil(leaseMs),
      });
      const byId = new Map(rows.map((r) => [r.id, r.lease_expires_at]));
      const out: LeaseRenewResult = { renewed: [], lost: [] };
      for (const { id } of leases) {
        const at = byId.get(id);
        if (at === undefined) out.lost.push(id);
        else out.renewed.push({ id, leaseExpiresAt: at });
      }
      return out;
    });
  }

  async leaseRescue(params: LeaseRescueParams): Promise<LeaseRescueResult> {
    const limit = Math.ceil(params.limit);
    if (!(limit > 0)) return { requeued: [], failed: [] };
    return this.store.write("rescue", async (tx) => {
      const out: LeaseRescueResult = { requeued: [], failed: [] };
      const rows = await tx.q<{
        id: string;
        queue: string;
        state: JobState;
        attempt: number;
        has_dependents: boolean;
        error: JobErrorRecord;
      }>(this.sql.LEASE_RESCUE, { now: tx.now, limit, message: LEASE_EXPIRED_MESSAGE });
      for (const row of rows) {
        const data = { attempt: row.attempt, error: row.error };
        if (row.state === "queued") {
          out.requeued.push(row.id);
          tx.events.push(jobEvent("job:rescued", row.id, row.queue, tx.now, "queued", data));
        } else {
          out.failed.push(row.id);
          tx.events.push(jobEvent("job:failed", row.id, row.queue, tx.now, "failed", data));
          if (row.has_dependents)
            await takeFollowUp(this.sql, tx, row.id, "failed", JSON.stringify(row.error));
          await onJobFailed(this.sql, tx, row.id, row.has_dependents);
        }
      }
      return out;
    });
  }

  async queuePause(queue: string): Promise<void> {
    await this.store.write("queue pause", async (tx) => {
      await tx.q(this.sql.QUEUE_PAUSE, { queue, now: tx.now });
      tx.events.push({ type: "queue:paused", jobId: "", queue, at: tx.now });
    });
  }

  async queueResume(queue: string): Promise<void> {
    await this.store.write("queue resume", async (tx) => {
      await tx.q(this.sql.QUEUE_RESUME, { queue });
      tx.events.push({ type: "queue:resumed", jobId: "", queue, at: tx.now });
    });
  }

  async queueList(): Promise<QueueInfo[]> {
    // Reads from one snapshot, so counts, flags and the oldest queued job agree.
    return this.store.snapshot(async (q) => {
      const counts = await q<{ queue: string; state: JobState; n: number }>(this.sql.QUEUE_COUNTS);
      // Only the queues that have queued jobs are probed for the oldest one.
      const queues = counts.filter((c) => c.state === "queued").map((c) => c.queue);
      const { list, tats } = queueInfosFromRows({
        paused: await q<{ name: string }>(this.sql.QUEUE_PAUSED_LIST),
        limits: await q<LimitsRow & { name: string }>(this.sql.QUEUE_LIMITS_LIST),
        counts,
        oldest: queues.length
          ? await q<{ queue: string; oldest: number }>(this.sql.QUEUE_OLDEST_QUEUED, {
              queues,
              depth: OLDEST_SCAN,
            })
          : [],
      });
      const waiting = await pgFlowWaiting(this.store, q, list, tats, this.store.now());
      for (const info of list) Object.assign(info, waiting.get(info.name));
      return list;
    });
  }

  async retentionPrune(params: RetentionPruneParams): Promise<{ removed: number }> {
    const limit = Math.ceil(params.limit);
    if (!(limit > 0)) return { removed: 0 };
    return this.store.write("retention", async (tx) => {
      await tx.q(this.sql.WORKFLOW_SETTLE, { now: tx.now });
      // queueList sums the state-count deltas: fold them here and at each heartbeat.
      await tx.q(this.sql.STATE_COUNTS_FOLD);
      let removed = 0;
      const rules: [JobState, number | undefined, number | undefined][] = [
        ["completed", params.completedBefore, params.completedKeep],
        ["failed", params.failedBefore, params.failedKeep],
        ["cancelled", params.cancelledBefore, undefined],
      ];
      for (const [state, before, keep] of rules) {
        const victims = new Set<string>();
        if (before !== undefined) {
          const room = limit - removed;
          if (room > 0)
            for (const { id } of await tx.q<{ id: string }>(this.sql.RETENTION_BEFORE, {
              state,
              before,
              limit: room,
            }))
              victims.add(id);
        }
        if (keep !== undefined) {
          // Both rules select a prefix of the same (finished_at, id) order: the union is the longer one.
          const room = limit - removed;
          const list = await tx.q<{ id: string }>(this.sql.RETENTION_BEYOND_KEEP, {
            state,
            keep,
            limit: room,
          });
          for (const { id } of list) if (victims.size < room) victims.add(id);
        }
        for (const id of victims) {
          if (removed >= limit) break;
          if (await removeOne(this.sql, tx, id)) removed++;
        }
      }
      return { removed };
    });
  }

  async workerHeartbeat({ worker, ttlMs }: WorkerHeartbeatParams): Promise<void> {
    await this.store.write("worker heartbeat", async (tx) => {
      await tx.q(this.sql.WORKER_DELETE_EXPIRED, { now: tx.now });
      await tx.q(this.sql.STATE_COUNTS_FOLD);
      await tx.q(this.sql.WORKER_UPSERT, {
        id: worker.id,
        host: worker.host,
        pid: worker.pid,
        queues: JSON.stringify(worker.queues),
        concurrency: worker.concurrency,
        running: JSON.stringify(worker.running),
        started_at: worker.startedAt,
        now: tx.now,
        expires_at: tx.now + Math.ceil(ttlMs),
      });
    });
  }

  async workerRemove(id: string): Promise<void> {
    await this.store.write("worker remove", async (tx) => {
      await tx.q(this.sql.WORKER_DELETE, { id });
    });
  }

  async workerList(): Promise<WorkerInfo[]> {
    const rows = await this.store.read((q) => q<WorkerRow>(this.sql.WORKER_LIST, { now: this.store.now() }));
    return rows.map(toWorker).sort((a, b) => a.id.localeCompare(b.id));
  }
}
