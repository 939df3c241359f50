/** Command-line options of `npm run bench` (bench/run.ts). */
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { isSystemId, SYSTEM_IDS, type SystemId } from "../systems/index.js";

/**
 * Systems also measured with two worker processes by default: every system that does not run
 * in-process, except graphile-worker, whose two pools of 52 connections would exceed PostgreSQL's
 * default max_connections (100).
 */
export const TWO_WORKERS_DEFAULT: SystemId[] = ["spool-sqlite", "spool-redis", "bullmq", "bee-queue"];

/** Systems also measured with four worker processes by default (full runs; none in --quick). */
export const FOUR_WORKERS_DEFAULT: SystemId[] = ["spool-sqlite", "spool-redis", "bullmq", "bee-queue"];
/** Retained-job counts of the growth section (bench/growth.ts) by default. */
export const GROWTH_DEFAULT = [10_000, 1_000_000];
export const GROWTH_QUICK = [1_000, 10_000];

export interface Options {
  quick: boolean;
  n: number;
  samples: number;
  warmup: number;
  reps: number;
  systems: SystemId[];
  /** Systems also measured with two worker processes (B only; in-process systems are skipped). */
  twoWorkers: SystemId[];
  /** Systems also measured with four worker processes. */
  fourWorkers: SystemId[];
  /** B1: single enqueue calls per run, and how many are outstanding at a time. */
  singleN: number;
  inflight: number;
  /** Growth section (bench/growth.ts): retained-job counts; empty = skipped. */
  growth: number[];
  ceilings: boolean;
  /** Also run the HTTP API benchmark (bench/http.ts) against spool on SQLite. */
  http: boolean;
  /** Also run the flow-control benchmark (bench/flow.ts) on SQLite and Redis. */
  flow: boolean;
  /** Also run the isolation benchmark (bench/isolation/run.ts) on Redis. */
  isolation: boolean;
  json: string;
  cpuProf: SystemId[];
  concurrency: number;
  /** Per-system sections run: b1 (single enqueue), b (one worker), c (latency; also idle RSS). */
  sections: ReadonlySet<Section>;
}

export const SECTIONS = ["b1", "b", "c"] as const;
export type Section = (typeof SECTIONS)[number];

export function parseOptions(argv: string[], root: string): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: "boolean", default: false },
      n: { type: "string" },
      samples: { type: "string" },
      warmup: { type: "string" },
      reps: { type: "string" },
      systems: { type: "string" },
      "two-workers": { type: "string" },
      "four-workers": { type: "string" },
      "single-n": { type: "string" },
      inflight: { type: "string" },
      growth: { type: "string" },
      "no-ceilings": { type: "boolean", default: false },
      "no-http": { type: "boolean", default: false },
      "no-isolation": { type: "boolean", default: false },
      "no-flow": { type: "boolean", default: false },
      json: { type: "string" },
      "cpu-prof": { type: "string" },
      concurrency: { type: "string" },
      sections: { type: "string" },
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
        "  --two-workers a,b    also run B with two worker processes for these systems, or none",
        `                       (default: those of ${TWO_WORKERS_DEFAULT.join(", ")} in --systems)`,
        "  --four-workers a,b   the same with four worker processes (default as --two-workers; none in --quick)",
        "  --single-n N         B1: concurrent single-enqueue calls per run (default 20000; --quick 2000)",
        "  --inflight K         B1: calls outstanding at a time (default 1000)",
        `  --growth a,b         retained-job counts of the growth section, or none (default ${GROWTH_DEFAULT.join(",")}; --quick ${GROWTH_QUICK.join(",")})`,
        "  --sections b1,b,c    per-system sections to run (default all; ×2/×4 runs: --two-workers/--four-workers)",
        "  --no-ceilings        skip the raw SQLite / redis-benchmark ceilings",
        "  --no-http            skip the HTTP API benchmark (bench/http.ts, spool on SQLite)",
        "  --no-flow            skip the flow-control benchmark (bench/flow.ts: limits that do not bind, BullMQ's limiter)",
        "  --no-isolation       skip the isolation benchmark (bench/isolation/run.ts: threads/processes vs BullMQ sandboxed)",
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
    if (v.trim() === "none") return [];
    const ids = v
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    for (const id of ids)
      if (!isSystemId(id)) throw new Error(`unknown system "${id}" (known: ${SYSTEM_IDS.join(", ")})`);
    return ids as SystemId[];
  };
  const quick = values.quick ?? false;
  const systems = list(values.systems, [...SYSTEM_IDS]);
  const twoWorkers = list(
    values["two-workers"],
    TWO_WORKERS_DEFAULT.filter((id) => systems.includes(id)),
  );
  const fourWorkers = list(
    values["four-workers"],
    quick ? [] : FOUR_WORKERS_DEFAULT.filter((id) => systems.includes(id)),
  );
  for (const id of fourWorkers)
    if (!systems.includes(id))
      throw new Error(`--four-workers ${id}: not among --systems (${systems.join(",")})`);
  const growth =
    values.growth === undefined
      ? quick
        ? GROWTH_QUICK
        : GROWTH_DEFAULT
      : values.growth.trim() === "none"
        ? []
        : values.growth.split(",").map((v) => num(v.trim(), 0, "growth"));
  for (const id of twoWorkers)
    if (!systems.includes(id))
      throw new Error(`--two-workers ${id}: not among --systems (${systems.join(",")})`);
  return {
    quick,
    n: num(values.n, quick ? 2000 : 20_000, "n"),
    samples: num(values.samples, quick ? 100 : 500, "samples"),
    warmup: num(values.warmup, quick ? 10 : 20, "warmup"),
    reps: num(values.reps, quick ? 1 : 3, "reps"),
    systems,
    twoWorkers,
    fourWorkers,
    singleN: num(values["single-n"], quick ? 2000 : 20_000, "single-n"),
    inflight: num(values.inflight, 1000, "inflight"),
    growth,
    ceilings: !values["no-ceilings"],
    http: !values["no-http"],
    isolation: !values["no-isolation"],
    flow: !values["no-flow"],
    json: resolve(values.json ?? join(root, "bench", "results", "latest.json")),
    cpuProf: list(values["cpu-prof"], []),
    concurrency: num(values.concurrency, 50, "concurrency"),
    sections: parseSections(values.sections),
  };
}

function parseSections(v: string | undefined): ReadonlySet<Section> {
  if (v === undefined) return new Set(SECTIONS);
  const out = new Set<Section>();
  for (const part of v.split(",").map((x) => x.trim().toLowerCase())) {
    if (!(SECTIONS as readonly string[]).includes(part))
      throw new Error(`--sections: unknown section "${part}" (known: ${SECTIONS.join(", ")})`);
    out.add(part as Section);
  }
  return out;
}
