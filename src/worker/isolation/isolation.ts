/**
 * What a worker isolates: each task runs in the mode it names (`isolate` on the task), else
 * in the worker's default mode, else in-process. One pool per mode in use, started (warm)
 * with the worker and closed after its last job.
 */
import type { Logger } from "pino";
import { InvalidArgumentError } from "../../core/errors/index.js";
import type { RegisteredTask, TaskRegistry } from "../../core/registry.js";
import type { TaskContext } from "../../core/task.js";
import type { ResolvedIsolation } from "./options.js";
import { IsolationPool } from "./pool.js";
import type { IsolationMode } from "./protocol.js";

export type IsolatedRun = (input: unknown, ctx: TaskContext, signal: AbortSignal) => Promise<unknown>;

export class Isolation {
  private readonly pools = new Map<IsolationMode, IsolationPool>();

  constructor(
    private readonly defaultMode: IsolationMode | null,
    private readonly opts: ResolvedIsolation,
    private readonly deps: {
      registry: TaskRegistry;
      concurrency: number;
      payloadLimit: number;
      logger: Logger;
    },
  ) {}

  modeOf(task: RegisteredTask): IsolationMode | null {
    // Batch handlers run in-process (one call spans many jobs; see docs/batch.md).
    if (task.isolate === false || task.batch) return null;
    return task.isolate ?? this.defaultMode;
  }

  /** True when some task of the registry (or the worker's default) needs a child. */
  get needed(): boolean {
    if (this.defaultMode) return true;
    return this.deps.registry.names().some((n) => this.modeOf(this.deps.registry.get(n)) !== null);
  }

  /** Starts a warm pool per mode in use; fails if a child cannot load the app. */
  async start(): Promise<void> {
    const modes = new Set<IsolationMode>();
    if (this.defaultMode) modes.add(this.defaultMode);
    for (const name of this.deps.registry.names()) {
      const mode = this.modeOf(this.deps.registry.get(name));
      if (mode) modes.add(mode);
    }
    if (modes.size === 0) return;
    const app = this.opts.app;
    if (!app)
      throw new InvalidArgumentError(
        "isolated tasks need the app module the children load: run `spool worker --app <module>`, or pass worker({ isolation: { app: import.meta.url } }) from the module that exports the spool instance",
        "isolation.app",
      );
    for (const mode of modes) {
      this.pools.set(
        mode,
        new IsolationPool({
          mode,
          size: this.opts.pool ?? this.deps.concurrency,
          app,
          killGraceMs: this.opts.killGraceMs,
          maxJobs: this.opts.maxJobs,
          maxMemory: this.opts.maxMemory,
          maxHeapMb: this.opts.maxHeapMb,
          payloadLimit: this.deps.payloadLimit,
          logger: this.deps.logger,
        }),
      );
    }
    try {
      await Promise.all([...this.pools.values()].map((p) => p.start()));
    } catch (err) {
      await this.close();
      throw err;
    }
  }

  /** How to run `task`'s handler, or null to run it in this process. */
  runnerFor(task: RegisteredTask): IsolatedRun | null {
    const mode = this.modeOf(task);
    const pool = mode ? this.pools.get(mode) : undefined;
    if (!pool) return null;
    return (input, ctx, signal) => pool.run(task.name, input, ctx, signal);
  }

  /** The pool of a mode (tests read its children's ids). */
  pool(mode: IsolationMode): IsolationPool | undefined {
    return this.pools.get(mode);
  }

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((p) => p.close()));
    this.pools.clear();
  }
}
