/**
 * Gathers the running jobs of a batch task into one handler call. Each job keeps its own
 * lease, slot, timeout, cancel and outcome (all per `(id, lease token)` as for any job); only
 * the call is shared: a job joins the open batch of its task, and the batch starts when it holds
 * `batch.size` jobs or `batch.wait` after its first job, whichever comes first.
 *
 * The handler returns one entry per input, in order: a value completes that job, an `Error`
 * fails that job alone. A throw, or an answer of the wrong length, fails every job of the call.
 * A job aborted before the call starts (cancelled, timed out) is left out of it.
 */
import type { RegisteredTask } from "../core/registry.js";
import type { BatchContext, TaskContext } from "../core/task.js";

interface Entry {
  input: unknown;
  ctx: TaskContext;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

interface Open {
  entries: Entry[];
  timer: NodeJS.Timeout | null;
}

export class BatchCollector {
  private readonly open = new Map<string, Open>();

  /** Adds one job to its task's open batch; settles with that job's entry of the answer. */
  add(task: RegisteredTask, input: unknown, ctx: TaskContext): Promise<unknown> {
    const batch = task.batch!;
    let open = this.open.get(task.name);
    if (!open) {
      open = { entries: [], timer: null };
      this.open.set(task.name, open);
      const current = open;
      open.timer = setTimeout(() => this.flush(task, current), batch.waitMs);
    }
    const promise = new Promise<unknown>((resolve, reject) =>
      open.entries.push({ input, ctx, resolve, reject }),
    );
    if (open.entries.length >= batch.size) this.flush(task, open);
    return promise;
  }

  private flush(task: RegisteredTask, open: Open): void {
    if (this.open.get(task.name) === open) this.open.delete(task.name);
    if (open.timer) clearTimeout(open.timer);
    open.timer = null;
    void callBatch(task, open.entries);
  }
}

/** Runs one job of a batch task alone (the inline test mode has no collector). */
export function runAlone(task: RegisteredTask, input: unknown, ctx: TaskContext): Promise<unknown> {
  return new Promise((resolve, reject) => void callBatch(task, [{ input, ctx, resolve, reject }]));
}

function allAborted(jobs: readonly TaskContext[]): AbortSignal {
  const controller = new AbortController();
  let left = jobs.length;
  const onAbort = () => {
    if (--left === 0) controller.abort(jobs[jobs.length - 1]!.signal.reason);
  };
  for (const ctx of jobs) {
    if (ctx.signal.aborted) onAbort();
    else ctx.signal.addEventListener("abort", onAbort, { once: true });
  }
  return controller.signal;
}

async function callBatch(task: RegisteredTask, all: Entry[]): Promise<void> {
  // Jobs whose outcome is already decided (cancelled, timed out while waiting) stay out.
  const entries: Entry[] = [];
  for (const e of all) {
    if (e.ctx.signal.aborted) e.resolve(undefined);
    else entries.push(e);
  }
  if (entries.length === 0) return;
  const jobs = entries.map((e) => e.ctx);
  const ctx: BatchContext = { jobs, signal: allAborted(jobs) };
  let answer: unknown;
  try {
    answer = await (task.run as unknown as (inputs: unknown[], ctx: BatchContext) => unknown)(
      entries.map((e) => e.input),
      ctx,
    );
  } catch (err) {
    for (const e of entries) e.reject(err);
    return;
  }
  if (!Array.isArray(answer) || answer.length !== entries.length) {
    const got = Array.isArray(answer) ? `${answer.length} entries` : typeof answer;
    const err = new TypeError(
      `batch handler of task "${task.name}" must return one result or Error per input: got ${got} for ${entries.length} inputs`,
    );
    for (const e of entries) e.reject(err);
    return;
  }
  entries.forEach((e, i) => {
    const value: unknown = answer[i];
    if (value instanceof Error) e.reject(value);
    else e.resolve(value);
  });
}
