/** Redis backend, maintenance section: leases, rescue, retention, the worker registry. */
import type {
  LeaseRenewParams,
  LeaseRenewResult,
  LeaseRescueParams,
  LeaseRescueResult,
  RetentionPruneParams,
  WorkerHeartbeatParams,
  WorkerInfo,
} from "../backend.js";
import { LEASE_EXPIRED_MESSAGE } from "../shared.js";
import type { RedisStore } from "./store.js";

export async function leaseRenew(
  s: RedisStore,
  { leases, leaseMs }: LeaseRenewParams,
): Promise<LeaseRenewResult> {
  const out: LeaseRenewResult = { renewed: [], lost: [] };
  if (leases.length === 0) return out;
  const { now, skew } = s.time();
  const args: (string | number)[] = [now, leaseMs];
  for (const l of leases) args.push(l.id, l.token);
  const reply = await s.run("renew", args);
  for (let i = 1; i < reply.length; i += 2) {
    const id = reply[i] as string;
    const exp = Number(reply[i + 1]);
    if (exp < 0) out.lost.push(id);
    // Handed back in the caller's frame (it times the next renewal on its own clock).
    else out.renewed.push({ id, leaseExpiresAt: exp - skew });
  }
  return out;
}

export async function leaseRescue(s: RedisStore, { limit }: LeaseRescueParams): Promise<LeaseRescueResult> {
  const out: LeaseRescueResult = { requeued: [], failed: [] };
  const reply = await s.run("rescue", [s.time().now, limit, LEASE_EXPIRED_MESSAGE]);
  for (let i = 1; i < reply.length; i += 2)
    (reply[i] === "r" ? out.requeued : out.failed).push(reply[i + 1] as string);
  return out;
}

export async function retentionPrune(
  s: RedisStore,
  params: RetentionPruneParams,
): Promise<{ removed: number }> {
  const { now, skew } = s.time();
  const opt = (v: number | undefined) => (v === undefined ? "" : v);
  // Thresholds come in the caller's frame.
  const at = (v: number | undefined) => (v === undefined ? "" : v + skew);
  const reply = await s.run("retention-prune", [
    params.limit,
    at(params.completedBefore),
    at(params.failedBefore),
    at(params.cancelledBefore),
    opt(params.completedKeep),
    opt(params.failedKeep),
    now,
  ]);
  return { removed: Number(reply[1]) };
}

export async function workerHeartbeat(
  s: RedisStore,
  { worker, ttlMs }: WorkerHeartbeatParams,
): Promise<void> {
  const { now } = s.time();
  const info: WorkerInfo = {
    ...worker,
    running: [...worker.running],
    queues: [...worker.queues],
    lastSeenAt: now,
  };
  await s.run("worker-heartbeat", [worker.id, JSON.stringify(info), now + ttlMs], false);
}

export async function workerRemove(s: RedisStore, { id }: { id: string }): Promise<void> {
  await s.run("worker-remove", [id], false);
}
