/**
 * One isolated child, thread or process, behind one small interface: start it with the app
 * module, exchange protocol messages, learn how it ended, end it.
 *
 * Both kinds start from the same bootstrap: it registers tsx first when the child entry or
 * the app is TypeScript (a dev checkout, or an `--app app.ts`), then imports `child.js`.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker as Thread } from "node:worker_threads";
import { InvalidArgumentError } from "../../core/errors/index.js";
import type { ChildBoot } from "./child.js";
import type { FromChild, IsolationMode, ToChild } from "./protocol.js";

export interface ChildHandle {
  readonly mode: IsolationMode;
  /** "thread 12" or "process 4711": changes when a child is replaced. */
  readonly id: string;
  send(message: ToChild): void;
  /** Ends the child now (a thread is terminated, a process gets SIGKILL). */
  kill(): void;
  /** Resolves when the child has ended, with a readable account of how. */
  readonly exited: Promise<string>;
}

export interface SpawnOptions {
  /** Absolute path or file: URL of the app module. */
  app: string;
  /** Old-generation heap limit of the child, in MB (default: Node's). */
  maxHeapMb?: number;
  onMessage(message: FromChild): void;
}

const TS = /\.[cm]?ts$/;

function childEntry(): string {
  const js = new URL("./child.js", import.meta.url);
  return existsSync(fileURLToPath(js)) ? js.href : new URL("./child.ts", import.meta.url).href;
}

/** The ESM entry of tsx's register API (require.resolve would give its CommonJS one). */
function tsxUrl(): string {
  let pkg: string;
  try {
    pkg = createRequire(import.meta.url).resolve("tsx/package.json");
  } catch (err) {
    throw new InvalidArgumentError(
      "isolated children of a TypeScript app need tsx (npm install -D tsx), or pass the compiled .js module as the app",
      "isolation.app",
      err,
    );
  }
  const exports = JSON.parse(readFileSync(pkg, "utf8")).exports as Record<
    string,
    { import?: { default?: string } }
  >;
  const entry = exports["./esm/api"]?.import?.default ?? "./dist/esm/api/index.mjs";
  return new URL(entry, pathToFileURL(pkg)).href;
}

interface Bootstrap extends ChildBoot {
  child: string;
  tsx: string | null;
}

function bootstrap(app: string): Bootstrap {
  const child = childEntry();
  const appUrl = app.startsWith("file:") ? app : pathToFileURL(app).href;
  const needsTsx = TS.test(child) || TS.test(new URL(appUrl).pathname);
  return { app: appUrl, child, tsx: needsTsx ? tsxUrl() : null };
}

// Runs as a thread's eval script and as a process's `-e` module alike.
const BOOT_CODE = `(async () => {
  const { isMainThread, workerData } = await import("node:worker_threads");
  const boot = isMainThread ? JSON.parse(process.env.SPOOL_ISOLATION) : workerData;
  if (boot.tsx) (await import(boot.tsx)).register();
  await import(boot.child);
})();`;

export function spawnChild(mode: IsolationMode, options: SpawnOptions): ChildHandle {
  const boot = bootstrap(options.app);
  return mode === "thread" ? spawnThread(boot, options) : spawnProcess(boot, options);
}

function spawnThread(boot: Bootstrap, options: SpawnOptions): ChildHandle {
  const thread = new Thread(BOOT_CODE, {
    eval: true,
    workerData: boot,
    env: { ...process.env, SPOOL_ISOLATED: "thread" },
    ...(options.maxHeapMb ? { resourceLimits: { maxOldGenerationSizeMb: options.maxHeapMb } } : {}),
  });
  let error: Error | null = null;
  thread.on("message", (m: FromChild) => options.onMessage(m));
  thread.on("error", (err) => (error = err));
  const exited = new Promise<string>((resolve) =>
    thread.on("exit", (code) => {
      const why = error ? `: ${error.message}` : code === 1 ? " (process.exit(1) or an uncaught error)" : "";
      resolve(`exited with code ${code}${why}`);
    }),
  );
  return {
    mode: "thread",
    id: `thread ${thread.threadId}`,
    send: (m) => thread.postMessage(m),
    kill: () => void thread.terminate(),
    exited,
  };
}

function spawnProcess(boot: Bootstrap, options: SpawnOptions): ChildHandle {
  const args = options.maxHeapMb ? [`--max-old-space-size=${options.maxHeapMb}`] : [];
  const proc: ChildProcess = spawn(process.execPath, [...args, "--input-type=module", "-e", BOOT_CODE], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    env: { ...process.env, SPOOL_ISOLATED: "process", SPOOL_ISOLATION: JSON.stringify(boot) },
  });
  proc.on("message", (m) => options.onMessage(m as FromChild));
  const exited = new Promise<string>((resolve) => {
    proc.on("exit", (code, signal) => {
      if (signal === "SIGABRT" || code === 134)
        resolve(`was killed by ${signal ?? "SIGABRT"} (heap exhausted or a native abort)`);
      else if (signal) resolve(`was killed by ${signal}`);
      else resolve(`exited with code ${code}`);
    });
    proc.on("error", (err) => resolve(`could not run: ${err.message}`));
  });
  return {
    mode: "process",
    id: `process ${proc.pid}`,
    send: (m) => {
      if (proc.connected) proc.send(m);
    },
    kill: () => void proc.kill("SIGKILL"),
    exited,
  };
}
