/**
 * What the run's summaries say against each other and against the issues' targets: spool ÷ peer
 * ratios, two worker processes ÷ one, and the SQLite and Redis target checks (medians of this run).
 */
import type { SystemId } from "../systems/index.js";
import { int, mib, ms, ratio } from "./format.js";
import type { SystemSummary } from "./summary.js";

/** Targets from the performance issue, checked against spool on SQLite. */
export const TARGETS = {
  processPerS: 50_000,
  enqueuePerS: 150_000,
  p50Ms: 1,
  idleRssMiB: 60,
} as const;

/** Targets from the Redis issue, checked against spool on Redis and its peers in this run. */
export const REDIS_TARGETS = {
  processVsBullmq: 2.0,
  processVsBeeQueue: 1.5,
  enqueueVsBeeQueue: 1.0,
  p50Ms: 0.7,
  p99Ms: 2,
  /** Two worker processes ÷ one (process jobs/s medians): must not lose throughput. */
  twoVsOneWorker: 1.0,
} as const;

/** Targets from the performance issue (issue 17), as ratios of this run where it names a peer. */
export const PERF_TARGETS = {
  singleSqliteVsBullmq: 2.0,
  singleRedisVsBeeQueue: 1.0,
  twoVsOneSqlite: 1.0,
  twoVsOneRedis: 1.5,
  minFairShare: 0.6,
  processSqliteVsBullmq: 4.0,
  enqueueRedisVsBeeQueue: 1.0,
  p50RedisMs: 0.7,
  idleRssMiB: 50,
} as const;

export const PEERS: SystemId[] = ["bullmq", "bee-queue", "graphile-worker", "graphile-worker-default"];
export const SPOOLS: SystemId[] = ["spool-sqlite", "spool-redis", "spool-memory"];

type Summaries = Map<SystemId, SystemSummary>;

/** a ÷ b, or null when either is missing. */
const q = (a: number | undefined, b: number | undefined): number | null =>
  a === undefined || b === undefined || b === 0 ? null : a / b;

export interface PeerRatio {
  spool: SystemId;
  peer: SystemId;
  /** Oriented so that > 1 means spool is better. */
  process: number | null;
  enqueue: number | null;
  /** B1: concurrent single enqueue jobs/s. */
  singleEnqueue: number | null;
  p50: number | null;
  p99: number | null;
  idleRss: number | null;
  peakRss: number | null;
}

/** Every spool variant against every peer, both measured in this run. */
export function peerRatios(summaries: Summaries): PeerRatio[] {
  const out: PeerRatio[] = [];
  for (const sid of SPOOLS) {
    const s = summaries.get(sid);
    if (!s?.processPerS) continue;
    for (const pid of PEERS) {
      const p = summaries.get(pid);
      if (!p?.processPerS) continue;
      out.push({
        spool: sid,
        peer: pid,
        process: q(s.processPerS?.median, p.processPerS?.median),
        enqueue: q(s.enqueuePerS?.median, p.enqueuePerS?.median),
        singleEnqueue: q(s.singleEnqueuePerS?.median, p.singleEnqueuePerS?.median),
        p50: q(p.p50?.median, s.p50?.median),
        p99: q(p.p99?.median, s.p99?.median),
        idleRss: q(p.idleRssMiB?.median, s.idleRssMiB?.median),
        peakRss: q(p.peakRssMiB?.median, s.peakRssMiB?.median),
      });
    }
  }
  return out;
}

/** JSON shape of the ratios: ratios[spool][peer] = { process, enqueue, … }. */
export function ratiosJson(rows: PeerRatio[]): Record<string, Record<string, Record<string, number | null>>> {
  const ratios: Record<string, Record<string, Record<string, number | null>>> = {};
  for (const { spool, peer, ...row } of rows) (ratios[spool] ??= {})[peer] = row;
  return ratios;
}

export interface TwoVsOne {
  /** process jobs/s medians. */
  oneWorker: number | null;
  twoWorkers: number | null;
  /** twoWorkers ÷ oneWorker (> 1: the second worker process added throughput). */
  ratio: number | null;
  /** Four worker processes, when measured. */
  fourWorkers: number | null;
  ratioFour: number | null;
}

/** Two worker processes ÷ one, per system run in both modes. */
export function twoVsOne(summaries: Summaries): Partial<Record<SystemId, TwoVsOne>> {
  const out: Partial<Record<SystemId, TwoVsOne>> = {};
  for (const [id, s] of summaries) {
    if (!s.twoWorkers && !s.fourWorkers) continue;
    const one = s.processPerS?.median;
    const two = s.twoWorkers?.processPerS?.median;
    const four = s.fourWorkers?.processPerS?.median;
    out[id] = {
      oneWorker: one ?? null,
      twoWorkers: two ?? null,
      ratio: q(two, one),
      fourWorkers: four ?? null,
      ratioFour: q(four, one),
    };
  }
  return out;
}

export interface Target {
  name: string;
  goal: string;
  value: number | null;
  /** The measured value formatted, or "not measured". */
  shown: string;
  /** Null when not measured. */
  met: boolean | null;
}

function target(
  name: string,
  value: number | null | undefined,
  goal: number,
  higherBetter: boolean,
  fmt: (v: number) => string,
  unit: string,
): Target {
  const met = value === undefined || value === null ? null : higherBetter ? value >= goal : value <= goal;
  const withUnit = (v: number) => (unit ? `${fmt(v)} ${unit}` : fmt(v));
  return {
    name,
    goal: `${higherBetter ? "≥" : "≤"} ${withUnit(goal)}`,
    value: value ?? null,
    shown: value === undefined || value === null ? "not measured" : withUnit(value),
    met,
  };
}

