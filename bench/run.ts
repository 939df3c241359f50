/**
 * `npm run bench` — spool against its peers, in one run, through one harness, with the method
 * of /work/shared/anchors.md (see bench/README.md).
 *
 *   npm run bench                      # 3 repetitions, N = 20,000, 500 latency samples (~5–8 min)
 *   npm run bench -- --quick           # smoke run: 1 repetition, N = 2,000, 100 samples
 *   npm run bench -- --systems spool-sqlite,bullmq --n 50000 --reps 5
 *   npm run bench -- --two-workers spool-redis,bullmq   # B also with 2 worker procs (default: --help)
 *   npm run bench -- --cpu-prof spool-sqlite   # V8 CPU profile of the worker in throughput runs
 *
 * Also runs the HTTP API benchmark (bench/http.ts; --no-http skips it) and the isolation one
 * (bench/isolation/run.ts; --no-isolation skips it) and the flow-control one (bench/flow.ts;
 * --no-flow skips it).
 * Prints tables (Markdown, harness/report.ts) and writes JSON to bench/results/latest.json (or --json PATH).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { probeRedisBenchmark, type RedisBenchResult, redisBenchmark } from "./ceilings/redis-benchmark.js";
import {
  SQLITE_SIZES_DEFAULT,
  SQLITE_SIZES_QUICK,
  type SqliteCeilingResult,
  sqliteCeilings,
  sqliteVersion,
} from "./ceilings/sqlite.js";
import { prepareWorkerRuntime } from "./harness/build.js";
import {
  peerRatios,
  perfTargets,
  ratiosJson,
  redisTargets,
  sqliteTargets,
  type Target,
  twoVsOne,
} from "./harness/compare.js";
import { int, mib, ms } from "./harness/format.js";
import { type Options, parseOptions } from "./harness/options.js";
import {
  type BenchEnv,
  ceilingsSection,
  configSection,
  headerSection,
  latencySection,
  memorySection,
  ratiosSection,
  singleEnqueueSection,
  skippedSection,
  targetsSection,
  throughputSection,
  twoVsOneSection,
} from "./harness/report.js";
import { latencyRun, type RunOptions, throughputRun } from "./harness/runs.js";
import { singleEnqueueRun } from "./harness/single-enqueue.js";
import { type SystemResult, summarizeSystem } from "./harness/summary.js";
import { twoWorkerThroughputRun, WORKERS } from "./harness/two-workers.js";
import { loadSystem, type SystemId } from "./systems/index.js";
import { probeRedis } from "./systems/redis-util.js";
import type { BenchContext, BenchSystem } from "./systems/types.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

export { REDIS_TARGETS, TARGETS } from "./harness/compare.js";

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

const problemsNote = (x: { ok: boolean; problems: string[] }) =>
  x.ok ? "" : `  PROBLEMS: ${x.problems.join("; ")}`;

/** B1 for one system, one repetition. */
async function singleEnqueue(
  r: SystemResult,
  sys: BenchSystem,
  of: string,
  opts: Options,
  ctxFor: (kind: string) => BenchContext,
): Promise<void> {
  log(`B1. ${r.id} concurrent single enqueue ${of} (${opts.singleN} calls, ${opts.inflight} in flight)`);
  try {
    const s = await singleEnqueueRun(sys, ctxFor("one"), opts.singleN, opts.inflight);
    r.singleEnqueue.push(s);
    log(`   ${int(s.perS)} jobs/s${problemsNote(s)}`);
  } catch (err) {
    r.singleEnqueue.push({ error: (err as Error).message });
    log(`   FAILED: ${(err as Error).message}`);
  }
}

/** B (one worker process) for one system, one repetition. */
async function throughput(
  r: SystemResult,
  sys: BenchSystem,
  of: string,
  ctxFor: (kind: string) => BenchContext,
  opts: Options,
  runOpts: RunOptions,
): Promise<void> {
  const info = r.info!;
  log(`B. ${r.id} throughput ${of} (N=${opts.n})`);
  try {
    const t = await throughputRun(sys, info, ctxFor("tp"), opts.n, runOpts);
    r.throughput.push(t);
    log(
      `   enqueue ${int(t.enqueuePerS)}/s, process ${int(t.processPerS)}/s, tail ${ms(t.tailMs)} ms, peak RSS ${mib(t.peakRssMiB)} MiB${problemsNote(t)}`,
    );
  } catch (err) {
    r.throughput.push({ error: (err as Error).message });
    log(`   FAILED: ${(err as Error).message}`);
  }
}

