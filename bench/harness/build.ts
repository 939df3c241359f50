/**
 * Worker processes run compiled JavaScript, as users' workers do in production: the
 * orchestrator bundles bench/worker-entry.ts (with spool's src/, code-split so each system's
 * library loads only in its own worker; npm packages stay external) into
 * node_modules/.cache/spool-bench/<pid>/ (.mjs: outside any lint or git scope; one directory per
 * bench process, so concurrent runs do not share it) with esbuild. Running workers under the tsx loader would add its loader thread and esbuild
 * service to every worker's RSS. If esbuild is unavailable the bench falls back to tsx and
 * says so in the output.
 */
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";

export interface RuntimeOptions {
  /**
   * "src" (the default, what `npm run bench` runs): spool's src/ is bundled into the workers.
   * "dist": spool is imported from the built package, dist/index.js (`npm run build` first),
   * file by file as an application that installed spool loads it (bench/rss-idle.ts).
   */
  spool?: "src" | "dist";
  /** More entry points next to worker-entry.ts (bench/ relative, e.g. "rss-probe.ts"). */
  extraEntries?: string[];
}

export interface WorkerRuntime {
  /** Script to fork. */
  entry: string;
  execArgv: string[];
  /** "compiled (esbuild x.y.z)" or "tsx loader (RSS inflated)". */
  describe: string;
  /** Removes the compiled files. */
  cleanup(): void;
}

export async function prepareWorkerRuntime(
  root: string,
  options: RuntimeOptions = {},
): Promise<WorkerRuntime> {
  const fromDist = options.spool === "dist";
  const outdir = join(
    root,
    "node_modules",
    ".cache",
    "spool-bench",
    `${process.pid}${fromDist ? "-dist" : ""}`,
  );
  const distIndex = join(root, "dist", "index.js");
  try {
    const esbuild = await import("esbuild");
    rmSync(outdir, { recursive: true, force: true });
    mkdirSync(outdir, { recursive: true });
    await esbuild.build({
      entryPoints: ["worker-entry.ts", ...(options.extraEntries ?? [])].map((e) => join(root, "bench", e)),
      outdir,
      bundle: true,
      splitting: true,
      format: "esm",
      platform: "node",
      target: "node20",
      packages: "external",
      sourcemap: "linked",
      outExtension: { ".js": ".mjs" },
      logLevel: "error",
      plugins: fromDist
        ? [
            {
              name: "spool-from-dist",
              setup(build) {
                build.onResolve({ filter: /\/src\/index\.js$/ }, () => ({ path: distIndex, external: true }));
              },
            },
          ]
        : [],
    });
    return {
      entry: join(outdir, "worker-entry.mjs"),
      execArgv: [],
      describe: fromDist
        ? `compiled JS (esbuild ${esbuild.version} bundle of bench/worker-entry.ts; spool from dist/, npm packages external)`
        : `compiled JS (esbuild ${esbuild.version} bundle of bench/worker-entry.ts + src/, npm packages external)`,
      cleanup: () => rmSync(outdir, { recursive: true, force: true }),
    };
  } catch (err) {
    if (fromDist) throw err;
    process.stderr.write(`! esbuild unavailable (${(err as Error).message}); workers run under tsx\n`);
    return {
      entry: join(root, "bench", "worker-entry.ts"),
      execArgv: ["--import", "tsx"],
      describe: "tsx loader (worker RSS includes the loader thread: inflated)",
      cleanup: () => {},
    };
  }
}
