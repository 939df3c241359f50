/**
 * Chaos-test plumbing: a temp directory with a SQLite file (or, after
 * `useChaosBackend("postgres")`, a fresh schema on the test PostgreSQL), worker processes
 * spawned from `fixtures/worker.ts` (only these are ever signalled), evidence files, and
 * bounded waits.
 */
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { StateCounts } from "../../src/backend/backend.js";
import { createSpool, type Spool } from "../../src/client/spool.js";
import { postgresUrl } from "../support/postgres.js";
import { waitFor } from "../support/wait-for.js";
import { defineChaosTasks, effectsFile, marksFile } from "./fixtures/app.js";
import { lines, spawnWorkerProcess, stateTotals, type WorkerProcess } from "./worker-process.js";

export { waitFor };

const here = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(here, "../..");
const WORKER = join(here, "fixtures/worker.ts");

export type { WorkerProcess };

export type ChaosBackend = "sqlite" | "postgres";
let chaosBackend: ChaosBackend = "sqlite";

/**
 * Runs the chaos tests of the files imported after this call on another backend: a
 * `pg-*.test.ts` file calls it, then imports the SQLite test file (see pg-chaos.test.ts).
 */
export function useChaosBackend(kind: ChaosBackend): void {
  chaosBackend = kind;
}

/** The store of one chaos test: the SQLite `file`, or a fresh schema on the test PostgreSQL. */
export function chaosStore(file: string): { url: string; cleanup(): Promise<void> } {
  if (chaosBackend === "sqlite") return { url: `sqlite://${file}`, cleanup: async () => {} };
  return postgresUrl({ pool: 4 });
}

export interface ChaosEnv {
  dir: string;
  db: string;
  /** The store's URL (`sqlite://<db>` or a postgres:// URL). */
  url: string;
  spool: Spool;
  tasks: ReturnType<typeof defineChaosTasks>;
  /** Spawns a worker process and resolves once it printed `ready`. */
  spawnWorker(options?: Record<string, unknown>): Promise<WorkerProcess>;
  /** The same on another URL of the same store (e.g. with its own PostgreSQL application_name). */
  spawnWorkerAt(url: string, options?: Record<string, unknown>): Promise<WorkerProcess>;
  counts(): Promise<StateCounts & { total: number }>;
  effects(): { id: string; attempt: number; pid: number }[];
  marks(): string[];
  /** SIGKILLs whatever this env spawned that still runs, closes the client, removes the files. */
  cleanup(): Promise<void>;
}

export async function chaosEnv(name: string): Promise<ChaosEnv> {
  const dir = mkdtempSync(join(tmpdir(), `spool-chaos-${name}-`));
  const db = join(dir, "spool.db");
  const store = chaosStore(db);
  const spool = createSpool({ backend: store.url, logger: { level: "silent" }, retention: false });
  const tasks = defineChaosTasks(spool, dir);
  await spool.backend(); // migrate before any worker opens the file
  const children = new Map<ChildProcess, Promise<unknown>>();
  let n = 0;

  function spawnWorker(options: Record<string, unknown> = {}): Promise<WorkerProcess> {
    return spawnWorkerAt(store.url, options);
  }

  function spawnWorkerAt(url: string, options: Record<string, unknown> = {}): Promise<WorkerProcess> {
    const label = String(++n);
    return spawnWorkerProcess({
      script: WORKER,
      args: [url, dir, JSON.stringify(options)],
      cwd: ROOT,
      logFile: join(dir, `worker-${label}.log`),
      label,
      children,
    });
  }

  return {
    dir,
    db,
    url: store.url,
    spool,
    tasks,
    spawnWorker,
    spawnWorkerAt,
    counts: () => stateTotals(spool),
    effects: () =>
      lines(effectsFile(dir)).map((line) => {
        const [id, attempt, pid] = line.split(" ");
        return { id: id!, attempt: Number(attempt), pid: Number(pid) };
      }),
    marks: () => lines(marksFile(dir)),
    async cleanup() {
      const running = [...children];
      for (const [child] of running) child.kill("SIGKILL");
      await Promise.all(running.map(([, exited]) => exited));
      await spool.close();
      await store.cleanup();
      if (!process.env.SPOOL_CHAOS_KEEP) rmSync(dir, { recursive: true, force: true });
    },
  };
}
