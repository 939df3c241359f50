/**
 * `WorkflowHandle`: read, await, stream and cancel one workflow. Like job handles, waiting
 * subscribes to the change feed *before* reading state, so nothing finishing in between is
 * missed; a slow fallback poll covers feeds that drop messages (Redis pub/sub while
 * reconnecting). Checks are coalesced: a 10,000-job group costs a few reads, not one per job.
 */

import type { Backend, BackendEvent, StateCounts, WorkflowRecord } from "../backend/backend.js";
import { workflowStateOf } from "../backend/workflow-shared.js";
import { toMs } from "../core/duration.js";
import { NotFoundError, TimeoutError, WorkflowFailedError } from "../core/errors/index.js";
import { deserialize } from "../core/serializer.js";
import type { ResultOptions } from "../core/task.js";
import { FINAL_STATES, type JobProgress, type JobRecord, type JobState } from "../core/types.js";
import { PARENT_READ_CHUNK } from "./inputs.js";
import type { WorkflowPolicy, WorkflowSpec } from "./shapes.js";
import { workflowJobs } from "./spawned-nodes.js";
import { buildFromTpl, tplIndexes } from "./template.js";

/** Fallback poll while waiting for a result (the change feed is the fast path). */
export const WORKFLOW_POLL_MS = 1_000;

export type WorkflowState = WorkflowRecord["state"];

export interface WorkflowProgress {
  /** Nodes completed. */
  completed: number;
  /** Nodes in the workflow. */
  total: number;
  /** completed / total, 0..100. */
  percent: number;
}

export interface WorkflowInfo {
  id: string;
  name: string;
  policy: WorkflowPolicy;
  state: WorkflowState;
  total: number;
  counts: StateCounts;
  progress: WorkflowProgress;
  createdAt: number;
  finishedAt: number | null;
}

export interface WorkflowNodeInfo {
  /** The node's path: "0", "group.3", "callback", "report" … */
  node: string;
  jobId: string;
  task: string;
  state: JobState;
  attempt: number;
  /** The node's own progress (`ctx.progress`). */
  progress: JobProgress | null;
  /** Last error message, if any attempt failed. */
  error: string | null;
}

export type WorkflowEventType =
  | `node:${"enqueued" | "started" | "progress" | "log" | "retried" | "completed" | "failed" | "cancelled" | "released" | "rescued" | "removed"}`
  | "workflow:progress"
  | "workflow:completed"
  | "workflow:failed"
  | "workflow:cancelled";

export interface WorkflowEvent {
  type: WorkflowEventType;
  workflowId: string;
  at: number;
  /** Node events: which node and job. */
  node?: string;
  jobId?: string;
  state?: JobState;
  data?: Record<string, unknown>;
  /** Overall progress after this event. */
  progress: WorkflowProgress;
}

export interface WorkflowHandle<O = unknown> {
  readonly id: string;
  /** Summary: state, counts per job state, overall progress. */
  get(): Promise<WorkflowInfo>;
  state(): Promise<WorkflowState>;
  /** Every node with its job's state and own progress, in node order. */
  nodes(): Promise<WorkflowNodeInfo[]>;
  /** Waits for the end; resolves with the workflow's result or throws `WorkflowFailedError`. */
  result(options?: ResultOptions): Promise<O>;
  /** Node events and overall progress until the workflow ends. */
  events(options?: { signal?: AbortSignal }): AsyncIterable<WorkflowEvent>;
  /** Cancels every job that is not final yet (running handlers' signals abort). Returns how many. */
  cancel(reason?: string): Promise<number>;
}

const FINAL_EVENTS = new Set(["job:completed", "job:failed", "job:cancelled", "job:removed"]);

function progressOf(completed: number, total: number): WorkflowProgress {
  return { completed, total, percent: total === 0 ? 100 : Math.floor((completed * 10_000) / total) / 100 };
}

export class SpoolWorkflowHandle<O = unknown> implements WorkflowHandle<O> {
  private spec: WorkflowSpec | null = null;
  private policy: WorkflowPolicy = "failFast";

  constructor(
    readonly id: string,
    private readonly backend: () => Promise<Backend>,
  ) {}

  async get(): Promise<WorkflowInfo> {
    return workflowInfo(await this.record());
  }

