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

export interface WorkerRuntime {
  /** Script to fork. */
  entry: string;
  execArgv: string[];
  /** "compiled (esbuild x.y.z)" or "tsx loader (RSS inflated)". */
  describe: string;
  /** Removes the compiled files. */
  cleanup(): void;
}

export async function prepareWorkerRuntime(root: string): Promise<WorkerRuntime> {
  const outdir = join(root, "node_modules", ".cache", "spool-bench", String(process.pid));
  try {
    const esbuild = await import("esbuild");
    rmSync(outdir, { recursive: true, force: true });
    mkdirSync(outdir, { recursive: true });
    await esbuild.build({
      entryPoints: [join(root, "bench", "worker-entry.ts")],
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
    });
    return {
      entry: join(outdir, "worker-entry.mjs"),
      execArgv: [],
      describe: `compiled JS (esbuild ${esbuild.version} bundle of bench/worker-entry.ts + src/, npm packages external)`,
      cleanup: () => rmSync(outdir, { recursive: true, force: true }),
    };
  } catch (err) {
    process.stderr.write(`! esbuild unavailable (${(err as Error).message}); workers run under tsx\n`);
    return {
      entry: join(root, "bench", "worker-entry.ts"),
      execArgv: ["--import", "tsx"],
      describe: "tsx loader (worker RSS includes the loader thread: inflated)",
      cleanup: () => {},
    };
  }
}
