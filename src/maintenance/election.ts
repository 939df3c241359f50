/**
 * Which worker runs store-wide maintenance (retention). Every worker writes a heartbeat row;
 * the live worker with the lowest id is elected, so one pass runs per store per interval
 * instead of one per worker (each pass is a write transaction on SQLite). No lease row is
 * needed: the heartbeat list is the membership. If the elected worker dies, its row expires
 * (3 heartbeats, 15 s) and the next lowest id takes over; two workers may both believe they
 * are elected for a moment, which is harmless (passes are idempotent and bounded).
 */
import type { Backend } from "../backend/backend.js";

export async function isElected(backend: Backend, workerId: string): Promise<boolean> {
  const live = await backend.workerList();
  let lowest: string | null = null;
  for (const w of live) if (lowest === null || w.id < lowest) lowest = w.id;
  // Not listed yet (first heartbeat pending or lost): only act if nobody else is there.
  return (
    lowest === null || lowest === workerId || (lowest > workerId && !live.some((w) => w.id === workerId))
  );
}
