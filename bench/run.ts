/**
 * `npm run bench` — spool against its peers, in one run, through one harness, with the method
 * of /work/shared/anchors.md (see bench/README.md).
 *
 *   npm run bench                      # 3 repetitions, N = 20,000, 500 latency samples (~5–8 min)
 *   npm run bench -- --quick           # smoke run: 1 repetition, N = 2,000, 100 samples
 *   npm run bench -- --systems spool-sqlite,bullmq --n 50000 --reps 5
 *   npm run bench -- --cpu-prof spool-sqlite   # V8 CPU profile of the worker in throughput runs
 *
 * Also runs the HTTP API benchmark (bench/http.ts; --no-http skips it).
 * Prints tables (Markdown) and writes JSON to bench/results/latest.json (or --json PATH).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { probeRedisBenchmark, type RedisBenchResult, redisBenchmark } from "./ceilings/redis-benchmark.js";
import {
  SQLITE_SIZES_DEFAULT,
  SQLITE_SIZES_QUICK,
  type SqliteCeilingResult,
  sqliteCeilings,
  sqliteVersion,
} from "./ceilings/sqlite.js";
import { prepareWorkerRuntime } from "./harness/build.js";
import { int, mib, mmm, ms, ratio, table } from "./harness/format.js";
import { type LatencyRun, latencyRun, type ThroughputRun, throughputRun } from "./harness/runs.js";
import { type Summary, summarize } from "./harness/stats.js";
import { isSystemId, loadSystem, SYSTEM_IDS, type SystemId } from "./systems/index.js";
import { probeRedis } from "./systems/redis-util.js";
import type { BenchContext, BenchSystem, SystemInfo } from "./systems/types.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** Targets from the performance issue, checked against spool on SQLite. */
export const TARGETS = {
  processPerS: 50_000,
  enqueuePerS: 150_000,
  p50Ms: 1,
  idleRssMiB: 60,
} as const;

const PEERS: SystemId[] = ["bullmq", "bee-queue", "graphile-worker", "graphile-worker-default"];
const SPOOLS: SystemId[] = ["spool-sqlite", "spool-redis", "spool-memory"];

interface Options {
  quick: boolean;
  n: number;
  samples: number;
  warmup: number;
  reps: number;
  systems: SystemId[];
  ceilings: boolean;
  /** Also run the HTTP API benchmark (bench/http.ts) against spool on SQLite. */
  http: boolean;
  json: string;
  cpuProf: SystemId[];
  concurrency: number;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: "boolean", default: false },
      n: { type: "string" },
      samples: { type: "string" },
      warmup: { type: "string" },
      reps: { type: "string" },
      systems: { type: "string" },
      "no-ceilings": { type: "boolean", default: false },
      "no-http": { type: "boolean", default: false },
      json: { type: "string" },
      "cpu-prof": { type: "string" },
      concurrency: { type: "string" },
      help: { type: "boolean", default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(
      [
        "npm run bench -- [options]",
        "  --quick              smoke run (N 2000, 100 latency samples, 1 repetition, small ceilings)",
        "  --n N                jobs per throughput run (default 20000)",
        "  --samples S          latency samples per run (default 500; warm-up 20: --warmup)",
        "  --reps R             repetitions (default 3; median/min/max reported)",
        `  --systems a,b        subset of: ${SYSTEM_IDS.join(", ")}`,
        "  --no-ceilings        skip the raw SQLite / redis-benchmark ceilings",
        "  --no-http            skip the HTTP API benchmark (bench/http.ts, spool on SQLite)",
        "  --json PATH          JSON output (default bench/results/latest.json)",
        "  --cpu-prof a,b       write V8 CPU profiles of these systems' throughput workers",
        "                       to bench/results/profiles/<system>/ (summarize: tsx bench/profile-summary.ts)",
        "",
      ].join("\n"),
    );
    process.exit(0);
  }
  const num = (v: string | undefined, fallback: number, name: string): number => {
    if (v === undefined) return fallback;
    const x = Number(v);
    if (!Number.isInteger(x) || x < 1) throw new Error(`--${name} must be a positive integer, got ${v}`);
    return x;
  };
  const list = (v: string | undefined, fallback: SystemId[]): SystemId[] => {
    if (v === undefined) return fallback;
    const ids = v
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    for (const id of ids)
      if (!isSystemId(id)) throw new Error(`unknown system "${id}" (known: ${SYSTEM_IDS.join(", ")})`);
    return ids as SystemId[];
  };
  const quick = values.quick ?? false;
  return {
    quick,
    n: num(values.n, quick ? 2000 : 20_000, "n"),
    samples: num(values.samples, quick ? 100 : 500, "samples"),
    warmup: num(values.warmup, quick ? 10 : 20, "warmup"),
    reps: num(values.reps, quick ? 1 : 3, "reps"),
    systems: list(values.systems, [...SYSTEM_IDS]),
    ceilings: !values["no-ceilings"],
    http: !values["no-http"],
    json: resolve(values.json ?? join(ROOT, "bench", "results", "latest.json")),
    cpuProf: list(values["cpu-prof"], []),
    concurrency: num(values.concurrency, 50, "concurrency"),
  };
}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

