/**
 * Keeps `npm run bench` from rotting: runs the real orchestrator in a tiny mode (N=200, 20
 * latency samples, spool on memory and SQLite, no ceilings, no peers; SQLite also with two worker
 * processes) and checks the JSON's shape and that every handler ran exactly once with nothing left
 * in the store.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, expect, test } from "vitest";

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, "..", "..");
const dir = mkdtempSync(join(tmpdir(), "spool-bench-smoke-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface BenchJson {
  schema: string;
  env: { workerRuntime: string; node: string };
  targets: { name: string; goal: string; value: number | null; met: boolean | null }[];
  systems: {
    id: string;
    skipped: string | null;
    info: { label: string; inProcess: boolean; retention: string } | null;
    summary: {
      processPerS: { median: number } | null;
      enqueuePerS: { median: number } | null;
      p50: { median: number } | null;
      idleRssMiB: { median: number } | null;
      peakRssMiB: { median: number } | null;
      handlersOk: boolean;
      twoWorkers: { processPerS: { median: number } | null; handlersOk: boolean } | null;
      errors: string[];
    } | null;
    runs: {
      throughput: { n: number; handled: number; unfinishedAfter: number | null; ok: boolean }[];
      latency: { samples: number; p50: number; p99: number; ok: boolean }[];
      singleEnqueue: { n: number; perS: number; ok: boolean }[];
      fourWorkers: {
        n: number;
        handled: number;
        ok: boolean;
        workers: number;
        perWorker: { handled: number }[];
      }[];
      twoWorkers: {
        n: number;
        handled: number;
        unfinishedAfter: number | null;
        ok: boolean;
        perWorker: { handled: number }[];
      }[];
    };
  }[];
  twoWorkersVsOne: Record<string, { ratio: number | null; ratioFour: number | null }>;
  growth: {
    sizes: number[];
    problems: string[];
    points: { system: string; size: number; reads: Record<string, { p95: number; rows: number }> }[];
  };
}

// Every section end to end (processes, growth, HTTP): a budget of its own for a busy 2-core CI.
test("bench runs in a tiny mode and reports every system's figures", { timeout: 420_000 }, async () => {
  const out = join(dir, "bench.json");
  const { stdout } = await run(
    process.execPath,
    [
      "--import",
      "tsx",
      "bench/run.ts",
      "--n",
      "200",
      "--samples",
      "20",
      "--warmup",
      "2",
      "--reps",
      "1",
      "--systems",
      "spool-memory,spool-sqlite",
      "--no-ceilings",
      "--single-n",
      "300",
      "--inflight",
      "50",
      "--four-workers",
      "spool-sqlite",
      "--growth",
      "200,400",
      "--json",
      out,
    ],
    { cwd: ROOT, timeout: 400_000, maxBuffer: 10 * 2 ** 20 },
  );
  expect(stdout).toContain("## B. Throughput");
  expect(stdout).toContain("## Targets");
  expect(stdout).toContain("| spool/sqlite ×2 workers ");
  expect(stdout).toContain("## 2 workers ÷ 1 worker");
  expect(stdout).toContain("## B1. Concurrent single enqueue");
  expect(stdout).toContain("## G. Growth");
  expect(stdout).toContain("## Targets (performance issue 17)");

  const json = JSON.parse(readFileSync(out, "utf8")) as BenchJson;
  expect(json.schema).toBe("spool-bench/1");
  expect(json.env.workerRuntime).toMatch(/compiled JS/);
  expect(json.targets.map((t) => t.name)).toHaveLength(4);
  for (const t of json.targets) expect(t.value).toBeTypeOf("number");

  expect(json.systems.map((s) => s.id)).toEqual(["spool-memory", "spool-sqlite"]);
  for (const s of json.systems) {
    expect(s.skipped).toBeNull();
    expect(s.info?.inProcess).toBe(s.id === "spool-memory");
    const [tp] = s.runs.throughput;
    expect(tp).toMatchObject({ n: 200, handled: 200, unfinishedAfter: 0, ok: true });
    const [one] = s.runs.singleEnqueue;
    expect(one).toMatchObject({ n: 300, ok: true });
    expect(one!.perS).toBeGreaterThan(0);
    const [lat] = s.runs.latency;
    expect(lat).toMatchObject({ samples: 20, ok: true });
    expect(lat!.p50).toBeGreaterThan(0);
    expect(lat!.p99).toBeGreaterThanOrEqual(lat!.p50);
    const sum = s.summary!;
    expect(sum.handlersOk).toBe(true);
    expect(sum.errors).toEqual([]);
    for (const v of [sum.processPerS, sum.enqueuePerS, sum.p50, sum.idleRssMiB, sum.peakRssMiB])
      expect(v?.median).toBeGreaterThan(0);
  }

  // Two worker processes: SQLite only (spool/memory runs in-process).
  const [memory, sqlite] = json.systems;
  expect(memory!.runs.twoWorkers).toEqual([]);
  expect(memory!.summary!.twoWorkers).toBeNull();
  const [tp2] = sqlite!.runs.twoWorkers;
  expect(tp2).toMatchObject({ n: 200, handled: 200, unfinishedAfter: 0, ok: true });
  expect(tp2!.perWorker.map((w) => w.handled).reduce((a, b) => a + b, 0)).toBe(200);
  expect(sqlite!.summary!.twoWorkers).toMatchObject({ handlersOk: true });
  expect(json.twoWorkersVsOne["spool-sqlite"]?.ratio).toBeGreaterThan(0);
  const [tp4] = sqlite!.runs.fourWorkers;
  expect(tp4).toMatchObject({ n: 200, handled: 200, ok: true, workers: 4 });
  expect(tp4!.perWorker).toHaveLength(4);
  expect(json.twoWorkersVsOne["spool-sqlite"]?.ratioFour).toBeGreaterThan(0);

  // Growth: SQLite only (the only spool store with retained jobs among --systems besides memory).
  expect(json.growth.sizes).toEqual([200, 400]);
  expect(json.growth.problems).toEqual([]);
  expect(json.growth.points.map((p) => `${p.system}@${p.size}`)).toEqual([
    "spool-sqlite@200",
    "spool-sqlite@400",
  ]);
  for (const p of json.growth.points) {
    expect(p.reads.listFailed!.rows).toBe(Math.min(50, p.size / 20));
    expect(p.reads.queueCounts!.rows).toBeGreaterThanOrEqual(4);
  }
});
