/**
 * The maintenance a worker process hosts, started and stopped as one: its own heartbeat,
 * rescue of expired leases, and (only while elected, see election.ts) retention. Each loop is
 * a `Periodic`; the underlying modules expose `runOnce()` for tests and operators.
 */
import type { Logger } from "pino";
import type { Backend } from "../backend/backend.js";
import type { Clock } from "../core/clock.js";
import { isElected } from "./election.js";
import { HEARTBEAT_INTERVAL_MS, Heartbeat, type HeartbeatSource } from "./heartbeat.js";
import { Periodic } from "./periodic.js";
import { Rescuer } from "./rescuer.js";
import { RETENTION_INTERVAL_MS, type RetentionOptions, RetentionPruner } from "./retention.js";

export interface MaintenanceOptions {
  backend: Backend;
  clock: Clock;
  logger: Logger;
  /** The worker this maintenance runs in (its heartbeat row, its election). */
  worker: HeartbeatSource;
  rescueMs: number;
  retention: RetentionOptions | false;
  onError(name: string, err: unknown): void;
}

export class Maintenance {
  readonly rescuer: Rescuer;
  readonly heartbeat: Heartbeat;
  private readonly periodics: Periodic[];

  constructor(o: MaintenanceOptions) {
    this.rescuer = new Rescuer(o.backend, o.logger);
    this.heartbeat = new Heartbeat(o.backend, o.worker);
    this.periodics = [
      new Periodic("lease rescue", o.rescueMs, () => this.rescuer.runOnce(), o.onError),
      new Periodic("heartbeat", HEARTBEAT_INTERVAL_MS, () => this.heartbeat.runOnce(), o.onError),
    ];
    if (o.retention !== false) {
      // Store-wide: only the elected worker prunes.
      const pruner = new RetentionPruner(o.backend, o.clock, o.retention);
      const prune = async () => {
        if (!(await isElected(o.backend, o.worker.id))) return;
        const counts = await pruner.runOnce();
        if (counts.removed + counts.expired > 0) o.logger.info(counts, "retention pass");
      };
      this.periodics.push(new Periodic("retention", RETENTION_INTERVAL_MS, prune, o.onError));
    }
  }

  /** Starts the loops and writes the first heartbeat at once (so the worker is listed). */
  async start(): Promise<void> {
    for (const p of this.periodics) p.start();
    await this.heartbeat.runOnce().catch((err) => this.periodics[1]!.reportError(err));
  }

  async stop(): Promise<void> {
    await Promise.all(this.periodics.map((p) => p.stop()));
  }
}
