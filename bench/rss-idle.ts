/**
 * Idle worker RSS (issue 17: "idle worker RSS <= 50 MiB"), measured the way `npm run bench`
 * measures it (section D: VmRSS of the worker process 1 s after it reports ready), with the
 * baselines and a breakdown in the same run:
 *
 * - a bare `node -e "setInterval(()=>{},1e3)"` (no IPC channel) and Node with only its IPC channel;
 * - one idle spool worker (bench/worker-entry.ts, concurrency 50) per backend, one process at a
 *   time, for each runtime: "dist" (spool imported from the built package, dist/: what an
 *   application that installed spool loads) and "src" (spool bundled into the worker by esbuild:
 *   what `npm run bench` reports);
 * - the breakdown by what is loaded (bench/rss-probe.ts: pino alone, spool's import, the store
 *   opened, the worker started) and, for each row, where the pages are: the node executable's
 *   pages (shared code), other libraries, the V8 heap, the rest of anonymous memory and malloc.
 *
 *   npx tsx bench/rss-idle.ts [--reps 5] [--backends memory,sqlite,redis] [--runtimes dist,src]
 *                             [--stages sqlite|none] [--json PATH]
 *
 * `npm run build` first (the dist runtime imports dist/index.js). Redis: SPOOL_TEST_REDIS_URL or
 * redis://127.0.0.1:6379/0, with a key prefix of this run's own, deleted afterwards (never flushed).
 */