export function sqliteTargets(summaries: Summaries): Target[] {
  const sq = summaries.get("spool-sqlite");
  return [
    target(
      "process jobs/s (spool/sqlite, 1 worker proc)",
      sq?.processPerS?.median,
      TARGETS.processPerS,
      true,
      int,
      "jobs/s",
    ),
    target(
      "bulk enqueue jobs/s (spool/sqlite)",
      sq?.enqueuePerS?.median,
      TARGETS.enqueuePerS,
      true,
      int,
      "jobs/s",
    ),
    target(
      "cross-process p50 latency (spool/sqlite)",
      sq?.p50?.median,
      TARGETS.p50Ms,
      false,
      (v) => ms(v),
      "ms",
    ),
    target("idle worker RSS (spool/sqlite)", sq?.idleRssMiB?.median, TARGETS.idleRssMiB, false, mib, "MiB"),
  ];
}

export function redisTargets(summaries: Summaries): Target[] {
  const sr = summaries.get("spool-redis");
  const bull = summaries.get("bullmq");
  const bee = summaries.get("bee-queue");
  const T = REDIS_TARGETS;
  return [
    target(
      "process jobs/s, spool/redis ÷ bullmq (1 worker proc each)",
      q(sr?.processPerS?.median, bull?.processPerS?.median),
      T.processVsBullmq,
      true,
      ratio,
      "",
    ),
    target(
      "process jobs/s, spool/redis ÷ bee-queue (1 worker proc each)",
      q(sr?.processPerS?.median, bee?.processPerS?.median),
      T.processVsBeeQueue,
      true,
      ratio,
      "",
    ),
    target(
      "bulk enqueue jobs/s, spool/redis ÷ bee-queue",
      q(sr?.enqueuePerS?.median, bee?.enqueuePerS?.median),
      T.enqueueVsBeeQueue,
      true,
      ratio,
      "",
    ),
    target("cross-process p50 latency (spool/redis)", sr?.p50?.median, T.p50Ms, false, (v) => ms(v), "ms"),
    target("cross-process p99 latency (spool/redis)", sr?.p99?.median, T.p99Ms, false, (v) => ms(v), "ms"),
    target(
      "process jobs/s, spool/redis 2 worker procs ÷ 1 worker proc",
      q(sr?.twoWorkers?.processPerS?.median, sr?.processPerS?.median),
      T.twoVsOneWorker,
      true,
      ratio,
      "",
    ),
  ];
}

const pct = (v: number) => `${(v * 100).toFixed(0)}%`;

export function perfTargets(summaries: Summaries): Target[] {
  const sq = summaries.get("spool-sqlite");
  const sr = summaries.get("spool-redis");
  const bull = summaries.get("bullmq");
  const bee = summaries.get("bee-queue");
  const T = PERF_TARGETS;
  const minShare = (s: SystemSummary | undefined) => {
    const xs = [s?.twoWorkers?.minFairShare?.min, s?.fourWorkers?.minFairShare?.min].filter(
      (v): v is number => v !== undefined,
    );
    return xs.length ? Math.min(...xs) : undefined;
  };
  return [
    target(
      "concurrent single enqueue, spool/sqlite ÷ bullmq add",
      q(sq?.singleEnqueuePerS?.median, bull?.singleEnqueuePerS?.median),
      T.singleSqliteVsBullmq,
      true,
      ratio,
      "",
    ),
    target(
      "concurrent single enqueue, spool/redis ÷ bee-queue save",
      q(sr?.singleEnqueuePerS?.median, bee?.singleEnqueuePerS?.median),
      T.singleRedisVsBeeQueue,
      true,
      ratio,
      "",
    ),
    target(
      "process jobs/s, spool/sqlite 2 worker procs ÷ 1",
      q(sq?.twoWorkers?.processPerS?.median, sq?.processPerS?.median),
      T.twoVsOneSqlite,
      true,
      ratio,
      "",
    ),
    target(
      "process jobs/s, spool/redis 2 worker procs ÷ 1",
      q(sr?.twoWorkers?.processPerS?.median, sr?.processPerS?.median),
      T.twoVsOneRedis,
      true,
      ratio,
      "",
    ),
    target(
      "least fair share, spool/sqlite 2 and 4 procs (worst run)",
      minShare(sq),
      T.minFairShare,
      true,
      pct,
      "",
    ),
    target(
      "least fair share, spool/redis 2 and 4 procs (worst run)",
      minShare(sr),
      T.minFairShare,
      true,
      pct,
      "",
    ),
    target(
      "process jobs/s, spool/sqlite ÷ bullmq",
      q(sq?.processPerS?.median, bull?.processPerS?.median),
      T.processSqliteVsBullmq,
      true,
      ratio,
      "",
    ),
    target(
      "bulk enqueue jobs/s, spool/redis ÷ bee-queue",
      q(sr?.enqueuePerS?.median, bee?.enqueuePerS?.median),
      T.enqueueRedisVsBeeQueue,
      true,
      ratio,
      "",
    ),
    target(
      "cross-process p50 latency (spool/redis)",
      sr?.p50?.median,
      T.p50RedisMs,
      false,
      (v) => ms(v),
      "ms",
    ),
    target("idle worker RSS (spool/sqlite)", sq?.idleRssMiB?.median, T.idleRssMiB, false, mib, "MiB"),
    target("idle worker RSS (spool/redis)", sr?.idleRssMiB?.median, T.idleRssMiB, false, mib, "MiB"),
  ];
}