  async state(): Promise<WorkflowState> {
    return (await this.record()).state;
  }

  async nodes(): Promise<WorkflowNodeInfo[]> {
    const spec = await this.loadSpec();
    // Spawned children (ctx.spawn) are nodes too, after the compiled ones.
    const { ids, names, records } = await workflowJobs(spec, await this.backend());
    return ids.flatMap((id, i) => {
      const r = records.get(id);
      if (!r) return [];
      return [
        {
          node: names[i]!,
          jobId: id,
          task: r.task,
          state: r.state,
          attempt: r.attempt,
          progress: r.progress,
          error: r.errors.at(-1)?.message ?? null,
        },
      ];
    });
  }

  async result(options: ResultOptions = {}): Promise<O> {
    const backend = await this.backend();
    const spec = await this.loadSpec();
    const members = new Set(spec.jobs);
    const timeoutMs = options.timeout === undefined ? null : toMs(options.timeout, "timeout");
    const record = await new Promise<WorkflowRecord>((resolve, reject) => {
      let settled = false;
      let checking = false;
      let again = false;
      const finish = (err: unknown, value?: WorkflowRecord) => {
        if (settled) return;
        settled = true;
        unsubscribe();
        clearInterval(poll);
        if (timer) clearTimeout(timer);
        options.signal?.removeEventListener("abort", onAbort);
        if (err) reject(err);
        else resolve(value!);
      };
      const check = async () => {
        if (checking) {
          again = true;
          return;
        }
        checking = true;
        try {
          do {
            again = false;
            const r = await backend.workflowGet({ id: this.id });
            if (!r) return finish(new NotFoundError("workflow", this.id));
            if (r.state !== "running") return finish(null, r);
          } while (again && !settled);
        } catch (err) {
          finish(err);
        } finally {
          checking = false;
        }
      };
      const unsubscribe = backend.subscribe((events) => {
        if (events.some((e) => FINAL_EVENTS.has(e.type) && members.has(e.jobId))) void check();
      });
      const poll = setInterval(() => void check(), WORKFLOW_POLL_MS);
      poll.unref?.();
      const onAbort = () => finish(options.signal?.reason ?? new Error("aborted"));
      let timer: NodeJS.Timeout | undefined;
      if (options.signal?.aborted) return onAbort();
      options.signal?.addEventListener("abort", onAbort, { once: true });
      if (timeoutMs !== null)
        timer = setTimeout(
          () =>
            finish(new TimeoutError(`workflow ${this.id} did not finish within ${timeoutMs}ms`, timeoutMs)),
          timeoutMs,
        );
      void check();
    });
    if (record.state === "completed") return this.output(spec);
    throw new WorkflowFailedError(
      this.id,
      record.state as "failed" | "cancelled",
      record.state === "failed" ? await this.firstFailure(spec) : undefined,
    );
  }

