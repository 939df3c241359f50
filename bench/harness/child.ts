/** A forked worker process and its IPC messages. */
import { type ChildProcess, fork } from "node:child_process";
import type { WorkerRuntime } from "./build.js";
import type { FromWorker, ToWorker, WorkerArgs } from "./protocol.js";
import { wallMs } from "./timing.js";

type Ev = FromWorker["ev"];
type Msg<E extends Ev> = Extract<FromWorker, { ev: E }>;

export class WorkerProcess {
  readonly child: ChildProcess;
  /** Wall ms just before fork(). */
  readonly tSpawn: number;
  private inbox: FromWorker[] = [];
  private waiters: { ev: Ev; resolve: (m: FromWorker) => void; reject: (e: Error) => void }[] = [];
  private failure: Error | null = null;
  private exited: Promise<void>;
  private tail = "";
  /** Called for every "job" message (latency reports), not queued. */
  onJob: ((i: number, latencyMs: number) => void) | null = null;

  constructor(runtime: WorkerRuntime, args: WorkerArgs, extraExecArgv: string[] = []) {
    this.tSpawn = wallMs();
    this.child = fork(runtime.entry, [JSON.stringify(args)], {
      execArgv: [...runtime.execArgv, ...extraExecArgv],
      stdio: ["ignore", "pipe", "pipe", "ipc"],
      env: { ...process.env, SPOOL_LOG_LEVEL: process.env.SPOOL_LOG_LEVEL ?? "warn" },
    });
    const keep = (chunk: Buffer) => {
      this.tail = (this.tail + chunk.toString()).slice(-4000);
    };
    this.child.stdout?.on("data", keep);
    this.child.stderr?.on("data", (chunk: Buffer) => {
      keep(chunk);
      if (process.env.BENCH_VERBOSE) process.stderr.write(`[${args.system} worker] ${chunk}`);
    });
    this.child.on("message", (m: FromWorker) => {
      if (m.ev === "job") {
        this.onJob?.(m.i, m.latencyMs);
        return;
      }
      if (m.ev === "error") {
        this.fail(new Error(`worker process failed: ${m.message}`));
        return;
      }
      const i = this.waiters.findIndex((w) => w.ev === m.ev);
      if (i >= 0) this.waiters.splice(i, 1)[0]!.resolve(m);
      else this.inbox.push(m);
    });
    this.exited = new Promise((resolve) => {
      this.child.on("exit", (code, signal) => {
        if (code !== 0)
          this.fail(
            new Error(`worker process exited (code ${code}, signal ${signal}); output tail:\n${this.tail}`),
          );
        resolve();
      });
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Why this worker process failed (an "error" message or a non-zero exit), or null. */
  get failed(): Error | null {
    return this.failure;
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const w of this.waiters.splice(0)) w.reject(this.failure);
  }

  waitFor<E extends Ev>(ev: E, timeoutMs: number): Promise<Msg<E>> {
    const i = this.inbox.findIndex((m) => m.ev === ev);
    if (i >= 0) return Promise.resolve(this.inbox.splice(i, 1)[0] as Msg<E>);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(
          new Error(`no "${ev}" from the worker process within ${timeoutMs} ms; output tail:\n${this.tail}`),
        );
      }, timeoutMs);
      const waiter = {
        ev,
        resolve: (m: FromWorker) => {
          clearTimeout(timer);
          resolve(m as Msg<E>);
        },
        reject: (e: Error) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.waiters.push(waiter);
    });
  }

  send(m: ToWorker): void {
    if (this.child.connected) this.child.send(m);
  }

  /** Graceful stop; returns the worker's final handler count and unfinished count. */
  async stop(timeoutMs = 20_000): Promise<Msg<"stopped"> | null> {
    if (this.child.exitCode !== null) return null;
    this.send({ cmd: "stop" });
    try {
      const m = await this.waitFor("stopped", timeoutMs);
      await Promise.race([this.exited, new Promise((r) => setTimeout(r, 5000))]);
      return m;
    } finally {
      this.kill();
    }
  }

  /** Kills this worker process (and only it) if it is still running. */
  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGKILL");
  }
}
