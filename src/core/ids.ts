import { v7 as uuidv7 } from "uuid";

/**
 * Job ids are UUIDv7: time-ordered (sorting by id is sorting by creation, which gives
 * FIFO inside a priority and cheap cursor pagination), unique without coordination.
 * `uuid`'s v7 keeps a monotonic counter, so ids made in the same millisecond still sort.
 */
export function newJobId(): string {
  return uuidv7();
}

/** Random token that fences one lease (see `LeasedJob.leaseToken`). */
export function newLeaseToken(): string {
  return uuidv7();
}

/** Worker ids: readable in listings, unique per process start. */
export function newWorkerId(hostname: string, pid: number): string {
  return `${hostname}:${pid}:${uuidv7().slice(-8)}`;
}
