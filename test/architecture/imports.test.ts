/**
 * The layering of src/ (DESIGN.md "Layout"): each top folder sits on a floor and imports only
 * its own floor or lower ones, and no chain of imports leads a file back to itself. Both kinds
 * of import count (static `import … from` / `export … from`, and `import("…")`, which also
 * covers type positions), and so do type-only imports: two files whose types need each other
 * cannot be read, moved or tested apart any more than two whose values do.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, test } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const SRC = join(ROOT, "src");

/**
 * core <- backend <- the services <- client (the facade) <- the entry points. Folders on one
 * floor may import each other; the folder-cycle test below keeps those arrows one-way too.
 * A new top folder fails the floor test until it is placed here.
 */
const FLOORS: Readonly<Record<string, number>> = {
  core: 0,
  backend: 1,
  enqueue: 2,
  maintenance: 2,
  move: 2,
  scheduler: 2,
  telemetry: 2,
  worker: 2,
  workflow: 2,
  client: 3,
  cli: 4,
  dashboard: 4,
  http: 4,
  "index.ts": 4,
  "testing.ts": 4,
};

/**
 * Cycles known and being removed. Each entry is one strongly connected set of files, sorted
 * (the "still exists" test below fails once one is gone, so the list cannot go stale). Empty:
 * the last one, src/worker/execute.ts <-> hooks.ts, went when the outcome type moved to
 * src/worker/outcome.ts.
 */
const ALLOWED_CYCLES: readonly string[] = [];

const SPECIFIER = /(?:\bfrom\s+|\bimport\s*\(\s*|^\s*import\s+)["'](\.{1,2}\/[^"']+)["']/gm;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [path] : [];
  });
}

/** The file a relative specifier names: `./x.js` is x.ts, the dashboard omits extensions. */
function resolveSpecifier(from: string, spec: string): string {
  const base = resolve(dirname(from), spec);
  const stem = base.replace(/\.js$/, "");
  const candidates = [`${stem}.ts`, `${stem}.tsx`, join(base, "index.ts"), base];
  return candidates.find((c) => existsSync(c)) ?? `${stem}.ts`;
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...new Set([...text.matchAll(SPECIFIER)].map((m) => resolveSpecifier(file, m[1] as string)))];
}

const rel = (f: string) => relative(ROOT, f);
const topOf = (f: string) => relative(SRC, f).split("/")[0] as string;

/** Strongly connected components with more than one file, or a file importing itself (Tarjan). */
function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v) as number);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
      }
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop() as string;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component.sort());
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return found;
}

describe("src/ imports", () => {
  const graph = new Map(sourceFiles(SRC).map((f) => [f, importsOf(f)]));

  test("the graph is read (the specifier pattern still matches this code base)", () => {
    // A pattern that silently matched nothing would pass every test below.
    const edges = [...graph.values()].reduce((n, deps) => n + deps.length, 0);
    expect(graph.size).toBeGreaterThan(300);
    expect(edges).toBeGreaterThan(1_000);
    expect(graph.get(join(SRC, "backend/create-backend.ts"))).toContain(join(SRC, "backend/memory/index.ts"));
  });

  test("form no cycle between files", () => {
    const found = cycles(graph).map((c) => c.map(rel).join(", "));
    expect(found.filter((c) => !ALLOWED_CYCLES.includes(c))).toEqual([]);
  });

  test("every allowed cycle still exists (delete the entry once it is gone)", () => {
    const found = cycles(graph).map((c) => c.map(rel).join(", "));
    expect(ALLOWED_CYCLES.filter((c) => !found.includes(c))).toEqual([]);
  });

  test("every top folder of src/ stands on a floor", () => {
    const tops = readdirSync(SRC).filter((name) => !name.endsWith(".md"));
    expect(tops.filter((t) => FLOORS[t] === undefined)).toEqual([]);
  });

  test("import only from their own floor or lower ones", () => {
    const upward = [...graph].flatMap(([file, deps]) => {
      const floor = FLOORS[topOf(file)] ?? -1;
      return deps
        .filter((d) => !d.startsWith(`${SRC}/`) || (FLOORS[topOf(d)] ?? Number.POSITIVE_INFINITY) > floor)
        .map((d) => `${rel(file)} -> ${rel(d)}`);
    });
    expect(upward).toEqual([]);
  });

  test("form no cycle between top folders", () => {
    const folders = new Map<string, string[]>();
    for (const [file, deps] of graph) {
      const from = topOf(file);
      const to = deps.filter((d) => d.startsWith(`${SRC}/`)).map(topOf);
      folders.set(from, [...new Set([...(folders.get(from) ?? []), ...to.filter((t) => t !== from)])]);
    }
    expect(cycles(folders)).toEqual([]);
  });
});
