/**
 * Chaos-test plumbing: a temp directory with a SQLite file, worker processes spawned from
 * `fixtures/worker.ts` (only these are ever signalled), evidence files, and bounded waits.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { StateCounts } from "../../src/backend/backend.js";
import { emptyCounts } from "../../src/backend/backend.js";
import { createSpool, type Spool } from "../../src/client/spool.js";
import { waitFor } from "../support/wait-for.js";
import { defineChaosTasks, effectsFile, marksFile } from "./fixtures/app.js";

export { waitFor };

const here = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(here, "../..");
const WORKER = join(here, "fixtures/worker.ts");

export interface WorkerProcess {
  pid: number;
  /** Resolves when the process exits, with its code or the signal that ended it. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): void;
  /** The worker's stderr (its log), for failure messages. */
  logFile: string;
}

export interface ChaosEnv {
  dir: string;
  db: string;
  spool: Spool;
  tasks: ReturnType<typeof defineChaosTasks>;
  /** Spawns a worker process and resolves once it printed `ready`. */
  spawnWorker(options?: Record<string, unknown>): Promise<WorkerProcess>;
  counts(): Promise<StateCounts & { total: number }>;
  effects(): { id: string; attempt: number; pid: number }[];
  marks(): string[];
  /** SIGKILLs whatever this env spawned that still runs, closes the client, removes the files. */
  cleanup(): Promise<void>;
}

function lines(file: string): string[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8").split("\n").filter(Boolean);
}

export async function chaosEnv(name: string): Promise<ChaosEnv> {
  const dir = mkdtempSync(join(tmpdir(), `spool-chaos-${name}-`));
  const db = join(dir, "spool.db");
  const spool = createSpool({ backend: `sqlite://${db}`, logger: { level: "silent" }, retention: false });
  const tasks = defineChaosTasks(spool, dir);
  await spool.backend(); // migrate before any worker opens the file
  const children = new Map<ChildProcess, Promise<unknown>>();
  let n = 0;

  async function spawnWorker(options: Record<string, unknown> = {}): Promise<WorkerProcess> {
    const logFile = join(dir, `worker-${++n}.log`);
    const child = spawn(process.execPath, ["--import", "tsx", WORKER, db, dir, JSON.stringify(options)], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, SPOOL_LOG_LEVEL: "warn" },
    });
    child.stderr!.pipe(createWriteStream(logFile));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => {
      child.once("exit", (code, signal) => {
        children.delete(child);
        done({ code, signal });
      });
    });
    children.set(child, exited);
    let out = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
    });
    await waitFor(
      async () => {
        if (child.exitCode !== null || child.signalCode !== null)
          throw new Error(`worker exited early: ${readFileSync(logFile, "utf8").slice(-2000)}`);
        return out.includes("ready ");
      },
      { timeout: 60_000, message: `worker ${n} ready` },
    );
    return {
      pid: child.pid!,
      exited,
      kill: (signal) => {
        if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      },
      logFile,
    };
  }

  return {
    dir,
    db,
    spool,
    tasks,
    spawnWorker,
    async counts() {
      const out = { ...emptyCounts(), total: 0 };
      for (const q of await spool.queues.list()) {
        for (const [state, count] of Object.entries(q.counts)) {
          out[state as keyof StateCounts] += count;
          out.total += count;
        }
      }
      return out;
    },
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
      if (!process.env.SPOOL_CHAOS_KEEP) rmSync(dir, { recursive: true, force: true });
    },
  };
}