import { type ChildProcess, fork, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { prepareWorkerRuntime, type WorkerRuntime } from "./harness/build.js";
import { mib, table } from "./harness/format.js";
import {
  type FromWorker,
  type MemReport,
  PROBE_STAGES,
  type ProbeStage,
  type ToWorker,
  type WorkerArgs,
} from "./harness/protocol.js";
import { type RssSplit, readMemory, readRssSplit } from "./harness/rss.js";
import { summarize } from "./harness/stats.js";
import { sleep } from "./harness/timing.js";
import { dropRedisPrefix, probeRedis } from "./systems/redis-util.js";
import type { BenchContext } from "./systems/types.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const log = (s: string) => process.stderr.write(`${s}\n`);
/** As bench/harness/runs.ts: VmRSS is read this long after the process reports ready. */
const SETTLE_MS = 1000;
const BACKENDS = ["memory", "sqlite", "redis"] as const;
type Backend = (typeof BACKENDS)[number];

/** One process measured: VmRSS, where its pages are, and the V8 heap's view (null: bare node). */
interface Sample {
  rssMiB: number;
  split: RssSplit;
  mem: MemReport | null;
}

interface Row {
  label: string;
  samples: Sample[];
}

function urlFor(backend: Backend, ctx: BenchContext, runId: string): string {
  if (backend === "memory") return "memory://";
  if (backend === "sqlite") return `sqlite://${join(ctx.tmpDir, `rss-${runId}.db`)}`;
  const url = new URL(ctx.redisUrl);
  url.searchParams.set("prefix", `rss-idle-${ctx.runId}`);
  return url.toString();
}

/** Forks `entry` with an IPC channel, waits for "ready", settles, samples, stops it. */
async function measureForked(entry: string, arg: unknown): Promise<Sample> {
  const child = fork(entry, [JSON.stringify(arg)], {
    // Not this process's flags (tsx's loader): the entry is compiled JavaScript.
    execArgv: [],
    stdio: ["ignore", "ignore", "pipe", "ipc"],
    env: { ...process.env, SPOOL_LOG_LEVEL: process.env.SPOOL_LOG_LEVEL ?? "warn" },
  });
  let stderr = "";
  child.stderr?.on("data", (c: Buffer) => {
    stderr = (stderr + c.toString()).slice(-4000);
  });
  try {
    await nextMessage(child, "ready", 60_000, () => stderr);
    await sleep(SETTLE_MS);
    const pid = child.pid!;
    const rssMiB = readMemory(pid).rssMiB;
    const split = readRssSplit(pid);
    child.send({ cmd: "mem" } satisfies ToWorker);
    const mem = (await nextMessage(child, "mem", 10_000, () => stderr)) as MemReport;
    child.send({ cmd: "stop" } satisfies ToWorker);
    await nextMessage(child, "stopped", 20_000, () => stderr).catch(() => null);
    return { rssMiB, split, mem };
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }
}

function nextMessage(
  child: ChildProcess,
  ev: FromWorker["ev"],
  timeoutMs: number,
  tail: () => string,
): Promise<FromWorker> {
  return new Promise((resolvePromise, reject) => {
    const done = (fn: () => void) => {
      clearTimeout(timer);
      child.off("message", onMessage);
      child.off("exit", onExit);
      fn();
    };
    const onMessage = (m: FromWorker) => {
      if (m.ev === "error") done(() => reject(new Error(`process failed: ${m.message}`)));
      else if (m.ev === ev) done(() => resolvePromise(m));
    };
    const onExit = (code: number | null) =>
      done(() => reject(new Error(`process exited (code ${code}) before "${ev}":\n${tail()}`)));
    const timer = setTimeout(
      () => done(() => reject(new Error(`no "${ev}" within ${timeoutMs} ms:\n${tail()}`))),
      timeoutMs,
    );
    child.on("message", onMessage);
    child.on("exit", onExit);
  });
}

/** The bare baseline: `node -e "setInterval(()=>{},1e3)"`, no IPC; sampled 1 s after it runs. */
async function measureBareNode(): Promise<Sample> {
  const child = spawn(process.execPath, ["-e", "setInterval(()=>{},1e3)"], { stdio: "ignore" });
  try {
    const pid = child.pid!;
    // No ready signal without changing what is measured: it has started once it sleeps in its
    // event loop and uses no more CPU (on a loaded host start-up can take over a second).
    await startedUp(pid);
    await sleep(SETTLE_MS);
    return { rssMiB: readMemory(pid).rssMiB, split: readRssSplit(pid), mem: null };
  } finally {
    child.kill("SIGKILL");
  }
}

/** bench/systems/spool.ts derives the store from ctx: the SQLite file from the run id, Redis from ctx.redisUrl. */
/** Waits until `pid` is sleeping (state S) with its CPU time unchanged over 100 ms, twice. */
async function startedUp(pid: number): Promise<void> {
  const cpu = () => {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    // state, then utime and stime at positions 14 and 15 of the full line (12 and 13 here).
    return { state: fields[0], ticks: Number(fields[11]) + Number(fields[12]) };
  };
  const deadline = Date.now() + 30_000;
  let quiet = 0;
  let last = cpu();
  while (quiet < 2 && Date.now() < deadline) {
    await sleep(100);
    const now = cpu();
    quiet = now.state === "S" && now.ticks === last.ticks ? quiet + 1 : 0;
    last = now;
  }
}

function workerArgs(backend: Backend, ctx: BenchContext): WorkerArgs {
  return { system: `spool-${backend}`, ctx, mode: "idle", n: 0 };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      reps: { type: "string", default: "5" },
      backends: { type: "string", default: BACKENDS.join(",") },
      runtimes: { type: "string", default: "dist,src" },
      stages: { type: "string", default: "sqlite" },
      json: { type: "string" },
    },
  });
  const reps = Number(values.reps);
  const backends = values.backends.split(",").filter(Boolean) as Backend[];
  for (const b of backends) if (!BACKENDS.includes(b)) throw new Error(`unknown backend ${b}`);
  const runtimes = values.runtimes.split(",").filter(Boolean) as ("dist" | "src")[];
  const stagesOn = values.stages === "none" ? null : (values.stages as Backend);
  if (runtimes.includes("dist") && !existsSync(join(ROOT, "dist", "index.js")))
    throw new Error("dist/index.js is missing: run `npm run build` first (or --runtimes src)");

  const tmpDir = mkdtempSync(join(tmpdir(), "spool-rss-"));
  const runId = `${process.pid}`;
  const ctx: BenchContext = {
    runId,
    tmpDir,
    redisUrl: process.env.SPOOL_TEST_REDIS_URL ?? "redis://127.0.0.1:6379/0",
    pgUrl: "",
    concurrency: 50,
  };
  const redisPrefix = `rss-idle-${runId}`;
  if (backends.includes("redis")) {
    // bench/systems/spool.ts opens ctx.redisUrl as given: give it this run's own prefix.
    ctx.redisUrl = urlFor("redis", ctx, runId);
    const why = await probeRedis(ctx.redisUrl);
    if (why) {
      log(`! ${why}: redis skipped`);
      backends.splice(backends.indexOf("redis"), 1);
    }
  }
  const load0 = loadavg();
  const built: Record<string, WorkerRuntime> = {};
  for (const r of runtimes)
    built[r] = await prepareWorkerRuntime(ROOT, { spool: r, extraEntries: ["rss-probe.ts"] });
  const probeEntry = (r: WorkerRuntime) => join(dirname(r.entry), "rss-probe.mjs");

  const rows: Row[] = [
    { label: 'bare node -e "setInterval(()=>{},1e3)"', samples: [] },
    { label: "node + IPC channel (what every worker below has)", samples: [] },
  ];
  const workerRow = new Map<string, Row>();
  for (const r of runtimes)
    for (const b of backends) {
      const row = { label: `spool worker, ${b}:// (${r})`, samples: [] };
      workerRow.set(`${r}/${b}`, row);
      rows.push(row);
    }
  const stageRows = new Map<ProbeStage, Row>();
  const stageRuntime = runtimes[0];
  if (stagesOn && stageRuntime)
    for (const s of PROBE_STAGES.slice(1))
      stageRows.set(s, { label: `breakdown (${stageRuntime}): ${stageLabel(s, stagesOn)}`, samples: [] });

  try {
    // Round-robin over everything, one process at a time, so drift of the machine hits all rows.
    for (let rep = 1; rep <= reps; rep++) {
      log(`rep ${rep}/${reps} (load ${loadavg()[0]!.toFixed(1)})`);
      rows[0]!.samples.push(await measureBareNode());
      const anyRuntime = built[runtimes[0]!]!;
      rows[1]!.samples.push(await measureForked(probeEntry(anyRuntime), { stage: "node", url: "" }));
      for (const r of runtimes)
        for (const b of backends) {
          const sample = await measureForked(built[r]!.entry, workerArgs(b, ctx));
          workerRow.get(`${r}/${b}`)!.samples.push(sample);
          if (b === "sqlite")
            for (const f of ["", "-wal", "-shm"])
              rmSync(join(tmpDir, `spool-${runId}.db${f}`), { force: true });
        }
      if (stagesOn && stageRuntime)
        for (const [s, row] of stageRows) {
          const url = urlFor(s === "better-sqlite3" ? "sqlite" : stagesOn, ctx, `${runId}-probe-${rep}-${s}`);
          row.samples.push(await measureForked(probeEntry(built[stageRuntime]!), { stage: s, url }));
        }
    }
  } finally {
    for (const r of Object.values(built)) r.cleanup();
    rmSync(tmpDir, { recursive: true, force: true });
    if (backends.includes("redis")) await dropRedisPrefix(ctx.redisUrl, redisPrefix).catch(() => {});
  }
  const load1 = loadavg();

  const allRows = [...rows, ...stageRows.values()];
  const med = (row: Row, f: (s: Sample) => number | undefined) => {
    const v = row.samples.map(f).filter((x): x is number => x !== undefined);
    return summarize(v)?.median;
  };
  const body = allRows.map((row) => {
    const s = summarize(row.samples.map((x) => x.rssMiB));
    const heap = med(row, (x) => x.mem?.heapPhysicalMiB);
    const anon = med(row, (x) => x.split.anonMiB);
    return [
      row.label,
      mib(s?.median),
      s ? `${mib(s.min)}–${mib(s.max)}` : "–",
      mib(med(row, (x) => x.split.nodeBinaryMiB)),
      mib(med(row, (x) => x.split.libsMiB)),
      mib(heap),
      // V8 counts committed pages and smaps touched ones: the difference can dip below 0.
      mib(heap === undefined || anon === undefined ? anon : Math.max(0, anon - heap)),
      mib(med(row, (x) => x.split.brkMiB)),
      mib(med(row, (x) => x.mem?.heapUsedMiB)),
    ];
  });
  const out = [
    `### Idle worker RSS (MiB, median of ${reps}, VmRSS ${SETTLE_MS / 1000} s after ready)`,
    "",
    `Load average ${load0.map((l) => l.toFixed(1)).join(" ")} at the start, ${load1.map((l) => l.toFixed(1)).join(" ")} at the end; Node ${process.version}.`,
    "",
    table(
      ["process", "VmRSS", "min–max", "node binary", "libs", "V8 heap", "other anon", "malloc", "heap used"],
      body,
      [false, true, true, true, true, true, true, true, true],
    ),
    "",
    "node binary: resident pages of the node executable (code and built-in modules, shared with every",
    "Node process); libs: other file-backed pages (libc, libstdc++, better-sqlite3's .node); V8 heap:",
    "pages the V8 heap has resident; other anon: anonymous pages outside the V8 heap (thread stacks,",
    "large mallocs); malloc: the brk heap; heap used: V8's live + not yet collected objects.",
  ].join("\n");
  process.stdout.write(`${out}\n`);
  if (values.json)
    writeFileSync(
      values.json,
      JSON.stringify({ load: [load0, load1], node: process.version, reps, rows: allRows }, null, 2),
    );
}

function stageLabel(s: ProbeStage, backend: Backend): string {
  switch (s) {
    case "node":
      return "node + IPC";
    case "pino":
      return "+ import pino only";
    case "better-sqlite3":
      return "+ better-sqlite3 only (WAL file opened, one query)";
    case "spool":
      return "+ import spool";
    case "store":
      return `+ ${backend}:// store opened`;
    case "worker":
      return "+ worker started";
  }
}

main().catch((err: unknown) => {
  log(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
});
