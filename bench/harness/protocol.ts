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

export type ToWorker = { cmd: "stop" } | { cmd: "go" } | { cmd: "count" };

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
  | { ev: "error"; message: string };
