/**
 * A pool of isolated children of one mode. Each child runs one job at a time; a job waits for
 * an idle child (the pool has one per worker slot by default, so it rarely does).
 *
 * - **Abort** (timeout, cancel, lost lease, shutdown): the child's `ctx.signal` aborts; if the
 *   handler has not returned `killGraceMs` later, the child is killed, the job's handler counts
 *   as returned (its slot is freed) and a new child starts.
 * - **Crash** (exit, heap exhausted, uncaught fault): only its job fails, with how the child
 *   ended; a new child starts.
 * - **Recycling** between jobs, never mid-job: after `maxJobs` jobs, or once the child's memory
 *   (a process's RSS, a thread's used heap) passes `maxMemory` bytes.
 */
import type { Logger } from "pino";
import { deserialize, serialize } from "../../core/serializer.js";
import type { TaskContext } from "../../core/task.js";
import { errorRecord } from "../error-record.js";
import { type ChildHandle, spawnChild } from "./host.js";
import type { FromChild, IsolationMode, RemoteErrorData } from "./protocol.js";
import { fromRemote, IsolatedError } from "./remote-error.js";

export interface PoolOptions {
  mode: IsolationMode;
  size: number;
  app: string;
  killGraceMs: number;
  maxJobs: number | null;
  maxMemory: number | null;
  maxHeapMb: number | null;
  payloadLimit: number;
  logger: Pick<Logger, "info" | "warn" | "error">;
}

interface Running {
  jobId: string;
  ctx: TaskContext;
  resolve(value: unknown): void;
  reject(err: unknown): void;
  killTimer: NodeJS.Timeout | null;
}

interface Child {
  handle: ChildHandle;
  ready: boolean;
  jobs: number;
  running: Running | null;
  retiring: boolean;
}

export class IsolationPool {
  private readonly children = new Set<Child>();
  private readonly idle: Child[] = [];
  private readonly waiters: ((child: Child) => void)[] = [];
  private closed = false;
  /** Ids of every child this pool started, in order (tests observe recycling with it). */
  readonly started: string[] = [];

  constructor(private readonly opts: PoolOptions) {}

  /** Starts `size` children and resolves once all have loaded the app (warm). */
  start(): Promise<void> {
    const all = Array.from({ length: this.opts.size }, () => this.spawn());
    return Promise.all(all).then(() => undefined);
  }

  /** Runs one job's handler in a child; resolves with its (deserialized) result. */
  async run(task: string, input: unknown, ctx: TaskContext, signal: AbortSignal): Promise<unknown> {
    if (signal.aborted) throw signal.reason;
    const child = await this.acquire(signal);
    return new Promise((resolve, reject) => {
      const running: Running = { jobId: ctx.id, ctx, resolve, reject, killTimer: null };
      child.running = running;
      const onAbort = () => {
        const reason = errorRecord(signal.reason, 0, 0);
        const msg = {
          name: reason.name,
          message: reason.message,
          ...(reason.code ? { code: reason.code } : {}),
        };
        child.handle.send({ type: "abort", jobId: ctx.id, reason: msg });
        running.killTimer = setTimeout(() => {
          if (child.running !== running) return;
          this.opts.logger.warn(
            { jobId: ctx.id, child: child.handle.id, graceMs: this.opts.killGraceMs },
            `isolated handler ignored its signal; killing its ${this.opts.mode}`,
          );
          this.end(child, signal.reason);
        }, this.opts.killGraceMs);
      };
      signal.addEventListener("abort", onAbort, { once: true });
      const cleanup = () => {
        signal.removeEventListener("abort", onAbort);
        if (running.killTimer) clearTimeout(running.killTimer);
      };
      running.resolve = (v) => {
        cleanup();
        resolve(v);
      };
      running.reject = (e) => {
        cleanup();
        reject(e);
      };
      child.handle.send({
        type: "run",
        ctx: {
          id: ctx.id,
          task,
          queue: ctx.queue,
          attempt: ctx.attempt,
          maxAttempts: ctx.maxAttempts,
          meta: { ...ctx.meta },
          createdAt: ctx.createdAt,
        },
        input: serialize(input),
        parents: serialize({ ...ctx.parents }),
        parent: serialize(ctx.parent),
        payloadLimit: this.opts.payloadLimit,
      });
    });
  }

  /** Ids of the live children. */
  childIds(): string[] {
    return [...this.children].map((c) => c.handle.id);
  }

