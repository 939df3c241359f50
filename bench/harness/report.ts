/** The Markdown report of `npm run bench`: one function per section, each returning its lines. */
import { cpus } from "node:os";
import type { RedisBenchResult } from "../ceilings/redis-benchmark.js";
import type { SqliteCeilingResult } from "../ceilings/sqlite.js";
import type { SystemId } from "../systems/index.js";
import type { PeerRatio, Target, TwoVsOne } from "./compare.js";
import { int, mib, mmm, ms, ratio, table } from "./format.js";
import type { Options } from "./options.js";
import { summarize } from "./stats.js";
import type { SystemResult, SystemSummary } from "./summary.js";
import { POLL_MS, WORKERS } from "./two-workers.js";

export interface BenchEnv {
  date: string;
  commit: string;
  node: string;
  cpus: string;
  memGiB: number;
  sqlite: string;
  workerRuntime: string;
  tmpDir: string;
  /** 1-minute load average at start and end: other work on this machine skews every figure. */
  loadAvgStart: number;
  loadAvgEnd: number;
}

type Summaries = Map<SystemId, SystemSummary>;

const label = (r: SystemResult) => r.info?.label ?? r.id;
/** Row label of a system's two-worker-process runs. */
export const twoLabel = (r: SystemResult) => `${label(r)} ×${WORKERS} workers`;
const ran2 = (r: SystemResult) => !r.skipped && r.twoWorkers.length > 0;

export function headerSection(env: BenchEnv, opts: Options): string[] {
  const out = [`# spool bench — ${env.date}`, ""];
  out.push(
    `commit ${env.commit} · node ${env.node} · ${env.cpus} · ${env.memGiB} GiB · ${env.sqlite} · ` +
      `${opts.quick ? "**QUICK MODE (smoke run, not for comparison)**" : "full run"} · N=${int(opts.n)} · ` +
      `latency ${opts.samples} samples (+${opts.warmup} warm-up) · ${opts.reps} repetition(s), median (min–max) · worker concurrency ${opts.concurrency}`,
  );
  out.push(`worker processes: ${env.workerRuntime}`);
  const busy = Math.max(env.loadAvgStart, env.loadAvgEnd) > cpus().length;
  out.push(
    `load average (1 min) at start ${env.loadAvgStart.toFixed(2)}, at end ${env.loadAvgEnd.toFixed(2)} on ${cpus().length} CPUs` +
      (busy ? " — ‼ OTHER WORK WAS RUNNING: figures are depressed and noisy; rerun on an idle machine" : ""),
  );
  out.push("");
  return out;
}

export function skippedSection(results: SystemResult[]): string[] {
  const skipped = results.filter((r) => r.skipped);
  if (!skipped.length) return [];
  const out = ["## SKIPPED (no numbers for these — not measured in this run)", ""];
  for (const r of skipped) out.push(`- **skipped: ${r.id}** — ${r.skipped}`);
  out.push("");
  return out;
}

export function ceilingsSection(
  sqliteRuns: SqliteCeilingResult[],
  redisRuns: RedisBenchResult[],
  redisBenchSkip: string | null,
): string[] {
  const out = ["## A. Raw ceilings", ""];
  const rows: string[][] = [];
  for (const sync of ["FULL", "NORMAL"] as const)
    for (const test of [
      "insert_1_per_txn_rows_per_s",
      "insert_1000_per_txn_rows_per_s",
      "cycle_insert_claim_complete_jobs_per_s",
    ] as const) {
      const runs = sqliteRuns.filter((x) => x.test === test && x.synchronous === sync);
      if (runs.length)
        rows.push([test, sync, int(runs[0]!.n), ...mmm(summarize(runs.map((x) => x.perS)), int)]);
    }
  out.push(
    table(["better-sqlite3 (WAL) test", "synchronous", "n", "median /s", "min", "max"], rows, [
      false,
      false,
      true,
      true,
      true,
      true,
    ]),
  );
  out.push("");
  if (redisBenchSkip) out.push(`**skipped: redis-benchmark** — ${redisBenchSkip}`);
  else {
    const keys = [...new Set(redisRuns.map((x) => `${x.test}|${x.pipeline}`))];
    out.push(
      table(
        ["redis-benchmark (50 clients)", "median req/s", "min", "max"],
        keys.map((k) => {
          const [test, p] = k.split("|");
          const runs = redisRuns.filter((x) => x.test === test && String(x.pipeline) === p);
          return [`${test} -P ${p}`, ...mmm(summarize(runs.map((x) => x.perS)), int)];
        }),
        [false, true, true, true],
      ),
    );
  }
  out.push("");
  return out;
}

