/**
 * Messages between a worker and its isolated children (worker threads or child processes).
 * Payloads cross as spool-serialized text, so the same values survive both a thread's
 * structured clone and a process's JSON IPC, and the result the child stores is the one its
 * serializer accepted (functions and cycles are refused in the child, named by path).
 */

export type IsolationMode = "thread" | "process";

/** An error as it crosses the boundary: enough to record it and apply the retry policy. */
export interface RemoteErrorData {
  name: string;
  message: string;
  stack?: string;
  code?: string;
  /** Not worth retrying (NonRetriableError, an unserializable result). */
  permanent: boolean;
  /** A `RateLimitedError`'s wait and scope, so the worker backs the job off as in-process. */
  rateLimit?: { retryAfterMs: number; scope: "queue" | "task" | "key" | "job" };
}

/** What the child knows of its job: the `ctx` fields, parents serialized. */
export interface RunContext {
  id: string;
  task: string;
  queue: string;
  attempt: number;
  maxAttempts: number;
  meta: Record<string, unknown>;
  createdAt: number;
}

export type ToChild =
  | { type: "run"; ctx: RunContext; input: string; parents: string; parent: string; payloadLimit: number }
  | { type: "abort"; jobId: string; reason: { name: string; message: string; code?: string } };

export type FromChild =
  | { type: "ready"; pid: number }
  | { type: "load-error"; error: RemoteErrorData }
  | { type: "progress"; jobId: string; percent: number; message?: string }
  | {
      type: "log";
      jobId: string;
      level: "debug" | "info" | "warn" | "error";
      message: string;
      fields?: Record<string, unknown>;
    }
  | { type: "done"; jobId: string; ok: true; result: string; memory: number }
  | {
      type: "done";
      jobId: string;
      ok: false;
      error: RemoteErrorData;
      memory: number;
      /** The child had an uncaught fault: its state is unknown, replace it. */
      broken: boolean;
    };
