/** Worker options for isolated execution: the public type, defaults, and validation. */
import { isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type Duration, toMs } from "../../core/duration.js";
import { InvalidArgumentError } from "../../core/errors/index.js";
import { checkOptionKeys } from "../../core/option-keys.js";

export const KILL_GRACE_DEFAULT = "2s";

export interface IsolationOptions {
  /**
   * The app module the children load to find the tasks (a path or a file: URL; `spool worker`
   * passes its `--app`). Library users: `import.meta.url` of the module that defines the tasks
   * and exports the spool instance.
   */
  app?: string | URL;
  /** Children per isolation mode, each running one job at a time. Default: the worker's concurrency. */
  pool?: number;
  /** After a job's signal aborts (timeout, cancel, shutdown), how long before its child is killed. Default "2s". */
  killGrace?: Duration;
  /** Replace a child between jobs after `maxJobs` jobs, or once its memory passes `maxMemory` ("256MB" or bytes). */
  recycle?: { maxJobs?: number; maxMemory?: number | string };
  /** Hard heap limit of each child, in MB: past it the child dies (its job fails) and is replaced. */
  maxHeap?: number;
}

export interface ResolvedIsolation {
  app: string | null;
  pool: number | null;
  killGraceMs: number;
  maxJobs: number | null;
  maxMemory: number | null;
  maxHeapMb: number | null;
}

const UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

export function toBytes(value: number | string, name: string): number {
  if (typeof value === "number" && Number.isFinite(value) && value > 0) return value;
  const m = typeof value === "string" ? /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)\s*$/i.exec(value) : null;
  if (!m)
    throw new InvalidArgumentError(
      `${name} must be bytes or a size like "256MB", got ${String(value)}`,
      name,
    );
  return Math.round(Number(m[1]) * UNITS[m[2]!.toLowerCase()]!);
}

function positiveInt(value: unknown, name: string, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > max)
    throw new InvalidArgumentError(`${name} must be an integer in 1..${max}, got ${String(value)}`, name);
  return value;
}

export function resolveIsolation(options: IsolationOptions | undefined): ResolvedIsolation {
  const o = options ?? {};
  checkOptionKeys(o, new Set(["app", "pool", "killGrace", "recycle", "maxHeap"]), "worker() isolation");
  checkOptionKeys(o.recycle, new Set(["maxJobs", "maxMemory"]), "worker() isolation.recycle");
  let app: string | null = null;
  if (o.app !== undefined) {
    const text = o.app instanceof URL ? o.app.href : String(o.app);
    app = text.startsWith("file:") ? fileURLToPath(text) : isAbsolute(text) ? text : resolve(text);
  }
  return {
    app,
    pool: o.pool === undefined ? null : positiveInt(o.pool, "isolation.pool", 1024),
    killGraceMs: toMs(o.killGrace ?? KILL_GRACE_DEFAULT, "isolation.killGrace"),
    maxJobs: o.recycle?.maxJobs === undefined ? null : positiveInt(o.recycle.maxJobs, "recycle.maxJobs", 1e9),
    maxMemory: o.recycle?.maxMemory === undefined ? null : toBytes(o.recycle.maxMemory, "recycle.maxMemory"),
    maxHeapMb: o.maxHeap === undefined ? null : positiveInt(o.maxHeap, "isolation.maxHeap", 1024 * 1024),
  };
}
