/**
 * The client's job actions beyond retry/cancel/remove: change priority, promote, replace the
 * input of a job that has not started, and retry, cancel or remove every job matching a filter
 * (bulk-filter.ts). The backend checks each job's state atomically; this layer validates
 * arguments and the new input (the task's schema, when this process defines the task).
 */
import type { Backend, TransitionResult } from "../backend/backend.js";
import { checkPriority, type TaskRegistry } from "../core/registry.js";
import { serializeLimited } from "../core/serializer.js";
import { validateInput } from "../enqueue/build-job.js";
import {
  applyToMatching,
  type BulkCancelOptions,
  type BulkCancelResult,
  type BulkFilterOptions,
  type BulkFilterResult,
  CANCELLABLE_STATES,
  checkFilter,
  type JobFilter,
  RETRYABLE_STATES,
} from "./bulk-filter.js";

export type {
  BulkCancelOptions,
  BulkCancelResult,
  BulkFilterOptions,
  BulkFilterResult,
  JobFilter,
} from "./bulk-filter.js";

export interface JobActionsApi {
  /** Sets the priority of jobs that have not started (waiting, scheduled, queued); others are refused. */
  setPriority(ids: string[], priority: number): Promise<TransitionResult>;
  /** Runs scheduled (delayed) jobs now; jobs in any other state are refused. */
  promote(ids: string[]): Promise<TransitionResult>;
  /**
   * Replaces the input of a job that has not started. Validated by the task's schema when this
   * process defines the task (a `ValidationError` writes nothing), and held to the payload limit.
   */
  updateInput(id: string, input: unknown): Promise<TransitionResult>;
  /**
   * Retries every job matching `filter` in batches (failed and cancelled jobs unless the
   * filter names states). Returns how many matched, were retried and were skipped.
   */
  retryMatching(filter: JobFilter, options?: BulkFilterOptions): Promise<BulkFilterResult>;
  /**
   * Cancels every job matching `filter` in batches (jobs not yet finished unless the filter
   * names states; a running handler's signal aborts). Their dependents are cancelled too and
   * counted as `cascaded`. Needs a filter: "everything" is not one.
   */
  cancelMatching(filter: JobFilter, options?: BulkCancelOptions): Promise<BulkCancelResult>;
  /** Removes every job matching `filter` in batches (running jobs are skipped). Needs a filter. */
  removeMatching(filter: JobFilter, options?: BulkFilterOptions): Promise<BulkFilterResult>;
}

export interface JobActionsDeps {
  backend(): Promise<Backend>;
  registry: TaskRegistry;
  payloadLimit: number;
  /** Called after jobs were queued again (the inline runner drains). */
  afterRequeue(): Promise<void>;
}

export function createJobActions(deps: JobActionsDeps): JobActionsApi {
  return {
    async setPriority(ids, priority) {
      checkPriority(priority);
      return (await deps.backend()).jobUpdate({ ids, priority });
    },
    async promote(ids) {
      const out = await (await deps.backend()).jobPromote({ ids });
      if (out.ok.length > 0) await deps.afterRequeue();
      return out;
    },
    async updateInput(id, input) {
      const backend = await deps.backend();
      const job = await backend.jobGet({ id });
      if (!job) return { ok: [], refused: [id] };
      const task = deps.registry.find(job.task);
      const value = task ? await validateInput(task, input) : input;
      const text = serializeLimited(value, deps.payloadLimit, "input");
      return backend.jobUpdate({ ids: [id], input: text });
    },
    async retryMatching(filter, options = {}) {
      const backend = await deps.backend();
      const scoped = filter.state === undefined ? { ...filter, state: RETRYABLE_STATES } : filter;
      const out = await applyToMatching(backend, scoped, options, async (ids) => {
        const r = await backend.jobRetry({ ids });
        return { done: r.ok, skipped: r.refused };
      });
      if (out.affected > 0) await deps.afterRequeue();
      return out;
    },
    async cancelMatching(filter, options = {}) {
      checkFilter(filter, "cancel");
      const { reason, ...walk } = options;
      const backend = await deps.backend();
      const scoped = filter.state === undefined ? { ...filter, state: CANCELLABLE_STATES } : filter;
      let cascaded = 0;
      const out = await applyToMatching(backend, scoped, walk, async (ids) => {
        const r = await backend.jobCancel(reason === undefined ? { ids } : { ids, reason });
        const cancelled = new Set(r.cancelled);
        const done = ids.filter((id) => cancelled.has(id));
        // The rest of r.cancelled are dependents of this batch's jobs.
        cascaded += r.cancelled.length - done.length;
        return { done, skipped: ids.filter((id) => !cancelled.has(id)) };
      });
      return { ...out, cascaded };
    },
    async removeMatching(filter, options = {}) {
      checkFilter(filter, "remove");
      const backend = await deps.backend();
      return applyToMatching(backend, filter, options, async (ids) => {
        const r = await backend.jobRemove({ ids });
        return { done: r.removed, skipped: r.skipped };
      });
    },
  };
}
