/**
 * `--app MODULE`: imports the user's module, which defines the tasks by creating a spool
 * instance and exporting it (as `default` or as `spool`).
 *
 * - `--backend` reaches the app through `SPOOL_URL`, set only while the module is imported:
 *   an app written as `createSpool()` or `createSpool({ backend: process.env.SPOOL_URL })`
 *   follows it. An app that hard-codes its backend keeps it (the CLI cannot see inside).
 * - TypeScript modules load through tsx: already in place in a dev checkout (`bin/spool.js`
 *   registers it) and under vitest; the built CLI registers tsx on demand when the first
 *   import fails on the `.ts` extension.
 * - Each load imports a fresh module instance (a `?spool-cli=N` query) so a process that runs
 *   several commands (the in-process tests) gets a new spool per command, not a closed one.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Spool } from "../client/spool.js";
import { InvalidArgumentError } from "../core/errors/index.js";

let loads = 0;
let tsxRegistered = false;
/** Loads run one at a time: each sets process-wide env vars while its module evaluates. */
let queue: Promise<unknown> = Promise.resolve();

function isSpool(value: unknown): value is Spool {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as Spool).task === "function" &&
    typeof (value as Spool).worker === "function" &&
    typeof (value as Spool).backend === "function" &&
    typeof (value as Spool).registry === "object"
  );
}

async function registerTsx(): Promise<boolean> {
  if (tsxRegistered) return false;
  try {
    const api = (await import("tsx/esm/api")) as { register: () => unknown };
    api.register();
    tsxRegistered = true;
    return true;
  } catch {
    return false;
  }
}

async function importFresh(file: string): Promise<Record<string, unknown>> {
  const url = `${pathToFileURL(file).href}?spool-cli=${++loads}`;
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code === "ERR_UNKNOWN_FILE_EXTENSION" && (await registerTsx())) {
      return (await import(`${pathToFileURL(file).href}?spool-cli=${++loads}`)) as Record<string, unknown>;
    }
    if (code === "ERR_UNKNOWN_FILE_EXTENSION")
      throw new InvalidArgumentError(
        `cannot load ${file}: TypeScript apps need tsx (npm install -D tsx), or pass the compiled .js module`,
        "app",
        err,
      );
    throw err;
  }
}

export interface LoadAppOptions {
  module: string;
  cwd: string;
  /** Set as `SPOOL_URL` while the module is imported (see the header). */
  backend: string;
  /** Set as `SPOOL_LOG_LEVEL` while the module is imported, unless the user set one. */
  logLevel: string;
  env: NodeJS.ProcessEnv;
}

export function loadApp(options: LoadAppOptions): Promise<Spool> {
  const next = queue.then(() => load(options));
  queue = next.catch(() => {});
  return next;
}

async function load(options: LoadAppOptions): Promise<Spool> {
  const file = resolve(options.cwd, options.module);
  if (!existsSync(file)) throw new InvalidArgumentError(`--app: no such file: ${file}`, "app");
  const saved = { url: process.env.SPOOL_URL, level: process.env.SPOOL_LOG_LEVEL };
  process.env.SPOOL_URL = options.backend;
  process.env.SPOOL_LOG_LEVEL = options.env.SPOOL_LOG_LEVEL || options.logLevel;
  let mod: Record<string, unknown>;
  try {
    mod = await importFresh(file);
  } finally {
    restore("SPOOL_URL", saved.url);
    restore("SPOOL_LOG_LEVEL", saved.level);
  }
  const candidate = [
    mod.spool,
    mod.default,
    (mod.default as Record<string, unknown> | undefined)?.spool,
  ].find(isSpool);
  if (!candidate)
    throw new InvalidArgumentError(
      `--app ${options.module} must export a spool instance as "default" or as "spool" (export const spool = createSpool(…))`,
      "app",
    );
  return candidate;
}

function restore(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}
