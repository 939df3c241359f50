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
   */
  mode: "throughput" | "idle" | "inproc-throughput" | "inproc-latency";
  n: number;
  /** Latency runs (inproc-latency only): warm-up and measured samples. */
  warmup?: number;
  samples?: number;
}

export type ToWorker = { cmd: "stop" } | { cmd: "go" };

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
  | { ev: "error"; message: string };