export function singleEnqueueSection(results: SystemResult[], summaries: Summaries, opts: Options): string[] {
  const ran = results.filter((r) => !r.skipped && r.singleEnqueue.length > 0);
  if (!ran.length) return [];
  const per = (id: SystemId) => summaries.get(id)?.singleEnqueuePerS?.median;
  const vs = (r: SystemResult, peer: SystemId) => {
    const a = summaries.get(r.id)?.singleEnqueuePerS?.median;
    const b = per(peer);
    return a === undefined || b === undefined || r.id === peer ? "–" : ratio(a / b);
  };
  const rows = ran.map((r) => {
    const s = summaries.get(r.id)!;
    const bad = r.singleEnqueue.some((x) => "error" in x || !x.ok);
    return [
      label(r),
      ...mmm(s.singleEnqueuePerS, int),
      vs(r, "bullmq"),
      vs(r, "bee-queue"),
      bad ? "‼ PROBLEM (see below)" : "all N stored",
    ];
  });
  const out = [
    `## B1. Concurrent single enqueue (${int(opts.singleN)} single-job enqueue calls, ${int(opts.inflight)} in flight)`,
    "",
  ];
  out.push(
    table(["system", "jobs/s", "min", "max", "÷ bullmq", "÷ bee-queue", "check"], rows, [
      false,
      true,
      true,
      true,
      true,
      true,
      false,
    ]),
  );
  out.push(
    "",
    "One producer process; a new call starts as soon as one resolves (spool `task.enqueue`, BullMQ `queue.add`, " +
      "bee-queue `createJob().save()`, graphile-worker `addJob`). Checked after: the backend holds exactly N unfinished jobs.",
    "",
  );
  return out;
}

export function throughputSection(results: SystemResult[], summaries: Summaries, n: number): string[] {
  const rows: string[][] = [];
  for (const r of results) {
    if (r.skipped) {
      rows.push([`${r.id}`, "‼ skipped", "", "", "‼ skipped", "", "", "", "", "", r.skipped.slice(0, 60)]);
      continue;
    }
    const s = summaries.get(r.id)!;
    rows.push([
      label(r),
      ...mmm(s.enqueuePerS, int),
      ...mmm(s.processPerS, int),
      ms(s.startToFirstMs?.median, 1),
      ms(s.tailMs?.median, 1),
      ms(s.spawnToDoneS?.median, 3),
      s.handlersOk ? "all N ran, 0 left" : "‼ PROBLEM (see below)",
    ]);
    const t = s.twoWorkers;
    if (!ran2(r) || !t) continue;
    rows.push([
      twoLabel(r),
      ...mmm(t.enqueuePerS, int),
      ...mmm(t.processPerS, int),
      ms(t.startToFirstMs?.median, 1),
      ms(t.tailMs?.median, 1),
      ms(t.spawnToDoneS?.median, 3),
      t.handlersOk ? "all N ran, 0 left" : "‼ PROBLEM (see below)",
    ]);
  }
  const out = [`## B. Throughput (no-op jobs, N=${int(n)})`, ""];
  out.push(
    table(
      [
        "system",
        "enqueue jobs/s",
        "min",
        "max",
        "process jobs/s",
        "min",
        "max",
        "start→first ms",
        "tail ms",
        "spawn_to_done s",
        "handlers",
      ],
      rows,
      [false, true, true, true, true, true, true, true, true, true, false],
    ),
  );
  if (results.some(ran2))
    out.push(
      "",
      `"×${WORKERS} workers" rows: the same N jobs, then ${WORKERS} worker processes (concurrency each as above), from ` +
        `the earlier of their two start calls until their handler counts (asked every ~${POLL_MS} ms) sum to N ` +
        `and then the backend (polled every ~${POLL_MS} ms) reports 0 unfinished.`,
    );
  out.push("");
  return out;
}

export function latencySection(results: SystemResult[], summaries: Summaries): string[] {
  const out = ["## C. Latency (enqueue call → handler entry, idle worker, sequential), ms", ""];
  out.push(
    table(
      ["system", "p50", "min", "max", "p95", "min", "max", "p99", "min", "max", "worst"],
      results.map((r) => {
        if (r.skipped) return [r.id, "‼ skipped"];
        const s = summaries.get(r.id)!;
        return [label(r), ...mmm(s.p50, ms), ...mmm(s.p95, ms), ...mmm(s.p99, ms), ms(s.max?.max)];
      }),
      [false, true, true, true, true, true, true, true, true, true, true],
    ),
  );
  out.push("");
  return out;
}

