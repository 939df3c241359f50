/**
 * Set-up shared by the chaos tests that run several processes against one store: the store
 * kinds they run on, a fresh store per test (a SQLite file in its own temporary folder, or an
 * isolated Redis prefix or PostgreSQL schema) with a migrated `Spool` on it, the registry of child processes, and
 * cleanups. After each test every child still alive is SIGKILLed and waited for, then the
 * cleanups run in reverse order (spool closed before its folder or Redis prefix goes).
 */
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach } from "vitest";
import { createSpool, type Spool } from "../../src/client/spool.js";
import { spawnWorkerProcess, type WorkerProcess } from "../chaos/worker-process.js";
import { postgresReachable, postgresUrl, requirePostgres } from "./postgres.js";
import { redisReachable, redisUrl, requireRedis } from "./redis.js";

/** The repository root: the working directory of every child process. */
export const ROOT = resolve(import.meta.dirname, "../..");

export type ProcessStoreKind = "sqlite" | "redis" | "postgres";

/**
 * SQLite always; Redis when reachable, and PostgreSQL when asked for and reachable
 * (`requireRedis` / `requirePostgres` make CI fail instead of skipping `what`).
 */
export function processStoreKinds(
  what: string,
  options: { postgres?: boolean } = {},
): readonly ProcessStoreKind[] {
  requireRedis(`${what} on Redis`);
  const kinds: ProcessStoreKind[] = ["sqlite"];
  if (redisReachable) kinds.push("redis");
  if (options.postgres) {
    requirePostgres(`${what} on PostgreSQL`);
    if (postgresReachable) kinds.push("postgres");
  }
  return kinds;
}

export interface ProcessStore {
  /** The store's URL, as the child processes open it. */
  url: string;
  /** A temporary folder for this test: the SQLite file, logs, signal files. */
  dir: string;
  /** This process's own spool on the store (silent, no retention), migrated. */
  spool: Spool;
}

export interface ProcessStores {
  /** Live children; cleared as they exit (spawnWorkerProcess keeps it). */
  readonly children: Map<ChildProcess, Promise<unknown>>;
  /** Runs after the test, after every child is gone, in reverse order of registration. */
  onCleanup(fn: () => Promise<void> | void): void;
  /** A fresh store for this test; `name` prefixes the folder and names the SQLite file. */
  open(name: string): Promise<ProcessStore>;
  /** Starts a fixture as a child (see worker-process.ts), logging to `<dir>/<log>`. */
  spawn(options: {
    script: string;
    args: string[];
    dir: string;
    log: string;
    label: string;
  }): Promise<WorkerProcess>;
  /** `count` children of one fixture, started one after the other, logging to `worker-<i>.log`. */
  spawnWorkers(
    count: number,
    options: { script: string; args: string[]; dir: string },
  ): Promise<WorkerProcess[]>;
}

/** Call inside a `describe` block: registers the `afterEach` that ends children and cleans up. */
export function processStores(kind: ProcessStoreKind): ProcessStores {
  const children = new Map<ChildProcess, Promise<unknown>>();
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const child of children.keys()) child.kill("SIGKILL");
    await Promise.all(children.values());
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  const onCleanup = (fn: () => Promise<void> | void) => {
    cleanups.push(fn);
  };
  const spawn: ProcessStores["spawn"] = ({ script, args, dir, log, label }) =>
    spawnWorkerProcess({ script, args, cwd: ROOT, logFile: join(dir, log), label, children });
  return {
    children,
    onCleanup,
    async open(name) {
      const dir = mkdtempSync(join(tmpdir(), `spool-${name}-`));
      onCleanup(() => rmSync(dir, { recursive: true, force: true }));
      let url = `sqlite://${join(dir, `${name}.db`)}`;
      if (kind === "redis") {
        const r = redisUrl();
        url = r.url;
        onCleanup(r.cleanup);
      }
      if (kind === "postgres") {
        const p = postgresUrl();
        url = p.url;
        onCleanup(p.cleanup);
      }
      const spool = createSpool({ backend: url, logger: { level: "silent" }, retention: false });
      onCleanup(() => spool.close());
      await (await spool.backend()).migrate();
      return { url, dir, spool };
    },
    spawn,
    async spawnWorkers(count, { script, args, dir }) {
      const out: WorkerProcess[] = [];
      for (let i = 0; i < count; i++)
        out.push(await spawn({ script, args, dir, log: `worker-${i}.log`, label: `${kind} ${i}` }));
      return out;
    },
  };
}
