/**
 * Workflow records for the memory backend. The backend calls in from inside its own
 * (synchronous, hence atomic) transitions: `add` from workflowEnqueue, `onJobFailed` from the
 * fail and rescue paths (failFast), `settle` and `retains` from retentionPrune.
 */
import type {
  BackendEvent,
  NewWorkflow,
  WorkflowListParams,
  WorkflowPage,
  WorkflowRecord,
} from "../backend.js";
import { decodeCursor, encodeCursor, listLimit } from "../shared.js";
import { countsFrom, failFastReason, isSettled, workflowStateOf } from "../workflow-shared.js";

export interface MemoryWorkflowHost {
  stateOf(jobId: string): string | undefined;
  /** Cancels the job if it has not started (waiting, scheduled, queued), with its dependents. */
  cancelNotStarted(jobId: string, now: number, reason: string, events: BackendEvent[]): void;
}

interface Stored {
  workflow: NewWorkflow;
  jobIds: string[];
  createdAt: number;
  /** Frozen once every job was final and retention settled it. */
  settled: WorkflowRecord | null;
}

export class MemoryWorkflows {
  private readonly records = new Map<string, Stored>();
  private readonly ofJob = new Map<string, string>();

  constructor(private readonly host: MemoryWorkflowHost) {}

  has(id: string): boolean {
    return this.records.has(id);
  }

  add(workflow: NewWorkflow, jobIds: string[], now: number): void {
    this.records.set(workflow.id, { workflow: { ...workflow }, jobIds, createdAt: now, settled: null });
    for (const id of jobIds) this.ofJob.set(id, workflow.id);
  }

  /** Spawned children join their parent's workflow (if it has one). */
  extend(parentId: string, childIds: readonly string[]): void {
    const wfId = this.ofJob.get(parentId);
    const wf = wfId === undefined ? undefined : this.records.get(wfId);
    if (!wf || wf.settled) return;
    wf.jobIds.push(...childIds);
    for (const id of childIds) this.ofJob.set(id, wf.workflow.id);
  }

  /** failFast: the job ended `failed`; cancel every not-started job of its workflow. */
  onJobFailed(jobId: string, now: number, events: BackendEvent[]): void {
    const wf = this.records.get(this.ofJob.get(jobId) ?? "");
    if (wf?.workflow.policy !== "failFast") return;
    const reason = failFastReason(jobId);
    for (const id of wf.jobIds) this.host.cancelNotStarted(id, now, reason, events);
  }

  get(id: string): WorkflowRecord | null {
    const wf = this.records.get(id);
    return wf ? this.record(wf) : null;
  }

  list(params: WorkflowListParams): WorkflowPage {
    const limit = listLimit(params);
    const after = decodeCursor(params.cursor);
    const desc = (params.order ?? "desc") === "desc";
    const ids = [...this.records.keys()]
      .filter((id) => after === null || (desc ? id < after : id > after))
      .sort((a, b) => (a < b ? (desc ? 1 : -1) : desc ? -1 : 1));
    const page = ids.slice(0, limit);
    return {
      workflows: page.map((id) => this.record(this.records.get(id)!)),
      nextCursor: ids.length > limit ? encodeCursor(page[page.length - 1]!) : null,
    };
  }

  /** Freezes the records of running workflows whose jobs are all final. */
  settle(now: number): void {
    for (const wf of this.records.values()) {
      if (wf.settled) continue;
      const record = this.record(wf);
      if (isSettled(record.counts)) wf.settled = { ...record, finishedAt: now };
    }
  }

  /** True while the job belongs to a workflow that is not settled: retention must keep it. */
  retains(jobId: string): boolean {
    const wf = this.records.get(this.ofJob.get(jobId) ?? "");
    return wf !== undefined && wf.settled === null;
  }

  /**
   * A moved-in workflow (jobImport): its record if absent, and these jobs as members. Counts are
   * read live from the jobs while it runs; a record that arrives settled stays frozen.
   */
  importRecord(record: WorkflowRecord, jobIds: readonly string[]): void {
    let wf = this.records.get(record.id);
    if (!wf) {
      const { id, name, policy, spec } = record;
      wf = {
        workflow: { id, name, policy, spec },
        jobIds: [],
        createdAt: record.createdAt,
        settled: record.state === "running" ? null : { ...record, counts: { ...record.counts } },
      };
      this.records.set(record.id, wf);
    }
    for (const id of jobIds) {
      if (this.ofJob.get(id) === record.id) continue;
      wf.jobIds.push(id);
      this.ofJob.set(id, record.id);
    }
  }

  /** Deletes a moved-out workflow record (its jobs have left this store). */
  drop(id: string): boolean {
    const wf = this.records.get(id);
    if (!wf) return false;
    for (const jobId of wf.jobIds) if (this.ofJob.get(jobId) === id) this.ofJob.delete(jobId);
    this.records.delete(id);
    return true;
  }

  forget(jobId: string): void {
    this.ofJob.delete(jobId);
  }

  private record(wf: Stored): WorkflowRecord {
    if (wf.settled) return { ...wf.settled, counts: { ...wf.settled.counts } };
    const states: string[] = [];
    for (const id of wf.jobIds) {
      const state = this.host.stateOf(id);
      if (state !== undefined) states.push(state);
    }
    const counts = countsFrom(states);
    const { id, name, policy, spec } = wf.workflow;
    return {
      id,
      name,
      policy,
      spec,
      state: workflowStateOf(policy, counts),
      total: wf.jobIds.length,
      counts,
      createdAt: wf.createdAt,
      finishedAt: null,
    };
  }
}
