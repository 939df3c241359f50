/**
 * One run of a worker, from start to stop: the engine (engine.ts), its change-feed
 * subscription (feed.ts) and its maintenance (src/maintenance: heartbeat, rescue, retention),
 * opened together once the backend and isolation are up, and closed together by the ordered
 * shutdown (shutdown.ts). worker.ts holds at most one session and owns the public surface.
 */
import type { Logger } from "pino";
import { Maintenance } from "../maintenance/index.js";
import type { Rescuer } from "../maintenance/rescuer.js";
import type { RetentionOptions } from "../maintenance/retention.js";
import { buildEngine, type EngineOptions } from "./engine.js";
import { listenToFeed } from "./feed.js";
import type { Isolation } from "./isolation/isolation.js";
import type { JobRunner } from "./job-runner.js";
import type { LeaseRenewer } from "./lease-renewer.js";
import type { OutcomeBatcher } from "./outcome-batcher.js";
import type { PushReceiver } from "./push-receiver.js";
import { shutdown } from "./shutdown.js";

export interface SessionOptions extends EngineOptions {
  logger: Logger;
  isolation: Isolation;
  rescueMs: number;
  retention: RetentionOptions | false;
}

export class WorkerSession {
  private constructor(
    private readonly o: SessionOptions,
    readonly runner: JobRunner,
    private readonly batcher: OutcomeBatcher,
    private readonly renewer: LeaseRenewer,
    private readonly push: PushReceiver | null,
    private readonly unsubscribe: () => void,
    private readonly maintenance: Maintenance,
    /** The claim loop's end. */
    private readonly loopDone: Promise<void>,
  ) {}

  /** Wires the engine, subscribes to the feed, starts maintenance, then runs the claim loop. */
  static async open(o: SessionOptions): Promise<WorkerSession> {
    const { runner, batcher, renewer, loop, push } = buildEngine(o);
    renewer.start();
    const unsubscribe = listenToFeed(o.backend, {
      queues: o.queues,
      parked: () => push?.parked === true,
      waitingOnLimit: () => loop.waitingOnLimit,
      jobEnded: (id, kind) => runner.onJobEnded(id, kind),
      nudge: () => {
        if (o.isRunning()) o.wake.nudge();
      },
    });
    const maintenance = new Maintenance({
      backend: o.backend,
      clock: o.clock,
      logger: o.logger,
      worker: {
        id: o.workerId,
        queues: o.queues,
        concurrency: o.concurrency,
        startedAt: o.clock.now(),
        running: () => runner.held.jobIds(),
      },
      rescueMs: o.rescueMs,
      retention: o.retention,
      onError: (name, err) => o.reportError(err, `${name} failed`),
    });
    await maintenance.start();
    const loopDone = loop.run();
    return new WorkerSession(o, runner, batcher, renewer, push, unsubscribe, maintenance, loopDone);
  }

  get rescuer(): Rescuer {
    return this.maintenance.rescuer;
  }

  /** The ordered shutdown (shutdown.ts), then every timer, subscription and child goes away. */
  close(graceMs: number, released: (ids: string[]) => void): Promise<void> {
    const { o } = this;
    return shutdown(
      {
        backend: o.backend,
        logger: o.logger,
        runner: this.runner,
        batcher: this.batcher,
        push: this.push,
        workerId: o.workerId,
        queues: o.queues,
        leaseMs: o.leaseMs,
        loopDone: this.loopDone,
        released,
        reportError: o.reportError,
        teardown: async () => {
          this.renewer.stop();
          this.batcher.stop();
          this.unsubscribe();
          await this.maintenance.stop();
          await o.isolation.close();
        },
      },
      graceMs,
    );
  }
}