/** One repetition of one system: B with one worker, B with two (if selected), C. */
async function repetition(
  r: SystemResult,
  sys: BenchSystem,
  rep: number,
  opts: Options,
  ctxFor: (kind: string) => BenchContext,
  runOpts: RunOptions,
  twoWorkers: boolean,
  fourWorkers: boolean,
): Promise<void> {
  const of = `rep ${rep}/${opts.reps}`;
  const info = r.info!;
  if (opts.sections.has("b1")) await singleEnqueue(r, sys, of, opts, ctxFor);
  if (opts.sections.has("b")) await throughput(r, sys, of, ctxFor, opts, runOpts);
  if (twoWorkers) {
    log(`B. ${r.id} throughput with ${WORKERS} worker processes ${of} (N=${opts.n})`);
    try {
      const t = await twoWorkerThroughputRun(sys, info, ctxFor("tp2"), opts.n, runOpts);
      r.twoWorkers.push(t);
      log(
        `   enqueue ${int(t.enqueuePerS)}/s, process ${int(t.processPerS)}/s, tail ${ms(t.tailMs)} ms, ` +
          `jobs per worker ${t.perWorker.map((w) => int(w.handled)).join(" + ")}, peak RSS ${mib(t.peakRssMiB)} MiB${problemsNote(t)}`,
      );
    } catch (err) {
      r.twoWorkers.push({ error: (err as Error).message });
      log(`   FAILED: ${(err as Error).message}`);
    }
  }
  if (fourWorkers) {
    log(`B. ${r.id} throughput with 4 worker processes ${of} (N=${opts.n})`);
    try {
      const t = await twoWorkerThroughputRun(sys, info, ctxFor("tp4"), opts.n, runOpts, 4);
      r.fourWorkers.push(t);
      log(
        `   process ${int(t.processPerS)}/s, jobs per worker ${t.perWorker.map((w) => int(w.handled)).join(" + ")}${problemsNote(t)}`,
      );
    } catch (err) {
      r.fourWorkers.push({ error: (err as Error).message });
      log(`   FAILED: ${(err as Error).message}`);
    }
  }
  if (opts.sections.has("c")) {
    log(`C. ${r.id} latency ${of} (${opts.samples} samples)`);
    try {
      const l = await latencyRun(sys, info, ctxFor("lat"), opts.warmup, opts.samples, {
        runtime: runOpts.runtime,
      });
      r.latency.push(l);
      log(
        `   p50 ${ms(l.p50)} ms, p95 ${ms(l.p95)} ms, p99 ${ms(l.p99)} ms, idle RSS ${mib(l.idleRssMiB)} MiB${problemsNote(l)}`,
      );
    } catch (err) {
      r.latency.push({ error: (err as Error).message });
      log(`   FAILED: ${(err as Error).message}`);
    }
  }
}

/**
 * A section that runs as its own script in its own process (E: bench/http.ts, I:
 * bench/isolation/run.ts): its stdout is the report, `--json FILE` its figures.
 */