function gitCommit(): string {
  try {
    const sha = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--", "src"], {
      cwd: ROOT,
      encoding: "utf8",
    }).trim();
    return dirty ? `${sha} (+ uncommitted changes in src/)` : sha;
  } catch {
    return "unknown";
  }
}

interface SystemResult {
  id: SystemId;
  info: SystemInfo | null;
  skipped: string | null;
  throughput: (ThroughputRun | { error: string })[];
  latency: (LatencyRun | { error: string })[];
}

interface SystemSummary {
  enqueuePerS: Summary | null;
  processPerS: Summary | null;
  spawnToDoneS: Summary | null;
  startToFirstMs: Summary | null;
  tailMs: Summary | null;
  peakRssMiB: Summary | null;
  idleRssMiB: Summary | null;
  p50: Summary | null;
  p95: Summary | null;
  p99: Summary | null;
  max: Summary | null;
  handlersOk: boolean;
  errors: string[];
}

const okRuns = <T extends object>(runs: (T | { error: string })[]): T[] =>
  runs.filter((r): r is T => !("error" in r));

function summarizeSystem(r: SystemResult): SystemSummary {
  const tp = okRuns(r.throughput);
  const lat = okRuns(r.latency);
  const errors = [
    ...r.throughput.flatMap((x) =>
      "error" in x ? [`throughput: ${x.error}`] : x.problems.map((p) => `throughput: ${p}`),
    ),
    ...r.latency.flatMap((x) =>
      "error" in x ? [`latency: ${x.error}`] : x.problems.map((p) => `latency: ${p}`),
    ),
  ];
  return {
    enqueuePerS: summarize(tp.map((x) => x.enqueuePerS)),
    processPerS: summarize(tp.map((x) => x.processPerS)),
    spawnToDoneS: summarize(tp.map((x) => x.spawnToDoneS)),
    startToFirstMs: summarize(tp.map((x) => x.startToFirstMs)),
    tailMs: summarize(tp.map((x) => x.tailMs)),
    peakRssMiB: summarize(tp.map((x) => x.peakRssMiB)),
    idleRssMiB: summarize(lat.map((x) => x.idleRssMiB)),
    p50: summarize(lat.map((x) => x.p50)),
    p95: summarize(lat.map((x) => x.p95)),
    p99: summarize(lat.map((x) => x.p99)),
    max: summarize(lat.map((x) => x.max)),
    handlersOk: tp.length > 0 && tp.every((x) => x.ok) && lat.every((x) => x.ok),
    errors,
  };
}

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  const started = performance.now();
  const tmpDir = mkdtempSync(join(tmpdir(), "spool-bench-"));
  const base: Omit<BenchContext, "runId"> = {
    tmpDir,
    redisUrl: process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379/14",
    pgUrl: process.env.BENCH_PG_URL ?? "postgres://spool:spool@127.0.0.1:5432/spool",
    concurrency: opts.concurrency,
  };
  const runId = (system: string, rep: number, kind: string) =>
    `${system}-${kind}-${rep}-${process.pid}-${Date.now().toString(36)}`.replace(/[^a-zA-Z0-9_-]/g, "_");

  const env = {
    date: new Date().toISOString(),
    commit: gitCommit(),
    node: process.version,
    cpus: `${cpus().length} × ${cpus()[0]?.model ?? "?"}`,
    memGiB: Math.round(totalmem() / 2 ** 30),
    sqlite: `better-sqlite3 SQLite ${sqliteVersion()}`,
    workerRuntime: "",
    tmpDir,
    /** 1-minute load average at start and end: other work on this machine skews every figure. */
    loadAvgStart: loadavg()[0]!,
    loadAvgEnd: 0,
  };
  log(`spool bench — ${env.date} — commit ${env.commit} — node ${env.node} — ${env.cpus}`);
  log(
    `mode: ${opts.quick ? "QUICK (smoke run, not for comparison)" : "full"}; N=${opts.n}, latency ${opts.samples} samples (+${opts.warmup} warm-up), ${opts.reps} repetition(s)`,
  );

  const runtime = await prepareWorkerRuntime(ROOT);
  env.workerRuntime = runtime.describe;
  log(`worker processes: ${runtime.describe}`);

  // ── A. ceilings ──────────────────────────────────────────────────────────────────────
  const sqliteRuns: SqliteCeilingResult[] = [];
  const redisRuns: RedisBenchResult[] = [];
  let redisBenchSkip: string | null = null;
  if (opts.ceilings) {
    const sizes = opts.quick ? SQLITE_SIZES_QUICK : SQLITE_SIZES_DEFAULT;
    redisBenchSkip = (await probeRedisBenchmark()) ?? (await probeRedis(base.redisUrl));
    for (let rep = 1; rep <= opts.reps; rep++) {
      for (const sync of ["FULL", "NORMAL"] as const) {
        log(`A. sqlite ceiling synchronous=${sync} rep ${rep}/${opts.reps}`);
        sqliteRuns.push(...sqliteCeilings(tmpDir, sizes, sync));
      }
      if (!redisBenchSkip) {
        log(`A. redis-benchmark rep ${rep}/${opts.reps}`);
        try {
          redisRuns.push(...(await redisBenchmark(base.redisUrl, opts.quick ? 20_000 : 200_000)));
        } catch (err) {
          redisBenchSkip = `redis-benchmark failed: ${(err as Error).message}`;
        }
      }
    }
  }

  // ── systems ──────────────────────────────────────────────────────────────────────────
  const results: SystemResult[] = [];
  const loaded = new Map<SystemId, BenchSystem>();
  for (const id of opts.systems) {
    const r: SystemResult = { id, info: null, skipped: null, throughput: [], latency: [] };
    results.push(r);
    try {
      const sys = await loadSystem(id);
      const ctx = { ...base, runId: runId(id, 0, "probe") };
      r.skipped = await sys.probe(ctx);
      r.info = await sys.info(ctx).catch(() => null);
      if (!r.skipped) loaded.set(id, sys);
    } catch (err) {
      r.skipped = `could not load: ${(err as Error).message}`;
    }
    if (r.skipped) log(`!!! ${id} SKIPPED: ${r.skipped}`);
  }

  // Repetitions round-robin over systems, so slow drift of the machine hits all alike.
  for (let rep = 1; rep <= opts.reps; rep++) {
    for (const r of results) {
      const sys = loaded.get(r.id);
      if (!sys || !r.info) continue;
      const workerExecArgv = opts.cpuProf.includes(r.id)
        ? ["--cpu-prof", `--cpu-prof-dir=${join(ROOT, "bench", "results", "profiles", r.id)}`]
        : [];
      log(`B. ${r.id} throughput rep ${rep}/${opts.reps} (N=${opts.n})`);
      try {
        const t = await throughputRun(sys, r.info, { ...base, runId: runId(r.id, rep, "tp") }, opts.n, {
          runtime,
          workerExecArgv,
        });
        r.throughput.push(t);
        log(
          `   enqueue ${int(t.enqueuePerS)}/s, process ${int(t.processPerS)}/s, tail ${ms(t.tailMs)} ms, peak RSS ${mib(t.peakRssMiB)} MiB${t.ok ? "" : `  PROBLEMS: ${t.problems.join("; ")}`}`,
        );
      } catch (err) {
        r.throughput.push({ error: (err as Error).message });
        log(`   FAILED: ${(err as Error).message}`);
      }
      log(`C. ${r.id} latency rep ${rep}/${opts.reps} (${opts.samples} samples)`);
      try {
        const l = await latencyRun(
          sys,
          r.info,
          { ...base, runId: runId(r.id, rep, "lat") },
          opts.warmup,
          opts.samples,
          { runtime },
        );
        r.latency.push(l);
        log(
          `   p50 ${ms(l.p50)} ms, p95 ${ms(l.p95)} ms, p99 ${ms(l.p99)} ms, idle RSS ${mib(l.idleRssMiB)} MiB${l.ok ? "" : `  PROBLEMS: ${l.problems.join("; ")}`}`,
        );
      } catch (err) {
        r.latency.push({ error: (err as Error).message });
        log(`   FAILED: ${(err as Error).message}`);
      }
    }
  }
  rmSync(tmpDir, { recursive: true, force: true });
  // Profiles map back through the bundle's source maps: keep it when profiling.
  if (opts.cpuProf.length === 0) runtime.cleanup();
  else log(`CPU profiles in bench/results/profiles/; bundle kept at ${dirname(runtime.entry)}`);

  // ── report ───────────────────────────────────────────────────────────────────────────
  env.loadAvgEnd = loadavg()[0]!;
  const summaries = new Map(results.map((r) => [r.id, summarizeSystem(r)]));
  const out: string[] = [];
  const label = (r: SystemResult) => r.info?.label ?? r.id;
  out.push(`# spool bench — ${env.date}`);
  out.push("");
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

  const skipped = results.filter((r) => r.skipped);
  if (skipped.length) {
    out.push("## SKIPPED (no numbers for these — not measured in this run)");
    out.push("");
    for (const r of skipped) out.push(`- **skipped: ${r.id}** — ${r.skipped}`);
    out.push("");
  }

  // A
  if (opts.ceilings) {
    out.push("## A. Raw ceilings");
    out.push("");
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
  }

  const measured = results.filter((r) => !r.skipped);
  // B
  out.push(`## B. Throughput (no-op jobs, N=${int(opts.n)})`);
  out.push("");
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
      results.map((r) => {
        if (r.skipped)
          return [`${r.id}`, "‼ skipped", "", "", "‼ skipped", "", "", "", "", "", r.skipped.slice(0, 60)];
        const s = summaries.get(r.id)!;
        return [
          label(r),
          ...mmm(s.enqueuePerS, int),
          ...mmm(s.processPerS, int),
          ms(s.startToFirstMs?.median, 1),
          ms(s.tailMs?.median, 1),
          ms(s.spawnToDoneS?.median, 3),
          s.handlersOk ? "all N ran, 0 left" : "‼ PROBLEM (see below)",
        ];
      }),
      [false, true, true, true, true, true, true, true, true, true, false],
    ),
  );
  out.push("");
  // C
  out.push("## C. Latency (enqueue call → handler entry, idle worker, sequential), ms");
  out.push("");
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
  // D
  out.push("## D. Memory (worker process, MiB)");
  out.push("");
  out.push(
    table(
      ["system", "idle RSS", "min", "max", "peak RSS (throughput run)", "min", "max"],
      results.map((r) => {
        if (r.skipped) return [r.id, "‼ skipped"];
        const s = summaries.get(r.id)!;
        return [label(r), ...mmm(s.idleRssMiB, mib), ...mmm(s.peakRssMiB, mib)];
      }),
      [false, true, true, true, true, true, true],
    ),
  );
  out.push("");

  // Ratios: spool variants vs each peer measured in this run. > 1 means spool is better.
  const ratioRows: string[][] = [];
  const ratios: Record<string, Record<string, Record<string, number | null>>> = {};
  for (const sid of SPOOLS) {
    const s = summaries.get(sid);
    if (!s?.processPerS) continue;
    for (const pid of PEERS) {
      const p = summaries.get(pid);
      if (!p?.processPerS) continue;
      const q = (a: number | undefined, b: number | undefined) =>
        a === undefined || b === undefined || b === 0 ? null : a / b;
      const row = {
        process: q(s.processPerS?.median, p.processPerS?.median),
        enqueue: q(s.enqueuePerS?.median, p.enqueuePerS?.median),
        p50: q(p.p50?.median, s.p50?.median),
        p99: q(p.p99?.median, s.p99?.median),
        idleRss: q(p.idleRssMiB?.median, s.idleRssMiB?.median),
        peakRss: q(p.peakRssMiB?.median, s.peakRssMiB?.median),
      };
      (ratios[sid] ??= {})[pid] = row;
      ratioRows.push([
        `${sid} vs ${pid}`,
        ratio(row.process),
        ratio(row.enqueue),
        ratio(row.p50),
        ratio(row.p99),
        ratio(row.idleRss),
        ratio(row.peakRss),
      ]);
    }
  }
  out.push("## Ratios (medians of this run; > 1× means spool is better: faster, lower latency, less memory)");
  out.push("");
  if (ratioRows.length)
    out.push(
      table(
        [
          "comparison",
          "process jobs/s",
          "enqueue jobs/s",
          "p50 latency",
          "p99 latency",
          "idle RSS",
          "peak RSS",
        ],
        ratioRows,
        [false, true, true, true, true, true, true],
      ),
    );
  else out.push("(no spool/peer pair measured in this run)");
  out.push("");

  // Targets
  const sq = summaries.get("spool-sqlite");
  const target = (
    name: string,
    value: number | undefined,
    goal: number,
    higherBetter: boolean,
    fmt: (v: number) => string,
    unit: string,
  ) => {
    const met = value === undefined ? null : higherBetter ? value >= goal : value <= goal;
    return {
      name,
      goal: `${higherBetter ? "≥" : "≤"} ${fmt(goal)} ${unit}`,
      value: value ?? null,
      shown: value === undefined ? "not measured" : `${fmt(value)} ${unit}`,
      met,
    };
  };
  const targets = [
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
  out.push("## Targets (issue) vs spool on SQLite, medians of this run");
  out.push("");
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

  // Notes
  out.push("## Configurations and retention");
  out.push("");
  for (const r of measured) {
    if (!r.info) continue;
    out.push(`- **${r.info.label}** (${r.info.version}): ${r.info.config}. Retention: ${r.info.retention}.`);
    for (const n of r.info.notes ?? []) out.push(`  - ${n}`);
  }
  out.push(
    "- spool keeps every completed job (state `completed`, with its result) — the peers above delete them at once, so spool does more writes per job.",
  );
  // ── E. HTTP API ──────────────────────────────────────────────────────────────────────
  let http: unknown = null;
  if (opts.http) {
    log("HTTP API benchmark (bench/http.ts, spool on SQLite) …");
    const httpDir = mkdtempSync(join(tmpdir(), "spool-bench-http-"));
    const httpJson = join(httpDir, "http.json");
    const httpArgs = ["--import", "tsx", join(ROOT, "bench", "http.ts"), "--json", httpJson];
    if (opts.quick) httpArgs.push("--n", "2000", "--samples", "50");
    try {
      const text = execFileSync(process.execPath, httpArgs, {
        cwd: ROOT,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "inherit"],
      });
      out.push("## E. HTTP API (client and server in separate processes, keep-alive)");
      out.push(text.trim());
      out.push("");
      http = JSON.parse(readFileSync(httpJson, "utf8"));
    } catch (err) {
      out.push(
        `## E. HTTP API — skipped: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}`,
      );
      out.push("");
      http = { skipped: String(err) };
    } finally {
      rmSync(httpDir, { recursive: true, force: true });
    }
  }

  const problems = measured.flatMap((r) => summaries.get(r.id)!.errors.map((e) => `${r.id}: ${e}`));
  if (problems.length) {
    out.push("");
    out.push("## ‼ PROBLEMS");
    out.push("");
    for (const p of problems) out.push(`- ${p.split("\n")[0]}`);
  }
  out.push("");
  const elapsed = (performance.now() - started) / 1000;
  out.push(`total bench time ${elapsed.toFixed(0)} s`);

  const json = {
    schema: "spool-bench/1",
    env,
    options: { ...opts, json: relative(ROOT, opts.json) },
    targets: targets.map(({ name, goal, value, met }) => ({ name, goal, value, met })),
    ceilings: {
      sqlite: sqliteRuns,
      redisBenchmark: redisBenchSkip ? { skipped: redisBenchSkip } : redisRuns,
    },
    systems: results.map((r) => ({
      id: r.id,
      info: r.info,
      skipped: r.skipped,
      summary: r.skipped ? null : summaries.get(r.id),
      runs: { throughput: r.throughput, latency: r.latency },
    })),
    ratios,
    http,
    elapsedS: elapsed,
  };
  mkdirSync(dirname(opts.json), { recursive: true });
  writeFileSync(opts.json, `${JSON.stringify(json, null, 2)}\n`);
  out.push(`JSON: ${relative(process.cwd(), opts.json) || opts.json}`);
  process.stdout.write(`${out.join("\n")}\n`);
  // Libraries (ioredis, pg pools) may keep handles; the run is over.
  process.exit(problems.length ? 1 : 0);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(2);
});
