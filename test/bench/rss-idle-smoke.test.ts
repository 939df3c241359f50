/**
 * Keeps `npm run bench:rss` from rotting: one repetition, SQLite worker bundled from src/ plus the
 * breakdown probes, and checks that every row has a VmRSS sample with its split and V8 figures.
 * No size is asserted (speed and memory figures belong to the bench, not to tests).
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, expect, test } from "vitest";

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, "..", "..");
const dir = mkdtempSync(join(tmpdir(), "spool-rss-smoke-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface RssJson {
  reps: number;
  load: number[][];
  rows: {
    label: string;
    samples: {
      rssMiB: number;
      split: { nodeBinaryMiB: number; anonMiB: number; libsMiB: number };
      mem: { heapPhysicalMiB: number; heapUsedMiB: number } | null;
    }[];
  }[];
}

test("bench:rss measures the baselines, a SQLite worker and the breakdown", {
  timeout: 240_000,
}, async () => {
  const out = join(dir, "rss.json");
  const { stdout } = await run(
    process.execPath,
    [
      "--import",
      "tsx",
      "bench/rss-idle.ts",
      "--reps",
      "1",
      "--backends",
      "sqlite",
      "--runtimes",
      "src",
      "--json",
      out,
    ],
    { cwd: ROOT, timeout: 220_000 },
  );
  expect(stdout).toContain("### Idle worker RSS");
  expect(stdout).toContain("| spool worker, sqlite:// (src)");
  const json = JSON.parse(readFileSync(out, "utf8")) as RssJson;
  expect(json.reps).toBe(1);
  expect(json.rows.map((r) => r.label)).toEqual([
    'bare node -e "setInterval(()=>{},1e3)"',
    "node + IPC channel (what every worker below has)",
    "spool worker, sqlite:// (src)",
    "breakdown (src): + import pino only",
    "breakdown (src): + better-sqlite3 only (WAL file opened, one query)",
    "breakdown (src): + import spool",
    "breakdown (src): + sqlite:// store opened",
    "breakdown (src): + worker started",
  ]);
  for (const [i, row] of json.rows.entries()) {
    expect(row.samples).toHaveLength(1);
    const [s] = row.samples;
    expect(s!.rssMiB).toBeGreaterThan(0);
    expect(s!.split.nodeBinaryMiB).toBeGreaterThan(0);
    expect(s!.split.anonMiB).toBeGreaterThan(0);
    // Only the bare baseline has no IPC channel to ask V8 through.
    if (i === 0) expect(s!.mem).toBeNull();
    else expect(s!.mem!.heapPhysicalMiB).toBeGreaterThan(0);
  }
  // The SQLite rows map better-sqlite3's addon; the bare baseline does not.
  expect(json.rows[2]!.samples[0]!.split.libsMiB).toBeGreaterThan(json.rows[0]!.samples[0]!.split.libsMiB);
});