export function memorySection(results: SystemResult[], summaries: Summaries): string[] {
  const rows: string[][] = [];
  for (const r of results) {
    if (r.skipped) {
      rows.push([r.id, "‼ skipped"]);
      continue;
    }
    const s = summaries.get(r.id)!;
    rows.push([label(r), ...mmm(s.idleRssMiB, mib), ...mmm(s.peakRssMiB, mib)]);
    if (ran2(r) && s.twoWorkers)
      rows.push([twoLabel(r), "–", "–", "–", ...mmm(s.twoWorkers.peakRssMiB, mib)]);
  }
  const out = ["## D. Memory (worker process, MiB)", ""];
  out.push(
    table(["system", "idle RSS", "min", "max", "peak RSS (throughput run)", "min", "max"], rows, [
      false,
      true,
      true,
      true,
      true,
      true,
      true,
    ]),
  );
  if (results.some(ran2))
    out.push("", `"×${WORKERS} workers" peak RSS: the larger of the two workers' VmHWM.`);
  out.push("");
  return out;
}

export function ratiosSection(rows: PeerRatio[]): string[] {
  const out = [
    "## Ratios (medians of this run; > 1× means spool is better: faster, lower latency, less memory)",
    "",
  ];
  if (rows.length)
    out.push(
      table(
        [
          "comparison",
          "process jobs/s",
          "enqueue jobs/s",
          "single enqueue",
          "p50 latency",
          "p99 latency",
          "idle RSS",
          "peak RSS",
        ],
        rows.map((r) => [
          `${r.spool} vs ${r.peer}`,
          ratio(r.process),
          ratio(r.enqueue),
          ratio(r.singleEnqueue),
          ratio(r.p50),
          ratio(r.p99),
          ratio(r.idleRss),
          ratio(r.peakRss),
        ]),
        [false, true, true, true, true, true, true, true],
      ),
    );
  else out.push("(no spool/peer pair measured in this run)");
  out.push("");
  return out;
}

export function twoVsOneSection(
  results: SystemResult[],
  summaries: Summaries,
  ratios: Partial<Record<SystemId, TwoVsOne>>,
): string[] {
  const measured = results.filter((r) => !r.skipped && (r.twoWorkers.length > 0 || r.fourWorkers.length > 0));
  if (!measured.length) return [];
  const share = (s: { minFairShare: { min: number } | null } | null | undefined) =>
    s?.minFairShare ? `${(s.minFairShare.min * 100).toFixed(0)}%` : "–";
  const out = [
    `## ${WORKERS} workers ÷ 1 worker, and 4 ÷ 1 (process jobs/s, medians of this run; ≥ 1× means the added worker processes did not cost throughput)`,
    "",
  ];
  out.push(
    table(
      [
        "system",
        "1 worker jobs/s",
        `${WORKERS} workers jobs/s`,
        `${WORKERS} ÷ 1`,
        "smaller worker's share of N (min)",
        `least fair share ×${WORKERS} (min)`,
        "start skew ms",
        "4 workers jobs/s",
        "4 ÷ 1",
        "least fair share ×4 (min)",
      ],
      measured.map((r) => {
        const s = summaries.get(r.id);
        const t = s?.twoWorkers;
        const x = ratios[r.id];
        return [
          label(r),
          int(x?.oneWorker),
          int(x?.twoWorkers),
          ratio(x?.ratio),
          t?.smallerShare ? `${(t.smallerShare.min * 100).toFixed(1)}%` : "–",
          share(t),
          ms(t?.startSkewMs?.median),
          int(x?.fourWorkers),
          ratio(x?.ratioFour),
          share(s?.fourWorkers),
        ];
      }),
      [false, true, true, true, true, true, true, true, true, true],
    ),
  );
  out.push(
    "",
    "Least fair share: the least busy process's jobs ÷ (N ÷ processes), worst repetition; 100% = evenly shared.",
    "",
  );
  return out;
}

export function targetsSection(title: string, targets: Target[]): string[] {
  const out = [title, ""];
  out.push(
    table(
      ["target", "goal", "measured", "status"],
      targets.map((t) => [
        t.name,
        t.goal,
        t.shown,
        t.met === null ? "‼ not measured" : t.met ? "MET" : "MISSED",
      ]),
    ),
  );
  out.push("");
  return out;
}

export function configSection(results: SystemResult[]): string[] {
  const out = ["## Configurations and retention", ""];
  for (const r of results) {
    if (r.skipped || !r.info) continue;
    out.push(`- **${r.info.label}** (${r.info.version}): ${r.info.config}. Retention: ${r.info.retention}.`);
    for (const n of r.info.notes ?? []) out.push(`  - ${n}`);
  }
  out.push(
    "- spool keeps every completed job (state `completed`, with its result) — the peers above delete them at once, so spool does more writes per job.",
  );
  return out;
}