  async *events(options: { signal?: AbortSignal } = {}): AsyncIterable<WorkflowEvent> {
    const backend = await this.backend();
    const spec = await this.loadSpec();
    const nameOf = new Map(spec.jobs.map((id, i) => [id, spec.names[i]!]));
    const buffer: BackendEvent[] = [];
    let wake: (() => void) | null = null;
    const unsubscribe = backend.subscribe((events) => {
      for (const e of events) if (nameOf.has(e.jobId)) buffer.push(e);
      if (buffer.length > 0) wake?.();
    });
    const onAbort = () => wake?.();
    options.signal?.addEventListener("abort", onAbort, { once: true });
    try {
      // Snapshot after subscribing: later events move states on from here.
      const states = new Map<string, JobState>();
      for (const [id, r] of await this.readJobs(spec.jobs)) states.set(id, r.state);
      const counts = {
        waiting: 0,
        scheduled: 0,
        queued: 0,
        running: 0,
        completed: 0,
        failed: 0,
        cancelled: 0,
      };
      for (const s of states.values()) counts[s]++;
      const total = spec.jobs.length;
      let last = this.finalOf(counts);
      yield {
        type: "workflow:progress",
        workflowId: this.id,
        at: Date.now(),
        progress: progressOf(counts.completed, total),
      };
      if (last !== null) {
        yield {
          type: `workflow:${last}`,
          workflowId: this.id,
          at: Date.now(),
          progress: progressOf(counts.completed, total),
        };
        return;
      }
      while (!options.signal?.aborted) {
        while (buffer.length > 0) {
          const e = buffer.shift()!;
          const before = states.get(e.jobId);
          if (e.state !== undefined && before !== undefined && !FINAL_STATES.has(before)) {
            counts[before]--;
            counts[e.state]++;
            states.set(e.jobId, e.state);
          }
          const progress = progressOf(counts.completed, total);
          const out: WorkflowEvent = {
            type: `node:${e.type.slice(4)}` as WorkflowEventType,
            workflowId: this.id,
            at: e.at,
            node: nameOf.get(e.jobId)!,
            jobId: e.jobId,
            progress,
          };
          if (e.state !== undefined) out.state = e.state;
          if (e.data !== undefined) out.data = e.data;
          yield out;
          if (FINAL_EVENTS.has(e.type)) {
            yield { type: "workflow:progress", workflowId: this.id, at: e.at, progress };
            last = this.finalOf(counts);
            if (last !== null) {
              yield { type: `workflow:${last}`, workflowId: this.id, at: e.at, progress };
              return;
            }
          }
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = null;
      }
    } finally {
      unsubscribe();
      options.signal?.removeEventListener("abort", onAbort);
    }
  }

  async cancel(reason?: string): Promise<number> {
    const backend = await this.backend();
    const spec = await this.loadSpec();
    const out = await backend.jobCancel({
      ids: spec.jobs,
      reason: reason ?? `workflow ${this.id} cancelled`,
    });
    return out.cancelled.length;
  }

  // ── internals ────────────────────────────────────────────────────────────────────────

  private finalOf(counts: StateCounts): "completed" | "failed" | "cancelled" | null {
    const state = workflowStateOf(this.policy, counts);
    return state === "running" ? null : state;
  }

  private async record(): Promise<WorkflowRecord> {
    const r = await (await this.backend()).workflowGet({ id: this.id });
    if (!r) throw new NotFoundError("workflow", this.id);
    this.policy = r.policy;
    this.spec ??= JSON.parse(r.spec) as WorkflowSpec;
    return r;
  }

  private async loadSpec(): Promise<WorkflowSpec> {
    if (!this.spec) await this.record();
    return this.spec!;
  }

  private async readJobs(ids: readonly string[]): Promise<Map<string, JobRecord>> {
    const backend = await this.backend();
    const out = new Map<string, JobRecord>();
    for (let start = 0; start < ids.length; start += PARENT_READ_CHUNK) {
      for (const r of await backend.jobGetMany({ ids: ids.slice(start, start + PARENT_READ_CHUNK) }))
        out.set(r.id, r);
    }
    return out;
  }

  private async output(spec: WorkflowSpec): Promise<O> {
    const records = await this.readJobs([...tplIndexes(spec.output)].map((i) => spec.jobs[i]!));
    return buildFromTpl(spec.output, (i) => {
      const r = records.get(spec.jobs[i]!);
      if (r?.state !== "completed") throw new NotFoundError("job", spec.jobs[i]!);
      return r.result === null ? undefined : deserialize(r.result);
    }) as O;
  }

  private async firstFailure(
    spec: WorkflowSpec,
  ): Promise<{ node: string; jobId: string; message: string } | undefined> {
    const records = await this.readJobs(spec.jobs);
    let first: JobRecord | undefined;
    for (const r of records.values())
      if (r.state === "failed" && (!first || (r.finishedAt ?? 0) < (first.finishedAt ?? 0))) first = r;
    if (!first) return undefined;
    return {
      node: spec.names[spec.jobs.indexOf(first.id)]!,
      jobId: first.id,
      message: first.errors.at(-1)?.message ?? "unknown error",
    };
  }
}

/** The public view of a stored workflow record (also used by `workflows.list()`, which already holds the records). */
export function workflowInfo(r: WorkflowRecord): WorkflowInfo {
  return {
    id: r.id,
    name: r.name,
    policy: r.policy,
    state: r.state,
    total: r.total,
    counts: r.counts,
    progress: progressOf(r.counts.completed, r.total),
    createdAt: r.createdAt,
    finishedAt: r.finishedAt,
  };
}
