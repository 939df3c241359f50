/**
 * Helpers for the SQLite backend tests: temp database files, child processes that share the
 * file, and bounded waits on the change feed (no sleeps).
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { Backend, BackendEvent, NewJob } from "../../src/backend/backend.js";
import { newJobId } from "../../src/core/ids.js";

const CHILD = fileURLToPath(new URL("./fixtures/sqlite-child.ts", import.meta.url));

/** A fresh directory under the OS temp dir; `cleanup()` removes it with every file in it. */
export function tempDir(): { dir: string; file: (name?: string) => string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "spool-sqlite-test-"));
  let n = 0;
  return {
    dir,
    file: (name) => join(dir, name ?? `db-${++n}.db`),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export function newJob(queue: string, task = "t", extra: Partial<NewJob> = {}): NewJob {
  return {
    id: newJobId(),
    task,
    queue,
    input: "{}",
    priority: 0,
    runAt: 0,
    maxAttempts: 3,
    key: null,
    meta: {},
    dependsOn: [],
    leaseMs: null,
    timeoutMs: null,
    ...extra,
  };
}

/** A child process running test/backend/fixtures/sqlite-child.ts; reads its stdout line by line. */
export class Child {
  private readonly proc: ChildProcessWithoutNullStreams;
  private readonly lines: string[] = [];
  private waiter: (() => void) | null = null;
  private stderr = "";
  readonly exited: Promise<number | null>;

  constructor(args: string[]) {
    this.proc = spawn(process.execPath, ["--import", "tsx", CHILD, ...args], { stdio: "pipe" });
    createInterface({ input: this.proc.stdout }).on("line", (line) => {
      this.lines.push(line);
      this.waiter?.();
    });
    this.proc.stderr.on("data", (chunk: Buffer) => {
      this.stderr += chunk.toString();
    });
    this.exited = new Promise((resolve) => this.proc.on("exit", (code) => resolve(code)));
  }

  send(line: string): void {
    this.proc.stdin.write(`${line}\n`);
  }

  /** The next stdout line (parsed as JSON), within `timeoutMs`. */
  async next<T = unknown>(timeoutMs = 20_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    while (this.lines.length === 0) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`child printed nothing within ${timeoutMs} ms; stderr: ${this.stderr}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = null;
    }
    return JSON.parse(this.lines.shift()!) as T;
  }

  async finish(): Promise<void> {
    this.proc.stdin.end();
    const code = await this.exited;
    if (code !== 0) throw new Error(`child exited with ${code}; stderr: ${this.stderr}`);
  }

  kill(): void {
    this.proc.kill();
  }
}

/** How long a child may take to print "ready" (a loaded CI machine is slow to start node). */
const CHILD_START_MS = 60_000;

/** Starts `n` children with the same arguments and releases them at the same instant. */
export async function startTogether(argsList: string[][]): Promise<Child[]> {
  const children = argsList.map((args) => new Child(args));
  for (const child of children) {
    // Starting node with tsx took over 20 s per child at load average 37 on 2 cores.
    if ((await child.next(CHILD_START_MS)) !== "ready") throw new Error("child did not start");
  }
  for (const child of children) child.send("go");
  return children;
}

/** Resolves with the first event matching `match`, or rejects after `timeoutMs`. */
export function nextEvent(
  backend: Backend,
  match: (e: BackendEvent) => boolean,
  timeoutMs = 5000,
): Promise<BackendEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no matching event within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = backend.subscribe((events) => {
      const hit = events.find(match);
      if (!hit) return;
      clearTimeout(timer);
      off();
      resolve(hit);
    });
  });
}