function childSection(
  what: string,
  heading: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): { lines: string[]; json: unknown } {
  log(`${what} …`);
  const dir = mkdtempSync(join(tmpdir(), "spool-bench-section-"));
  const file = join(dir, "section.json");
  try {
    const text = execFileSync(process.execPath, ["--import", "tsx", ...args, "--json", file], {
      cwd: ROOT,
      encoding: "utf8",
      env,
      stdio: ["ignore", "pipe", "inherit"],
    });
    return {
      lines: [heading, text.trim(), ""].filter(Boolean),
      json: JSON.parse(readFileSync(file, "utf8")),
    };
  } catch (err) {
    const why = err instanceof Error ? err.message.split("\n")[0] : String(err);
    return { lines: [`${heading || `## ${what}`} — skipped: ${why}`, ""], json: { skipped: why } };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** E: the HTTP API benchmark (bench/http.ts, spool on SQLite). */
function httpBench(opts: Options): { lines: string[]; json: unknown } {
  const args = [join(ROOT, "bench", "http.ts")];
  if (opts.quick) args.push("--n", "2000", "--samples", "50");
  return childSection(
    "HTTP API benchmark (bench/http.ts, spool on SQLite)",
    "## E. HTTP API (client and server in separate processes, keep-alive)",
    args,
  );
}

/** F: limits that do not bind (bench/flow.ts): keyed and plain queues, BullMQ's limiter beside. */
function flowBench(opts: Options, redisUrl: string): { lines: string[]; json: unknown } {
  const args = [
    join(ROOT, "bench", "flow.ts"),
    "--n",
    opts.quick ? "1000" : "5000",
    "--reps",
    opts.quick ? "1" : "3",
  ];
  return childSection(
    "F. limits that do not bind (bench/flow.ts)",
    "## F. Flow control: jobs/s with limits that do not bind, vs the same system's plain queue",
    args,
    { ...process.env, SPOOL_BENCH_REDIS_URL: redisUrl },
  );
}

/** I: isolated handlers (threads, processes) vs BullMQ's sandboxed processors, on Redis. */
function isolationBench(opts: Options, redisUrl: string): { lines: string[]; json: unknown } {
  const args = [join(ROOT, "bench", "isolation", "run.ts"), opts.quick ? "1000" : "2000", "4"];
  return childSection("I. isolation (bench/isolation/run.ts)", "", args, {
    ...process.env,
    SPOOL_BENCH_REDIS_URL: redisUrl,
  });
}

/** The growth section's processing runs are this many times B's N (100,000 by default). */
const GROWTH_PROCESS_FACTOR = 5;

/** G: the growth section (bench/growth.ts) in its own process; its report lines and JSON. */
function growthBench(opts: Options): { lines: string[]; json: unknown; problems: string[] } {
  const systems = opts.systems.filter((id) => id === "spool-sqlite" || id === "spool-redis");
  if (!opts.growth.length || !systems.length) return { lines: [], json: null, problems: [] };
  log(
    `G. growth section (bench/growth.ts): ${systems.join(", ")} at ${opts.growth.join(", ")} retained jobs …`,
  );
  const dir = mkdtempSync(join(tmpdir(), "spool-bench-growth-json-"));
  const file = join(dir, "growth.json");
  const args = ["--import", "tsx", join(ROOT, "bench", "growth.ts"), "--json", file];
  args.push("--sizes", opts.growth.join(","), "--systems", systems.join(","));
  // The reader polls once a second: a processing run of N = 20,000 lasts about a second and
  // would hold one poll; 5 × N (100,000 by default) gives it several. A small --n stays small.
  const processN = opts.n * GROWTH_PROCESS_FACTOR;
  args.push("--n", String(processN), "--calls", opts.quick ? "10" : "40");
  try {
    const text = execFileSync(process.execPath, args, {
      cwd: ROOT,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
    });
    const json = JSON.parse(readFileSync(file, "utf8")) as { problems: string[] };
    return { lines: [text.trim(), ""], json, problems: json.problems.map((p) => `growth: ${p}`) };
  } catch (err) {
    const why = err instanceof Error ? err.message.split("\n")[0] : String(err);
    return {
      lines: [`## G. Growth — ‼ failed: ${why}`, ""],
      json: { failed: why },
      problems: [`growth: ${why}`],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2), ROOT);
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

  const env: BenchEnv = {
    date: new Date().toISOString(),
    commit: gitCommit(),
    node: process.version,
    cpus: `${cpus().length} × ${cpus()[0]?.model ?? "?"}`,
    memGiB: Math.round(totalmem() / 2 ** 30),
    sqlite: `better-sqlite3 SQLite ${sqliteVersion()}`,
    workerRuntime: "",
    tmpDir,
    loadAvgStart: loadavg()[0]!,
    loadAvgEnd: 0,
  };
  log(`spool bench — ${env.date} — commit ${env.commit} — node ${env.node} — ${env.cpus}`);
  log(
    `mode: ${opts.quick ? "QUICK (smoke run, not for comparison)" : "full"}; N=${opts.n}, latency ${opts.samples} samples (+${opts.warmup} warm-up), ${opts.reps} repetition(s)` +
      `; ${WORKERS} worker processes too for: ${opts.twoWorkers.join(", ") || "none"}`,
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
    const r: SystemResult = {
      id,
      info: null,
      skipped: null,
      throughput: [],
      latency: [],
      twoWorkers: [],
      fourWorkers: [],
      singleEnqueue: [],
    };
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
    else if (opts.twoWorkers.includes(id) && r.info?.inProcess)
      log(`(${id} runs in-process: no ${WORKERS}-worker-process run)`);
  }

  // Repetitions round-robin over systems, so slow drift of the machine hits all alike.
  for (let rep = 1; rep <= opts.reps; rep++) {
    for (const r of results) {
      const sys = loaded.get(r.id);
      if (!sys || !r.info) continue;
      const workerExecArgv = opts.cpuProf.includes(r.id)
        ? ["--cpu-prof", `--cpu-prof-dir=${join(ROOT, "bench", "results", "profiles", r.id)}`]
        : [];
      const twoWorkers = opts.twoWorkers.includes(r.id) && !r.info.inProcess;
      const fourWorkers = opts.fourWorkers.includes(r.id) && !r.info.inProcess;
      const ctxFor = (kind: string) => ({ ...base, runId: runId(r.id, rep, kind) });
      await repetition(r, sys, rep, opts, ctxFor, { runtime, workerExecArgv }, twoWorkers, fourWorkers);
    }
  }
  rmSync(tmpDir, { recursive: true, force: true });
  // Profiles map back through the bundle's source maps: keep it when profiling.
  if (opts.cpuProf.length === 0) runtime.cleanup();
  else log(`CPU profiles in bench/results/profiles/; bundle kept at ${dirname(runtime.entry)}`);

  // ── report ───────────────────────────────────────────────────────────────────────────
  env.loadAvgEnd = loadavg()[0]!;
  const summaries = new Map(results.map((r) => [r.id, summarizeSystem(r)]));
  const ratioRows = peerRatios(summaries);
  const twoVsOneRatios = twoVsOne(summaries);
  const targets: Target[] = sqliteTargets(summaries);
  const targetsRedis: Target[] = redisTargets(summaries);
  const targetsPerf: Target[] = perfTargets(summaries);
  const out: string[] = [
    ...headerSection(env, opts),
    ...skippedSection(results),
    ...(opts.ceilings ? ceilingsSection(sqliteRuns, redisRuns, redisBenchSkip) : []),
    ...singleEnqueueSection(results, summaries, opts),
    ...throughputSection(results, summaries, opts.n),
    ...latencySection(results, summaries),
    ...memorySection(results, summaries),
    ...ratiosSection(ratioRows),
    ...twoVsOneSection(results, summaries, twoVsOneRatios),
    ...targetsSection("## Targets (issue) vs spool on SQLite, medians of this run", targets),
    ...targetsSection("## Targets (Redis issue) vs spool on Redis, medians of this run", targetsRedis),
    ...targetsSection("## Targets (performance issue 17), medians of this run", targetsPerf),
    ...configSection(results),
  ];

  // ── G. growth ──────────────────────────────────────────────────────────────────────────
  const growth = growthBench(opts);
  out.push(...growth.lines);

  // ── E. HTTP API ──────────────────────────────────────────────────────────────────────
  let http: unknown = null;
  if (opts.http) {
    const e = httpBench(opts);
    out.push(...e.lines);
    http = e.json;
  }

  // ── F. flow control ─────────────────────────────────────────────────────────────────
  let flow: unknown = null;
  if (opts.flow) {
    const f = flowBench(opts, base.redisUrl);
    out.push(...f.lines);
    flow = f.json;
  }

  // ── I. isolation ─────────────────────────────────────────────────────────────────────
  let isolation: unknown = null;
  if (opts.isolation) {
    const i = isolationBench(opts, base.redisUrl);
    out.push(...i.lines);
    isolation = i.json;
  }

  const measured = results.filter((r) => !r.skipped);
  const problems = [
    ...measured.flatMap((r) => summaries.get(r.id)!.errors.map((e) => `${r.id}: ${e}`)),
    ...growth.problems,
  ];
  if (problems.length) {
    out.push("");
    out.push("## ‼ PROBLEMS");
    out.push("");
    for (const p of problems) out.push(`- ${p.split("\n")[0]}`);
  }
  out.push("");
  const elapsed = (performance.now() - started) / 1000;
  out.push(`total bench time ${elapsed.toFixed(0)} s`);

  const targetJson = (ts: Target[]) => ts.map(({ name, goal, value, met }) => ({ name, goal, value, met }));
  const json = {
    schema: "spool-bench/1",
    env,
    options: { ...opts, json: relative(ROOT, opts.json) },
    targets: targetJson(targets),
    targetsRedis: targetJson(targetsRedis),
    targetsPerf: targetJson(targetsPerf),
    ceilings: {
      sqlite: sqliteRuns,
      redisBenchmark: redisBenchSkip ? { skipped: redisBenchSkip } : redisRuns,
    },
    systems: results.map((r) => ({
      id: r.id,
      info: r.info,
      skipped: r.skipped,
      summary: r.skipped ? null : summaries.get(r.id),
      runs: {
        throughput: r.throughput,
        latency: r.latency,
        twoWorkers: r.twoWorkers,
        fourWorkers: r.fourWorkers,
        singleEnqueue: r.singleEnqueue,
      },
    })),
    ratios: ratiosJson(ratioRows),
    twoWorkersVsOne: twoVsOneRatios,
    growth: growth.json,
    http,
    flow,
    isolation,
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
