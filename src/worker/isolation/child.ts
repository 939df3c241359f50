/**
 * The entry of an isolated child (a worker thread or a child process): loads the app module
 * the worker runs (`--app`), then runs one job at a time by task name, as the worker asks.
 *
 * A fault that escapes the handler (a throw in a timer, an unawaited rejection) fails the
 * current job with that error and marks this child broken, so the worker replaces it after
 * the job. `process.exit`, heap exhaustion or a native crash end the child; the worker sees
 * the exit, fails the job with a readable error and starts a new child.
 */
import { getHeapStatistics } from "node:v8";
import { isMainThread, parentPort, workerData } from "node:worker_threads";
import {
  InvalidArgumentError,
  JobCancelledError,
  LeaseLostError,
  NonRetriableError,
  RateLimitedError,
  SerializationError,
  ShutdownError,
  SpoolError,
  TimeoutError,
} from "../../core/errors/index.js";
import type { RegisteredTask } from "../../core/registry.js";
import { deserialize, serializeLimited } from "../../core/serializer.js";
import type { TaskContext, TaskLogger } from "../../core/task.js";
import { errorRecord } from "../error-record.js";
import type { FromChild, RemoteErrorData, ToChild } from "./protocol.js";

export interface ChildBoot {
  /** file: URL of the app module. */
  app: string;
}

const boot: ChildBoot = isMainThread ? JSON.parse(process.env.SPOOL_ISOLATION ?? "{}") : workerData;

function send(message: FromChild): void {
  if (isMainThread) process.send?.(message);
  else parentPort?.postMessage(message);
}

function remote(err: unknown): RemoteErrorData {
  const record = errorRecord(err, 0, 0);
  const data: RemoteErrorData = {
    name: record.name,
    message: record.message,
    permanent: err instanceof NonRetriableError || err instanceof SerializationError,
  };
  if (record.stack) data.stack = record.stack;
  if (record.code) data.code = record.code;
  if (err instanceof RateLimitedError) data.rateLimit = { retryAfterMs: err.retryAfterMs, scope: err.scope };
  return data;
}

function memory(): number {
  // A thread shares its process's RSS: its own heap is what it can be held to.
  return isMainThread ? process.memoryUsage.rss() : getHeapStatistics().used_heap_size;
}

interface Registry {
  find(name: string): RegisteredTask | undefined;
}

function isRegistryHolder(value: unknown): value is { registry: Registry } {
  const registry = (value as { registry?: unknown } | null)?.registry;
  return (
    typeof registry === "object" && registry !== null && typeof (registry as Registry).find === "function"
  );
}

async function loadRegistry(app: string): Promise<Registry> {
  const mod = (await import(app)) as Record<string, unknown>;
  const candidate = [
    mod.spool,
    mod.default,
    (mod.default as Record<string, unknown> | undefined)?.spool,
  ].find(isRegistryHolder);
  if (!candidate) throw new Error(`${app} must export a spool instance as "default" or as "spool"`);
  return candidate.registry;
}

function abortReason(reason: { name: string; message: string; code?: string }, jobId: string): Error {
  switch (reason.code) {
    case "TIMEOUT":
      return new TimeoutError(reason.message, 0);
    case "JOB_CANCELLED":
      return new JobCancelledError(jobId);
    case "LEASE_LOST":
      return new LeaseLostError(jobId);
    case "SHUTDOWN":
      return new ShutdownError();
    default: {
      const err = new Error(reason.message);
      err.name = reason.name;
      return err;
    }
  }
}

interface Current {
  jobId: string;
  controller: AbortController;
  done: boolean;
}
let current: Current | null = null;
let registry: Registry;

function finish(job: Current, message: FromChild): void {
  if (job.done) return;
  job.done = true;
  if (current === job) current = null;
  send(message);
}

function fault(err: unknown): void {
  const job = current;
  if (!job) {
    // Nothing to blame: this child's state is unknown and it is idle; end it (it is replaced).
    process.exit(70);
  }
  finish(job, {
    type: "done",
    jobId: job.jobId,
    ok: false,
    error: remote(err),
    memory: memory(),
    broken: true,
  });
}

function context(
  ctx: Extract<ToChild, { type: "run" }>["ctx"],
  parents: unknown,
  parent: unknown,
  job: Current,
): TaskContext {
  const line =
    (level: "debug" | "info" | "warn" | "error") => (message: string, fields?: Record<string, unknown>) => {
      let safe: Record<string, unknown> | undefined;
      try {
        safe = fields === undefined ? undefined : JSON.parse(JSON.stringify(fields));
      } catch {
        safe = { unserializable: true };
      }
      const msg: FromChild = { type: "log", jobId: job.jobId, level, message: String(message) };
      if (safe) msg.fields = safe;
      send(msg);
    };
  const log: TaskLogger = {
    debug: line("debug"),
    info: line("info"),
    warn: line("warn"),
    error: line("error"),
  };
  return {
    ...ctx,
    parents: parents as TaskContext["parents"],
    parent: parent as TaskContext["parent"],
    children: null,
    spawn: () =>
      Promise.reject(new Error("ctx.spawn is not available in isolated tasks (isolate: thread/process)")),
    signal: job.controller.signal,
    async progress(percent: number, message?: string) {
      if (typeof percent !== "number" || !Number.isFinite(percent))
        throw new TypeError(`progress must be a finite number, got ${String(percent)}`);
      const msg: FromChild = { type: "progress", jobId: job.jobId, percent };
      if (message !== undefined) msg.message = String(message);
      send(msg);
    },
    async complete() {
      // The app's transaction lives in the worker's process, not in this isolated one.
      throw new InvalidArgumentError("ctx.complete({ tx }) is not available in isolated handlers", "tx");
    },
    log,
  };
}

async function run(msg: Extract<ToChild, { type: "run" }>): Promise<void> {
  const job: Current = { jobId: msg.ctx.id, controller: new AbortController(), done: false };
  current = job;
  try {
    const task = registry.find(msg.ctx.task);
    if (!task) throw new Error(`task "${msg.ctx.task}" is not defined by the app in this isolated child`);
    const ctx = context(msg.ctx, deserialize(msg.parents), deserialize(msg.parent), job);
    const value = await task.run(deserialize(msg.input), ctx);
    const result = serializeLimited(value === undefined ? null : value, msg.payloadLimit, "result");
    finish(job, { type: "done", jobId: job.jobId, ok: true, result, memory: memory() });
  } catch (err) {
    const error = remote(err);
    if (err instanceof SpoolError && err.code === "PAYLOAD_TOO_LARGE") error.permanent = true;
    finish(job, { type: "done", jobId: job.jobId, ok: false, error, memory: memory(), broken: false });
  }
}

process.on("uncaughtException", fault);
process.on("unhandledRejection", fault);
// The worker went away (killed): nothing to report to any more.
if (isMainThread) process.on("disconnect", () => process.exit(0));

try {
  registry = await loadRegistry(boot.app);
} catch (err) {
  // The worker ends this child when it reads the error.
  send({ type: "load-error", error: remote(err) });
  await new Promise(() => {});
}

const onMessage = (msg: ToChild) => {
  if (msg.type === "run") void run(msg);
  else if (msg.type === "abort" && current?.jobId === msg.jobId && !current.controller.signal.aborted)
    current.controller.abort(abortReason(msg.reason, msg.jobId));
};
if (isMainThread) process.on("message", onMessage);
else parentPort?.on("message", onMessage);
send({ type: "ready", pid: process.pid });
