/**
 * Summarizes V8 CPU profiles (from `npm run bench -- --cpu-prof <system>`): top functions by
 * self time, and self time grouped by where the code lives (spool source file, npm package,
 * Node internals, GC, idle). Bundle positions are mapped back to `src/` through the bundle's
 * source maps when they are still on disk.
 *
 *   npx tsx bench/profile-summary.ts bench/results/profiles/spool-sqlite/*.cpuprofile [--top 30]
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

// ── minimal source-map lookup (VLQ "mappings", version 3) ─────────────────────────────────
const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
type Seg = [genCol: number, src: number, line: number, col: number];
interface SourceMap {
  sources: string[];
  lines: Seg[][];
}
const maps = new Map<string, SourceMap | null>();

function decodeMappings(mappings: string): Seg[][] {
  const lines: Seg[][] = [];
  let src = 0;
  let line = 0;
  let col = 0;
  for (const l of mappings.split(";")) {
    const segs: Seg[] = [];
    let genCol = 0;
    for (const s of l.split(",")) {
      if (!s) continue;
      const v: number[] = [];
      let shift = 0;
      let value = 0;
      for (const ch of s) {
        const d = B64.indexOf(ch);
        value += (d & 31) << shift;
        if (d & 32) shift += 5;
        else {
          v.push(value & 1 ? -(value >> 1) : value >> 1);
          value = 0;
          shift = 0;
        }
      }
      genCol += v[0]!;
      if (v.length >= 4) {
        src += v[1]!;
        line += v[2]!;
        col += v[3]!;
        segs.push([genCol, src, line, col]);
      }
    }
    lines.push(segs);
  }
  return lines;
}

function loadMap(url: string): SourceMap | null {
  if (maps.has(url)) return maps.get(url)!;
  let map: SourceMap | null = null;
  try {
    const file = `${fileURLToPath(url)}.map`;
    if (existsSync(file)) {
      const raw = JSON.parse(readFileSync(file, "utf8")) as { sources: string[]; mappings: string };
      map = { sources: raw.sources, lines: decodeMappings(raw.mappings) };
    }
  } catch {
    map = null;
  }
  maps.set(url, map);
  return map;
}

/** "src/…/file.ts:line" for a bundle position, or null. */
function original(url: string, line: number, col: number): string | null {
  // Only the bench's own bundle: npm packages' maps would name their sources without the package.
  if (!url.startsWith("file:") || !url.includes("/.cache/spool-bench/")) return null;
  const map = loadMap(url);
  const segs = map?.lines[line];
  if (!map || !segs?.length) return null;
  let best: Seg | undefined;
  for (const s of segs) if (s[0] <= col) best = s;
  best ??= segs[0]!;
  const source = map.sources[best[1]]!.replace(/^(\.\.\/)+/, "");
  return `${source}:${best[2] + 1}`;
}

function where(cf: CallFrame): { group: string; location: string } {
  const name = cf.functionName || "(anonymous)";
  if (name.startsWith("(") && !cf.url) return { group: name, location: name };
  const url = cf.url;
  const mapped = original(url, cf.lineNumber, cf.columnNumber);
  if (mapped) {
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(mapped)?.[1];
    return { group: pkg ? `npm:${pkg}` : mapped.split(":")[0]!, location: mapped };
  }
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (pkg && pkg !== ".cache")
    return { group: `npm:${pkg}`, location: `${pkg}/${url.split("/").pop()}:${cf.lineNumber + 1}` };
  if (url.startsWith("node:") || (!url.startsWith("file:") && url))
    return { group: "node internals", location: `${url}:${cf.lineNumber + 1}` };
  if (!url) return { group: "(native / V8 builtins)", location: "(native)" };
  return { group: url.split("/").pop()!, location: `${url.split("/").pop()}:${cf.lineNumber + 1}` };
}

function summarizeProfiles(files: string[], top: number): string {
  const byFn = new Map<string, number>();
  const byGroup = new Map<string, number>();
  let total = 0;
  for (const f of files) {
    const p = JSON.parse(readFileSync(f, "utf8")) as Profile;
    const self = new Map<number, number>();
    for (let i = 0; i < p.samples.length; i++) {
      const id = p.samples[i]!;
      self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0));
    }
    for (const node of p.nodes) {
      const us = self.get(node.id) ?? 0;
      if (!us) continue;
      const w = where(node.callFrame);
      const key = `${node.callFrame.functionName || "(anonymous)"}  ${w.location}`;
      byFn.set(key, (byFn.get(key) ?? 0) + us);
      byGroup.set(w.group, (byGroup.get(w.group) ?? 0) + us);
      total += us;
    }
  }
  const idle = byGroup.get("(idle)") ?? 0;
  const busy = total - idle;
  const pct = (us: number, of: number) => `${((100 * us) / of).toFixed(1).padStart(5)}%`;
  const lines: string[] = [];
  lines.push(
    `${files.length} profile(s): ${(total / 1000).toFixed(0)} ms sampled, ${(idle / 1000).toFixed(0)} ms idle, ${(busy / 1000).toFixed(0)} ms busy (percentages below are of busy time)`,
  );
  lines.push("");
  lines.push("self time by location:");
  for (const [g, us] of [...byGroup]
    .filter(([g]) => g !== "(idle)")
    .sort((a, b) => b[1] - a[1])
    .slice(0, top))
    lines.push(`  ${pct(us, busy)}  ${(us / 1000).toFixed(1).padStart(8)} ms  ${g}`);
  lines.push("");
  lines.push(`top ${top} functions by self time:`);
  for (const [k, us] of [...byFn]
    .filter(([k]) => !k.startsWith("(idle)"))
    .sort((a, b) => b[1] - a[1])
    .slice(0, top))
    lines.push(`  ${pct(us, busy)}  ${(us / 1000).toFixed(1).padStart(8)} ms  ${k}`);
  return lines.join("\n");
}

const { values, positionals } = parseArgs({
  args: process.argv.slice(2),
  options: { top: { type: "string", default: "25" } },
  allowPositionals: true,
});
if (positionals.length === 0) {
  process.stderr.write("usage: npx tsx bench/profile-summary.ts FILE.cpuprofile... [--top N]\n");
  process.exit(2);
}
process.stdout.write(`${summarizeProfiles(positionals, Number(values.top))}\n`);
