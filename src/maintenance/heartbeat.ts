/**
 * The heartbeat: each worker writes its own row (queues, concurrency, the jobs it holds)
 * every `HEARTBEAT_INTERVAL_MS`, with a ttl of three intervals, so `workers.list()` and the
 * dashboard show live workers and forget dead ones. Unlike rescue and retention, every
 * worker runs its own heartbeat (it describes that worker).
 */
import { hostname } from "node:os";
import type { Backend } from "../backend/backend.js";

export const HEARTBEAT_INTERVAL_MS = 5000;
/** A worker not heard from for this many intervals drops out of `workers.list()`. */
export const HEARTBEAT_TTL_INTERVALS = 3;

export interface HeartbeatSource {
  id: string;
  queues: readonly string[];
  concurrency: number;
  startedAt: number;
  /** Job ids held right now. */
  running(): string[];
}

export class Heartbeat {
  constructor(
    private readonly backend: Backend,
    private readonly source: HeartbeatSource,
  ) {}

  /** Writes the row once; returns the number of jobs it reported as held. */
  async runOnce(): Promise<{ running: number }> {
    const s = this.source;
    const running = s.running();
    await this.backend.workerHeartbeat({
      worker: {
        id: s.id,
        host: hostname(),
        pid: process.pid,
        queues: [...s.queues],
        concurrency: s.concurrency,
        running,
        startedAt: s.startedAt,
      },
      ttlMs: HEARTBEAT_INTERVAL_MS * HEARTBEAT_TTL_INTERVALS,
    });
    return { running: running.length };
  }
}
