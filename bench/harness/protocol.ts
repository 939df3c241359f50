/** Messages between the orchestrator and bench/worker-entry.ts (Node IPC). */
import type { BenchContext } from "../systems/types.js";

/** argv[2] of the worker process, JSON. */
export interface WorkerArgs {
  system: string;
  ctx: BenchContext;
  /**
   * throughput: start at once, process `n` jobs, report, wait for "stop".
   * idle: start, report ready, report each job's latency, wait for "stop".
   * inproc-throughput / inproc-latency: the process is producer *and* worker (spool/memory).
   * pair-throughput: one of two worker processes (harness/two-workers.ts): report "loaded", wait
   *   for "go", start, report "started", answer each "count" with its handler count, wait for "stop".
   */
  mode: "throughput" | "idle" | "inproc-throughput" | "inproc-latency" | "pair-throughput";
  n: number;
  /** Latency runs (inproc-latency only): warm-up and measured samples. */
  warmup?: number;
  samples?: number;
}

/** bench/rss-probe.ts: how far a probe process loads spool (see there). */
export const PROBE_STAGES = ["node", "pino", "better-sqlite3", "spool", "store", "worker"] as const;
export type ProbeStage = (typeof PROBE_STAGES)[number];

/** "mem": answer with a `MemReport` (bench/rss-idle.ts; read after VmRSS, so it does not change it). */
export type ToWorker = { cmd: "stop" } | { cmd: "go" } | { cmd: "count" } | { cmd: "mem" };

/** The V8 heap's own view of a process, MiB. */
export interface MemReport {
  ev: "mem";
  /** Pages the V8 heap has resident (all spaces). */
  heapPhysicalMiB: number;
  /** Live and not yet collected objects. */
  heapUsedMiB: number;
  /** Of which the young generation (new space), resident. */
  newSpacePhysicalMiB: number;
  /** Memory held outside the heap by JS objects (Buffers, better-sqlite3 handles...). */
  externalMiB: number;
}

export interface ThroughputReport {
  ev: "throughput";
  /** Wall ms just before the start-API call. */
  t0: number;
  /** Start API resolved. */
  tStarted: number;
  /** First handler entry. */
  tFirst: number;
  /** Handler count reached n. */
  tHandlers: number;
  /** ... and the backend reported 0 unfinished jobs. */
  tEnd: number;
  handled: number;
  /** Number of unfinished-count polls after the handler count reached n. */
  tailPolls: number;
  /** inproc only: bulk enqueue time, seconds. */
  enqueueS?: number;
}

export type FromWorker =
  | { ev: "loaded"; t: number }
  | ThroughputReport
  | { ev: "ready"; t: number }
  | { ev: "job"; i: number; latencyMs: number }
  | { ev: "latency"; latenciesMs: number[] }
  | { ev: "stopped"; handled: number; unfinished: number | null }
  /** pair-throughput: wall ms just before the start-API call, and when it resolved. */
  | { ev: "started"; t0: number; tStarted: number }
  /** pair-throughput, answer to "count": handler entries so far, first and last entry (wall ms, 0 if none). */
  | { ev: "count"; handled: number; tFirst: number; tLast: number }
  | MemReport
  | { ev: "error"; message: string };
