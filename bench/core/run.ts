/**
 * Worker-core microbench: what spool's own claim -> execute -> settle path costs per job, on
 * `memory://` (in-process store, no I/O) with a no-op handler. Each repetition is a fresh
 * process (bench/core/worker.ts, bundled with esbuild as `npm run bench` does), so JIT warm-up
 * and heap growth are alike in every run. Reports µs of CPU per job (process.cpuUsage over the
 * timed region), jobs/s, and the share of the region spent in GC.
 *
 *   npm run bench:core                                  # 50,000 jobs, concurrency 50, 5 repetitions
 *   npm run bench:core -- --n 20000 --reps 3 --cpu-prof # + a V8 CPU profile per run, summarised
 *   npm run bench:core -- --against ../scratch-main     # the same bench against another checkout's src/
 *
 * `--against DIR` builds the same run against DIR/src (e.g. a clone of `main`) and alternates
 * the two builds run by run, so both see the same load: only ratios of one run mean anything on
 * a busy machine.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, rmSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    n: { type: "string", default: "50000" },
    concurrency: { type: "string", default: "50" },
    reps: { type: "string", default: "5" },
    "cpu-prof": { type: "boolean", default: false },
    against: { type: "string" },
    top: { type: "string", default: "25" },
  },
});
const N = Number(values.n);
const REPS = Number(values.reps);

interface Build {
  label: string;
  entry: string;
  dir: string;
}

/** Bundles bench/core/worker.ts with `src/` taken from `srcRoot` (npm packages stay external). */
async function build(label: string, srcRoot: string): Promise<Build> {
  const esbuild = await import("esbuild");
  const dir = join(root, "node_modules", ".cache", "spool-bench", `core-${process.pid}-${label}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  await esbuild.build({
    entryPoints: [join(root, "bench", "core", "worker.ts")],
    outdir: dir,
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    packages: "external",
    sourcemap: "linked",
    outExtension: { ".js": ".mjs" },
    logLevel: "error",
    plugins: [
      {
        name: "src-from",
        setup(b) {
          b.onResolve({ filter: /\/src\/index\.js$/ }, () => ({ path: join(srcRoot, "src", "index.ts") }));
        },
      },
    ],
  });
  return { label, entry: join(dir, "worker.mjs"), dir };
}

interface Result {
  n: number;
  seconds: number;
  cpuUs: number;
  gcMs: number;
}

function runOnce(b: Build, rep: number): Result {
  const profDir = join(root, "bench", "results", "profiles", "core", b.label);
  mkdirSync(profDir, { recursive: true });
  const args = [
    b.entry,
    String(N),
    values.concurrency!,
    ...(values["cpu-prof"] ? [join(profDir, `rep${rep}.cpuprofile`)] : []),
  ];
  const out = spawnSync(process.execPath, args, { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  if (out.status !== 0) throw new Error(`${b.label} run ${rep} exited ${out.status}`);
  const line = out.stdout.trim().split("\n").pop()!;
  return JSON.parse(line) as Result;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const builds = [await build("this", root)];
if (values.against) builds.push(await build("against", resolve(values.against)));
if (values["cpu-prof"])
  for (const b of builds)
    rmSync(join(root, "bench", "results", "profiles", "core", b.label), { recursive: true, force: true });

const load0 = loadavg();
const results = new Map<string, Result[]>(builds.map((b) => [b.label, []]));
for (let rep = 0; rep < REPS; rep++)
  for (const b of rep % 2 ? [...builds].reverse() : builds) {
    const r = runOnce(b, rep);
    results.get(b.label)!.push(r);
    process.stderr.write(
      `${b.label} #${rep + 1}: ${(r.cpuUs / r.n).toFixed(1)} µs CPU/job, ${(r.n / r.seconds).toFixed(0)} jobs/s, GC ${((100 * r.gcMs) / (r.seconds * 1000)).toFixed(0)}%\n`,
    );
  }
const load1 = loadavg();

const fmt = (x: number, d = 1) => x.toFixed(d);
console.log(
  `worker core on memory://: ${N} no-op jobs, concurrency ${values.concurrency}, ${REPS} repetitions (fresh process each), median [min–max]`,
);
console.log(
  `machine: ${cpus().length} × ${cpus()[0]?.model ?? "?"}; load average ${fmt(load0[0]!, 2)} → ${fmt(load1[0]!, 2)}`,
);
console.log("");
console.log("| build | µs CPU per job | jobs/s | GC share of the run |");
console.log("|---|---:|---:|---:|");
const med: Record<string, number> = {};
for (const b of builds) {
  const rs = results.get(b.label)!;
  const us = rs.map((r) => r.cpuUs / r.n);
  const rate = rs.map((r) => r.n / r.seconds);
  const gc = rs.map((r) => (100 * r.gcMs) / (r.seconds * 1000));
  med[b.label] = median(us);
  console.log(
    `| ${b.label === "this" ? "this checkout" : `--against ${values.against}`} | ${fmt(median(us))} [${fmt(Math.min(...us))}–${fmt(Math.max(...us))}] | ${fmt(median(rate), 0)} [${fmt(Math.min(...rate), 0)}–${fmt(Math.max(...rate), 0)}] | ${fmt(median(gc), 0)}% |`,
  );
}
if (values.against) console.log(`\nCPU per job, this ÷ against: ${fmt(med.this! / med.against!, 2)}×`);

if (values["cpu-prof"])
  for (const b of builds) {
    const dir = join(root, "bench", "results", "profiles", "core", b.label);
    const files = readdirSync(dir).map((f) => join(dir, f));
    console.log(`\n### profile: ${b.label}\n\n\`\`\``);
    console.log(
      execFileSync(
        process.execPath,
        ["--import", "tsx", join(root, "bench", "profile-summary.ts"), ...files, "--top", values.top!],
        {
          encoding: "utf8",
          cwd: root,
        },
      ).trimEnd(),
    );
    console.log("```");
  }
for (const b of builds) rmSync(b.dir, { recursive: true, force: true });
