/**
 * Shared by the SQLite and Redis chaos helpers: spawn a worker fixture as a child process,
 * wait (bounded) until it prints `ready`, and hand back a handle that only ever signals
 * that child; plus small readers for evidence files and per-state totals.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, existsSync, readFileSync } from "node:fs";
import type { StateCounts } from "../../src/backend/backend.js";
import { emptyCounts } from "../../src/backend/backend.js";
import type { Spool } from "../../src/client/spool.js";
import { waitFor } from "../support/wait-for.js";

export interface WorkerProcess {
  pid: number;
  /** Resolves when the process exits, with its code or the signal that ended it. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): void;
  /** The worker's stderr (its log), for failure messages. */
  logFile: string;
  /** Everything the worker printed on stdout so far. */
  stdout(): string;
}

export async function spawnWorkerProcess(options: {
  script: string;
  args: string[];
  cwd: string;
  logFile: string;
  label: string;
  /** Registry of live children, so cleanup can SIGKILL what is left. */
  children: Map<ChildProcess, Promise<unknown>>;
}): Promise<WorkerProcess> {
  const { logFile, children } = options;
  const child = spawn(process.execPath, ["--import", "tsx", options.script, ...options.args], {
    cwd: options.cwd,
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
    () => {
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(`worker exited early: ${readFileSync(logFile, "utf8").slice(-2000)}`);
      return out.includes("ready ");
    },
    { timeout: 60_000, message: `worker ${options.label} ready` },
  );
  return {
    pid: child.pid!,
    exited,
    kill: (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
    logFile,
    stdout: () => out,
  };
}

/** Non-empty lines of an evidence file (none if it does not exist yet). */
export function lines(file: string): string[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8").split("\n").filter(Boolean);
}

/** Jobs per state over every queue, plus the total. */
export async function stateTotals(spool: Spool): Promise<StateCounts & { total: number }> {
  const out = { ...emptyCounts(), total: 0 };
  for (const q of await spool.queues.list()) {
    for (const [state, count] of Object.entries(q.counts)) {
      out[state as keyof StateCounts] += count;
      out.total += count;
    }
  }
  return out;
}
