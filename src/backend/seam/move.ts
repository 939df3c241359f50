/**
 * The Backend seam, move section: what `spool move` (src/move/) needs to carry live work from
 * one store to another without losing or doubling a job (see docs/move.md).
 *
 * A batch moves in three steps, each one atomic write:
 *
 * 1. **`jobMoveTake`** (source) takes not-started jobs out of circulation: they become `running`
 *    under the mover's worker id (`MOVE_WORKER_PREFIX…`) and lease token, with a lease that
 *    never expires (`MOVE_LEASE_UNTIL`), so no worker claims them, the rescuer never returns
 *    them, and no dependency release or workflow rule touches them. All or nothing: if any id is
 *    not `waiting`/`scheduled`/`queued`, or a not-finished parent or child of a taken job is
 *    left out of the batch (it would wait forever on a job in the other store), nothing is taken
 *    and the answer says which ids block and which relatives the batch needs.
 * 2. **`jobImport`** (target) inserts full records by id, if absent: state, runAt, priority,
 *    attempts, errors, idempotency key, meta, workflow link and timestamps stay as they were. A
 *    not-started job's state is decided by the target itself (`waiting` while a parent present
 *    in the target is unfinished, else `scheduled`/`queued` by runAt), so a job taken by a mover
 *    that crashed, whose stored state is the mover's `running`, imports as what it was.
 * 3. **`jobMoveDelete`** (source) deletes the jobs the mover holds (fenced by its token) and
 *    the finished jobs it copied (a workflow's completed parents travel with it).
 *
 * Workflow records travel in `jobImport` and leave with `jobMoveDelete`; schedules are carried
 * whole by `scheduleImport` (insert if absent, every field kept). What a store keeps beside the
 * record (a spawn waiter's policy, a job's limits, the dedupe windows naming it, its durable
 * follow-up templates) is read with `jobMoveRead` once the batch is held, and travels in
 * `MovedJob.carried`.
 */
import type { NewJobFollowUps } from "../../core/follow-ups.js";
import type { JobRecord } from "../../core/types.js";
import type { JobFlow } from "./flow.js";
import type { SpawnPolicy } from "./jobs.js";
import type { ScheduleRecord } from "./schedules.js";
import type { WorkflowRecord } from "./workflows.js";

/** Worker ids of movers start with this; `spool move` finds its own interrupted batches by it. */
export const MOVE_WORKER_PREFIX = "spool-move:";
/** The lease of a taken job: 9999-12-31, far past any lease the rescuer could find expired. */
export const MOVE_LEASE_UNTIL = 253_402_300_799_000;
/** Most jobs one take, import or delete may hold. */
export const MOVE_BATCH_MAX = 5_000;

export interface JobMoveTakeParams {
  /** Not-started jobs to take, all or none. */
  ids: string[];
  /** The mover's worker id (starts with MOVE_WORKER_PREFIX). */
  workerId: string;
  /** The lease token the taken jobs get; `jobMoveDelete` must present it. */
  token: string;
}

export interface JobMoveTakeResult {
  /** The taken jobs as they were just before the take (state included). Empty when refused. */
  taken: JobRecord[];
  /** Ids of the batch that are not `waiting`/`scheduled`/`queued` (running, finished, gone). */
  blocked: string[];
  /**
   * Not-finished parents and children of batch jobs that the batch leaves out: `id` is the
   * relative, `of` the batch job it is linked to. Add them (or drop `of`) and take again.
   */
  needs: { id: string; of: string }[];
}

/** A dedupe window's entry naming a moved job (docs/flow-control.md): key and when it was recorded. */
export interface MoveDedupe {
  key: string;
  firstAt: number;
}

/** What a store keeps of a job beside its JobRecord, carried by a move. */
export interface MoveCarried {
  /** A spawn waiter's policy for a failed or cancelled child (seam/jobs.ts); null otherwise. */
  spawnPolicy: SpawnPolicy | null;
  /** The job's own limits as enqueued (seam/flow.ts); null: none. */
  flow: JobFlow | null;
  /** Dedupe entries of the job's task that name this job (the window's key is then matched in the target). */
  dedupe: MoveDedupe[];
  /**
   * The job's durable follow-up templates not yet taken by an outcome (then / catch), written
   * back with it so its outcome in the target writes them. `jobMoveRead` always sets it (null:
   * none); absent on import means none.
   */
  followUps?: NewJobFollowUps | null;
}

/** A record as a move carries it: `carried` absent means none of those (a plain job). */
export interface MovedJob extends JobRecord {
  carried?: MoveCarried;
}

export interface JobImportParams {
  /**
   * Full records, parents before or after children (links are resolved once all are in). No
   * `running` job but those a mover holds. A dedupe entry is written when the target has none
   * for its key, or only one naming a job it does not hold.
   */
  jobs: MovedJob[];
  /** Workflow records of those jobs, inserted if absent. */
  workflows: WorkflowRecord[];
}

export interface JobImportResult {
  /** Written now. */
  inserted: string[];
  /** Already present by id (an earlier, interrupted run wrote them): left as they are. */
  existing: string[];
  /** Not written: another job of the same task holds the idempotency key in this store. */
  conflicts: string[];
}

export interface JobMoveDeleteParams {
  /** Jobs to delete: those `running` under `token`, or finished ones. Others are skipped. */
  ids: string[];
  token: string;
  /** Workflow records to delete (their jobs have moved). */
  workflows: string[];
}

export interface JobMoveDeleteResult {
  removed: string[];
  skipped: string[];
}

export interface ScheduleImportResult {
  /** False when a schedule of that name already existed (it was left as it is). */
  created: boolean;
}

/** Move operations every backend implements (see the section comment above). */
export interface MoveBackend {
  jobMoveTake(params: JobMoveTakeParams): Promise<JobMoveTakeResult>;
  /** The records of `ids` with what the store keeps beside them (`carried`); absent ids are left out. */
  jobMoveRead(params: { ids: string[] }): Promise<MovedJob[]>;
  jobImport(params: JobImportParams): Promise<JobImportResult>;
  jobMoveDelete(params: JobMoveDeleteParams): Promise<JobMoveDeleteResult>;
  scheduleImport(params: { schedule: ScheduleRecord }): Promise<ScheduleImportResult>;
}
