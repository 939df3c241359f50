/**
 * The backend floor's import graph has no cycle (static `import … from` and dynamic
 * `import(…)` alike) and imports nothing from the floors above it.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, test } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const BACKEND = join(ROOT, "src/backend");
const IMPORT = /(?:from\s+|import\s*\(\s*)["'](\.{1,2}\/[^"']+)["']/g;

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return files(path);
    return e.name.endsWith(".ts") && !e.name.endsWith(".test.ts") ? [path] : [];
  });
}

function imports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(IMPORT)].map((m) => resolve(dirname(file), m[1]!.replace(/\.js$/, ".ts")));
}

describe("src/backend imports", () => {
  const graph = new Map(files(BACKEND).map((f) => [f, imports(f)]));

  test("form no cycle", () => {
    const cycles: string[] = [];
    const state = new Map<string, "open" | "done">();
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === "done") return;
      if (state.get(file) === "open") {
        cycles.push([...path.slice(path.indexOf(file)), file].map((f) => relative(ROOT, f)).join(" -> "));
        return;
      }
      state.set(file, "open");
      for (const dep of graph.get(file) ?? []) visit(dep, [...path, file]);
      state.set(file, "done");
    };
    for (const file of graph.keys()) visit(file, []);
    expect(cycles).toEqual([]);
  });

  test("reach only src/core and src/backend", () => {
    const upward = [...graph].flatMap(([file, deps]) =>
      deps
        .filter((d) => !d.startsWith(BACKEND) && !d.startsWith(join(ROOT, "src/core")))
        .map((d) => `${relative(ROOT, file)} -> ${relative(ROOT, d)}`),
    );
    expect(upward).toEqual([]);
  });
});