  /** Ends every child; a job still running gets up to the kill grace to return first. */
  async close(): Promise<void> {
    this.closed = true;
    const deadline = Date.now() + this.opts.killGraceMs;
    while (Date.now() < deadline && [...this.children].some((c) => c.running))
      await new Promise((r) => setTimeout(r, 20));
    const exits = [...this.children].map((c) => {
      c.running?.reject(new Error("isolation pool closed"));
      c.running = null;
      c.handle.kill();
      return c.handle.exited;
    });
    await Promise.all(exits);
  }

  private acquire(signal: AbortSignal): Promise<Child> {
    const child = this.idle.shift();
    if (child) return Promise.resolve(child);
    return new Promise((resolve, reject) => {
      const waiter = (c: Child) => {
        signal.removeEventListener("abort", onAbort);
        resolve(c);
      };
      const onAbort = () => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(signal.reason);
      };
      signal.addEventListener("abort", onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  private release(child: Child): void {
    if (!child.ready || child.retiring || this.closed) return;
    const waiter = this.waiters.shift();
    if (waiter) waiter(child);
    else this.idle.push(child);
  }

  private spawn(): Promise<void> {
    return new Promise((resolve, reject) => {
      let child!: Child;
      const handle = spawnChild(this.opts.mode, {
        app: this.opts.app,
        ...(this.opts.maxHeapMb ? { maxHeapMb: this.opts.maxHeapMb } : {}),
        onMessage: (m) => {
          if (m.type === "ready") {
            child.ready = true;
            this.release(child);
            resolve();
          } else if (m.type === "load-error") {
            child.retiring = true;
            handle.kill();
            reject(
              new IsolatedError({
                ...m.error,
                message: `isolated ${this.opts.mode} could not load the app: ${m.error.message}`,
              }),
            );
          } else this.onMessage(child, m);
        },
      });
      child = { handle, ready: false, jobs: 0, running: null, retiring: false };
      this.children.add(child);
      this.started.push(handle.id);
      void handle.exited.then((how) => {
        this.children.delete(child);
        const i = this.idle.indexOf(child);
        if (i >= 0) this.idle.splice(i, 1);
        // Never ready: the caller of spawn() decides (start fails, or replace() retries).
        if (!child.ready) return reject(new Error(`isolated ${this.opts.mode} ${how} while loading the app`));
        const running = child.running;
        child.running = null;
        running?.reject(
          new IsolatedError(
            crashed(`the ${handle.id} running job ${running.jobId} ${how} before its handler returned`),
          ),
        );
        if (this.closed) return;
        if (!running && !child.retiring)
          this.opts.logger.warn(
            { child: handle.id, how },
            `idle isolated ${this.opts.mode} ended; replacing it`,
          );
        this.replace();
      });
    });
  }

  /** Starts a child in place of one that ended; retries while the app fails to load. */
  private replace(): void {
    if (this.closed) return;
    this.spawn().catch((err) => {
      this.opts.logger.error({ err }, `could not start an isolated ${this.opts.mode}; retrying in 1s`);
      setTimeout(() => this.replace(), 1000).unref();
    });
  }

  /** Kills a child mid-job: its job's handler counts as returned with `reason`. */
  private end(child: Child, reason: unknown): void {
    const running = child.running;
    child.running = null;
    child.retiring = true;
    running?.reject(reason);
    child.handle.kill();
  }

  private onMessage(child: Child, m: FromChild): void {
    const running = child.running;
    if (!running || !("jobId" in m) || m.jobId !== running.jobId) return;
    if (m.type === "progress") {
      void running.ctx.progress(m.percent, m.message);
      return;
    }
    if (m.type === "log") {
      running.ctx.log[m.level](m.message, m.fields);
      return;
    }
    if (m.type !== "done") return;
    child.running = null;
    child.jobs++;
    if (m.ok) running.resolve(m.result === undefined ? null : deserialize(m.result));
    else running.reject(fromRemote(m.error));
    const recycle =
      (!m.ok && m.broken) ||
      (this.opts.maxJobs !== null && child.jobs >= this.opts.maxJobs) ||
      (this.opts.maxMemory !== null && m.memory > this.opts.maxMemory);
    if (recycle) {
      child.retiring = true;
      this.opts.logger.info(
        { child: child.handle.id, jobs: child.jobs, memory: m.memory },
        `recycling isolated ${this.opts.mode}`,
      );
      child.handle.kill();
    } else this.release(child);
  }
}

function crashed(message: string): RemoteErrorData {
  return { name: "IsolatedChildCrashed", message, permanent: false };
}
