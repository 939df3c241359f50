/**
 * The in-process reference backend. Every method runs synchronously between two awaits,
 * so each call is atomic by construction; that makes it the executable definition of the
 * contract that the other backends are tested against.
 *
 * Limits: state lives in this process only (another process sees nothing) and is gone
 * when it exits. Use it for tests and the inline mode's twin, not for real work.
 *
 * This class only composes: the state and shared rules are in store.ts, the methods in one
 * file per section of the seam (jobs.ts, control.ts, reads.ts, maintenance.ts, plus
 * memory-workflows.ts, schedules.ts, audit.ts), forwarded by ../sectioned-backend.ts.
 */
import type { Clock } from "../../core/clock.js";
import { InvalidArgumentError } from "../../core/errors/index.js";
import type {
  Backend,
  BackendCapabilities,
  BackendEventListener,
  WorkflowEnqueueParams,
  WorkflowEnqueueResult,
} from "../backend.js";
import type {
  JobImportParams,
  JobImportResult,
  JobMoveDeleteParams,
  JobMoveDeleteResult,
  JobMoveTakeParams,
  JobMoveTakeResult,
  MovedJob,
  ScheduleImportResult,
} from "../seam/move.js";
import type { ScheduleRecord } from "../seam/schedules.js";
import { SectionedBackend } from "../sectioned-backend.js";
import { checkWorkflowEnqueue } from "../workflow-shared.js";
import { MemoryAudit } from "./audit.js";
import { decideMembers } from "./cap-members.js";
import * as control from "./control.js";
import * as flow from "./flow.js";
import * as jobActions from "./job-actions.js";
import * as jobs from "./jobs.js";
import * as maintenance from "./maintenance.js";
import * as move from "./move.js";
import * as reads from "./reads.js";
import { MemorySchedules } from "./schedules.js";
import * as spawn from "./spawn.js";
import { MemoryStore } from "./store.js";

export class MemoryBackend extends SectionedBackend<MemoryStore> implements Backend {
  readonly kind = "memory";
  readonly capabilities: BackendCapabilities = { crossProcess: false, notify: "none", push: false };

  private readonly memorySchedules: MemorySchedules;

  constructor(readonly clock: Clock) {
    const store = new MemoryStore(clock);
    const schedules = new MemorySchedules({
      now: () => clock.now(),
      emit: (events) => store.emit(events),
      insertJob: (job) => jobs.jobEnqueue(store, { jobs: [job] }),
    });
    super({
      store,
      sections: { ...jobs, ...spawn, ...control, ...flow, ...jobActions, ...reads, ...maintenance },
      workflows: store.workflows,
      audit: new MemoryAudit(() => clock.now()),
      schedules,
    });
    this.memorySchedules = schedules;
  }

  async migrate(): Promise<void> {}

  async close(): Promise<void> {
    this.store.closed = true;
    this.store.listeners.clear();
  }

  subscribe(listener: BackendEventListener): () => void {
    this.store.listeners.add(listener);
    return () => this.store.listeners.delete(listener);
  }

  // ── workflow enqueue (memory-workflows.ts) ───────────────────────────────────────────

  async workflowEnqueue(params: WorkflowEnqueueParams): Promise<WorkflowEnqueueResult> {
    checkWorkflowEnqueue(params);
    const { workflows } = this.store;
    if (workflows.has(params.workflow.id))
      throw new InvalidArgumentError(`workflow id ${params.workflow.id} already exists`, "id");
    const now = this.clock.now();
    const out = jobs.enqueueNow(this.store, params.jobs, now);
    workflows.add(
      params.workflow,
      params.jobs.map((j) => j.id),
      now,
    );
    // The strategy at the cap, once the workflow is whole (cap-members.ts).
    decideMembers(this.store, params.jobs, now);
    return out;
  }

  // ── move (move.ts, seam/move.ts) ─────────────────────────────────────────────────────

  jobMoveTake(params: JobMoveTakeParams): Promise<JobMoveTakeResult> {
    return move.jobMoveTake(this.store, params);
  }
  jobMoveRead(params: { ids: string[] }): Promise<MovedJob[]> {
    return move.jobMoveRead(this.store, params.ids);
  }
  jobImport(params: JobImportParams): Promise<JobImportResult> {
    return move.jobImport(this.store, params);
  }
  jobMoveDelete(params: JobMoveDeleteParams): Promise<JobMoveDeleteResult> {
    return move.jobMoveDelete(this.store, params);
  }
  scheduleImport({ schedule }: { schedule: ScheduleRecord }): Promise<ScheduleImportResult> {
    return this.memorySchedules.import(schedule);
  }
}
