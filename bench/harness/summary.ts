/** Each system's runs in one bench invocation, and their median/min/max summaries. */
import type { SystemId } from "../systems/index.js";
import type { SystemInfo } from "../systems/types.js";
import type { LatencyRun, ThroughputRun } from "./runs.js";
import type { SingleEnqueueRun } from "./single-enqueue.js";
import { type Summary, summarize } from "./stats.js";
import type { TwoWorkerRun } from "./two-workers.js";

export type Failed = { error: string };

export interface SystemResult {
  id: SystemId;
  info: SystemInfo | null;
  skipped: string | null;
  throughput: (ThroughputRun | Failed)[];
  latency: (LatencyRun | Failed)[];
  /** B with two worker processes (harness/two-workers.ts); empty when not selected. */
  twoWorkers: (TwoWorkerRun | Failed)[];
  /** B with four worker processes; empty when not selected. */
  fourWorkers: (TwoWorkerRun | Failed)[];
  /** B1: concurrent single enqueue calls. */
  singleEnqueue: (SingleEnqueueRun | Failed)[];
}

export interface ThroughputSummary {
  enqueuePerS: Summary | null;
  processPerS: Summary | null;
  spawnToDoneS: Summary | null;
  startToFirstMs: Summary | null;
  tailMs: Summary | null;
  peakRssMiB: Summary | null;
}

export interface TwoWorkerSummary extends ThroughputSummary {
  /** Later start-API call − earlier one, ms. */
  startSkewMs: Summary | null;
  /** Share of the N jobs run by the less busy of the two workers (0.5 = evenly shared). */
  smallerShare: Summary | null;
  /** The least busy process's jobs ÷ its fair share (N ÷ processes); 1 = evenly shared. */
  minFairShare: Summary | null;
  handlersOk: boolean;
}

export interface SystemSummary extends ThroughputSummary {
  idleRssMiB: Summary | null;
  p50: Summary | null;
  p95: Summary | null;
  p99: Summary | null;
  max: Summary | null;
  /** One-worker throughput and latency runs: every handler ran once, nothing left. */
  handlersOk: boolean;
  /** Null when the system was not run with two worker processes. */
  twoWorkers: TwoWorkerSummary | null;
  fourWorkers: TwoWorkerSummary | null;
  /** B1: concurrent single enqueue jobs/s; null when not run. */
  singleEnqueuePerS: Summary | null;
  /** Every run's error or problem, the two-worker runs' included. */
  errors: string[];
}

export const okRuns = <T extends object>(runs: (T | Failed)[]): T[] =>
  runs.filter((r): r is T => !("error" in r));

const problemsOf = (what: string, runs: ({ problems: string[] } | Failed)[]): string[] =>
  runs.flatMap((x) => ("error" in x ? [`${what}: ${x.error}`] : x.problems.map((p) => `${what}: ${p}`)));

function summarizeThroughput(tp: ThroughputRun[]): ThroughputSummary {
  return {
    enqueuePerS: summarize(tp.map((x) => x.enqueuePerS)),
    processPerS: summarize(tp.map((x) => x.processPerS)),
    spawnToDoneS: summarize(tp.map((x) => x.spawnToDoneS)),
    startToFirstMs: summarize(tp.map((x) => x.startToFirstMs)),
    tailMs: summarize(tp.map((x) => x.tailMs)),
    peakRssMiB: summarize(tp.map((x) => x.peakRssMiB)),
  };
}

function summarizeTwoWorkers(runs: (TwoWorkerRun | Failed)[]): TwoWorkerSummary | null {
  if (runs.length === 0) return null;
  const ok = okRuns(runs);
  return {
    ...summarizeThroughput(ok),
    startSkewMs: summarize(ok.map((x) => x.startSkewMs)),
    smallerShare: summarize(ok.map((x) => Math.min(...x.perWorker.map((w) => w.handled)) / x.n)),
    minFairShare: summarize(ok.map((x) => x.minFairShare)),
    handlersOk: ok.length === runs.length && ok.every((x) => x.ok),
  };
}

export function summarizeSystem(r: SystemResult): SystemSummary {
  const tp = okRuns(r.throughput);
  const lat = okRuns(r.latency);
  return {
    ...summarizeThroughput(tp),
    idleRssMiB: summarize(lat.map((x) => x.idleRssMiB)),
    p50: summarize(lat.map((x) => x.p50)),
    p95: summarize(lat.map((x) => x.p95)),
    p99: summarize(lat.map((x) => x.p99)),
    max: summarize(lat.map((x) => x.max)),
    handlersOk: tp.length > 0 && tp.every((x) => x.ok) && lat.every((x) => x.ok),
    twoWorkers: summarizeTwoWorkers(r.twoWorkers),
    fourWorkers: summarizeTwoWorkers(r.fourWorkers),
    singleEnqueuePerS: summarize(okRuns(r.singleEnqueue).map((x) => x.perS)),
    errors: [
      ...problemsOf("throughput", r.throughput),
      ...problemsOf("latency", r.latency),
      ...problemsOf("2 workers throughput", r.twoWorkers),
      ...problemsOf("4 workers throughput", r.fourWorkers),
      ...problemsOf("concurrent single enqueue", r.singleEnqueue),
    ],
  };
}
