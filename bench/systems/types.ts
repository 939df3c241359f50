/**
 * One interface for every system the bench measures. The orchestrator (producer side) and
 * bench/worker-entry.ts (worker side, in its own process) drive systems only through it, so
 * every system gets the same method (anchors.md).
 */

/** What every no-op job carries. `t` (wall ms) is set for latency samples only. */
export interface Payload {
  i: number;
  t?: number;
}

/** Per-run settings, serializable: the orchestrator passes it to the worker process as JSON. */
export interface BenchContext {
  /** Unique per run: queue names, temp files and schemas derive from it. */
  runId: string;
  /** Scratch directory for this bench invocation (SQLite files). */
  tmpDir: string;
  /** Redis URL with the database index the bench may flush (default redis://127.0.0.1:6379/14). */
  redisUrl: string;
  /** PostgreSQL connection string. */
  pgUrl: string;
  concurrency: number;
}

export interface Producer {
  /** One bulk-API call, awaited (the orchestrator passes chunks of 1000). */
  enqueueBulk(payloads: Payload[]): Promise<void>;
  /** One single-job enqueue call (latency runs). */
  enqueueOne(payload: Payload): Promise<void>;
  close(): Promise<void>;
}

export interface WorkerSide {
  /** The system's start API (timestamped by the caller just before). Resolves when it says it is started. */
  start(): Promise<void>;
  /** Jobs the backend still considers unfinished (waiting, delayed, queued, active). */
  unfinished(): Promise<number>;
  stop(): Promise<void>;
}

export interface SystemInfo {
  /** Stable key used on the command line and in the JSON. */
  id: string;
  /** Row label. */
  label: string;
  version: string;
  /** How it was configured, one line. */
  config: string;
  /** Completed-job retention, one line (spool keeps completed jobs; most peers delete them). */
  retention: string;
  /** The worker runs in the producer's process (no cross-process hop). */
  inProcess: boolean;
  /** Redis/PostgreSQL/SQLite server facts worth printing (persistence settings etc.). */
  notes?: string[];
}

export interface BenchSystem {
  info(ctx: BenchContext): Promise<SystemInfo>;
  /** Null when usable; otherwise why not (printed as a loud "skipped" row). */
  probe(ctx: BenchContext): Promise<string | null>;
  /** Removes every job this system's runs may have left (fresh state for a run). */
  wipe(ctx: BenchContext): Promise<void>;
  producer(ctx: BenchContext): Promise<Producer>;
  /** Builds (does not start) a worker whose handler calls `onJob` on entry. */
  worker(ctx: BenchContext, onJob: (payload: Payload) => void): Promise<WorkerSide>;
}
