/**
 * Checks and rules of the move operations (seam/move.ts) that every backend applies the same
 * way: argument checks before any write, and how an imported job's state is decided.
 */
import { InvalidArgumentError } from "../core/errors/index.js";
import type { FollowUpJob, NewJobFollowUps } from "../core/follow-ups.js";
import { FINAL_STATES, type JobRecord, type JobState } from "../core/types.js";
import { decodeFlow, encodeFlow } from "./flow-gate.js";
import type { SpawnPolicy } from "./seam/jobs.js";
import {
  type JobImportParams,
  type JobMoveDeleteParams,
  type JobMoveTakeParams,
  MOVE_BATCH_MAX,
  MOVE_WORKER_PREFIX,
  type MoveCarried,
  type MoveDedupe,
  type MovedJob,
} from "./seam/move.js";
import type { ScheduleRecord } from "./seam/schedules.js";
import type { WorkflowRecord } from "./seam/workflows.js";
import { stateAtInsert } from "./shared.js";
import { NOT_STARTED_STATES } from "./workflow-shared.js";

/** A job a move may take: waiting, scheduled or queued. */
export const notStarted = (state: JobState | undefined): boolean =>
  state !== undefined && (NOT_STARTED_STATES as readonly string[]).includes(state);
/** A job present and not final: a relative a batch may not leave behind. */
export const unfinished = (state: JobState | undefined): boolean =>
  state !== undefined && !FINAL_STATES.has(state);

/** A link from a job of a take's batch (`of`) to a relative of it (`id`: a parent or a child). */
export interface MoveLink {
  id: string;
  of: string;
}

/**
 * The take's rule, the same on every store (each reads the states and links its own way, in the
 * take's own transaction): ids that are gone or already started block the batch; otherwise each
 * relative outside the batch that is not final yet must come along (it is `needs`), since the
 * moved job would lose its link to it. Both empty: the batch may be taken.
 */
export function moveTakeBlocked(
  ids: readonly string[],
  stateOf: (id: string) => JobState | undefined,
): string[] {
  return ids.filter((id) => !notStarted(stateOf(id)));
}

export function moveTakeNeeds(
  ids: readonly string[],
  links: Iterable<MoveLink>,
  stateOf: (id: string) => JobState | undefined,
): MoveLink[] {
  const batch = new Set(ids);
  const needs: MoveLink[] = [];
  for (const link of links) if (!batch.has(link.id) && unfinished(stateOf(link.id))) needs.push(link);
  return needs;
}

function checkIds(ids: unknown, field: string): void {
  if (!Array.isArray(ids) || ids.some((id) => typeof id !== "string" || id === ""))
    throw new InvalidArgumentError(`${field} must be an array of job ids`, field);
  if (ids.length > MOVE_BATCH_MAX)
    throw new InvalidArgumentError(
      `a move batch holds at most ${MOVE_BATCH_MAX} jobs, got ${ids.length}`,
      field,
    );
}

export function checkMoveTake(params: JobMoveTakeParams): void {
  checkIds(params.ids, "ids");
  if (typeof params.workerId !== "string" || !params.workerId.startsWith(MOVE_WORKER_PREFIX))
    throw new InvalidArgumentError(`a mover's worker id starts with "${MOVE_WORKER_PREFIX}"`, "workerId");
  if (typeof params.token !== "string" || params.token === "")
    throw new InvalidArgumentError("token is empty", "token");
}

export function checkMoveDelete(params: JobMoveDeleteParams): void {
  checkIds(params.ids, "ids");
  if (typeof params.token !== "string" || params.token === "")
    throw new InvalidArgumentError("token is empty", "token");
  if (!Array.isArray(params.workflows))
    throw new InvalidArgumentError("workflows must be an array", "workflows");
}

export function checkImport(params: JobImportParams): void {
  if (!Array.isArray(params.jobs) || !Array.isArray(params.workflows))
    throw new InvalidArgumentError("jobImport needs jobs and workflows arrays", "jobs");
  if (params.jobs.length > MOVE_BATCH_MAX)
    throw new InvalidArgumentError(
      `a move batch holds at most ${MOVE_BATCH_MAX} jobs, got ${params.jobs.length}`,
      "jobs",
    );
  const seen = new Set<string>();
  const dedupeKeys = new Set<string>();
  for (const job of params.jobs) {
    if (typeof job.id !== "string" || job.id === "")
      throw new InvalidArgumentError("a job id is empty", "id");
    if (seen.has(job.id)) throw new InvalidArgumentError(`job ${job.id} is twice in the batch`, "id");
    seen.add(job.id);
    if (job.state === "running" && !isTaken(job))
      throw new InvalidArgumentError(`job ${job.id} is running: running jobs are not moved`, "state");
    if (job.carried !== undefined) checkCarried(job, job.carried, dedupeKeys);
  }
}

/** `keys`: the batch's dedupe keys so far (task NUL key); a key names one job at most. */
function checkCarried(job: JobRecord, c: MoveCarried, keys: Set<string>): void {
  const id = job.id;
  if (c.spawnPolicy !== null && c.spawnPolicy !== "fail" && c.spawnPolicy !== "continue")
    throw new InvalidArgumentError(
      `job ${id}: spawnPolicy must be "fail", "continue" or null`,
      "spawnPolicy",
    );
  if (c.flow !== null && (typeof c.flow !== "object" || typeof c.flow.key !== "string"))
    throw new InvalidArgumentError(`job ${id}: flow must be a JobFlow or null`, "flow");
  if (!Array.isArray(c.dedupe))
    throw new InvalidArgumentError(`job ${id}: dedupe must be an array`, "dedupe");
  if (c.followUps != null) checkFollowUps(id, c.followUps);
  for (const d of c.dedupe) {
    const k = `${job.task}\0${d.key}`;
    if (typeof d.key !== "string" || d.key === "" || !Number.isFinite(d.firstAt) || keys.has(k))
      throw new InvalidArgumentError(
        `job ${id}: a dedupe entry needs a key no other entry of the batch has, and a firstAt`,
        "dedupe",
      );
    keys.add(k);
  }
}

const FOLLOW_UP_OUTCOMES: ReadonlySet<string> = new Set(["completed", "failed"]);
const isInt = (v: unknown) => typeof v === "number" && Number.isSafeInteger(v);
const isMs = (v: unknown) => v === null || (isInt(v) && (v as number) >= 0);

/** A carried `followUps`: templates as backend/follow-ups.ts `followUpJob` turns them into jobs. */
function checkFollowUps(id: string, f: NewJobFollowUps): void {
  const bad = (why: string) => new InvalidArgumentError(`job ${id}: followUps ${why}`, "followUps");
  if (typeof f !== "object" || Array.isArray(f)) throw bad("must be an object or null");
  for (const [outcome, t] of Object.entries(f)) {
    if (!FOLLOW_UP_OUTCOMES.has(outcome)) throw bad(`has an unknown outcome "${outcome}"`);
    if (t === undefined) continue;
    const ok =
      typeof t === "object" &&
      t !== null &&
      typeof t.id === "string" &&
      t.id !== "" &&
      t.id !== id &&
      typeof t.task === "string" &&
      t.task !== "" &&
      typeof t.queue === "string" &&
      t.queue !== "" &&
      (t.input === null || typeof t.input === "string") &&
      isInt(t.priority) &&
      isInt(t.maxAttempts) &&
      t.maxAttempts >= 1 &&
      typeof t.meta === "string" &&
      isMs(t.leaseMs) &&
      isMs(t.timeoutMs) &&
      (t.flow === null ||
        t.flow === undefined ||
        (typeof t.flow === "object" && typeof t.flow.key === "string"));
    if (!ok) throw bad(`.${outcome} is not a follow-up template`);
    try {
      JSON.parse(t.meta);
    } catch {
      throw bad(`.${outcome}.meta is not JSON`);
    }
  }
}

/** True for a job a mover holds (taken out of circulation by `jobMoveTake`). */
export function isTaken(job: Pick<JobRecord, "state" | "workerId">): boolean {
  return job.state === "running" && job.workerId !== null && job.workerId.startsWith(MOVE_WORKER_PREFIX);
}

/** True when the import keeps the job's state as stored (finished jobs); others are re-decided. */
export function keepsState(state: JobState): boolean {
  return FINAL_STATES.has(state);
}

/**
 * The state a not-started imported job gets in the target, from its parents there: cancelled
 * if one ended failed or cancelled, waiting while one is unfinished, else by runAt. A spawn
 * waiter (`spawnPolicy` set; its children are among its parents) is never cancelled by a child:
 * under "fail" a failed or cancelled child releases it at once, under "continue" it counts as done.
 */
export function importedState(
  parentStates: readonly (JobState | undefined)[],
  runAt: number,
  now: number,
  spawnPolicy: SpawnPolicy | null = null,
) {
  let pending = 0;
  let doomed = false;
  let released = false;
  for (const state of parentStates) {
    if (state === undefined || state === "completed") continue;
    if (state === "failed" || state === "cancelled") {
      if (spawnPolicy === null) doomed = true;
      else if (spawnPolicy === "fail") released = true;
    } else pending++;
  }
  if (released) pending = 0;
  return { state: stateAtInsert(doomed, pending, runAt, now), pending };
}

/**
 * How a moved-in not-started job is placed once the batch is in, from its parents' states in
 * the target (in `dependsOn` order): its state and pending count, and the parents it links to
 * as a child (the unfinished ones).
 */
export function placeImported(
  job: Pick<JobRecord, "dependsOn" | "runAt">,
  spawnPolicy: SpawnPolicy | null,
  parentStates: readonly (JobState | undefined)[],
  now: number,
) {
  const { state, pending } = importedState(parentStates, job.runAt, now, spawnPolicy);
  const linkTo = job.dependsOn.filter((_d, i) => unfinished(parentStates[i]));
  return { state, pending, linkTo };
}

/**
 * A moved job's columns as the SQL stores insert them (move-insert.sql on SQLite and
 * PostgreSQL; `depends_on` as an array, SQLite stores it as JSON). Not-started jobs are written
 * `waiting` with no worker, and placed by `placeImported` once the batch is in.
 */
export function moveInsertColumns(job: MovedJob) {
  const keep = keepsState(job.state);
  const flow = job.carried?.flow ?? null;
  return {
    id: job.id,
    task: job.task,
    queue: job.queue,
    state: keep ? job.state : "waiting",
    priority: job.priority,
    run_at: job.runAt,
    attempt: job.attempt,
    max_attempts: job.maxAttempts,
    input: job.input,
    result: job.result,
    errors: JSON.stringify(job.errors),
    progress: job.progress === null ? null : JSON.stringify(job.progress),
    key: job.key,
    meta: JSON.stringify(job.meta),
    depends_on: job.dependsOn,
    pending_dependencies: job.pendingDependencies,
    lease_ms: job.leaseMs,
    timeout_ms: job.timeoutMs,
    worker_id: keep ? job.workerId : null,
    lease_expires_at: null,
    created_at: job.createdAt,
    started_at: job.startedAt,
    finished_at: keep ? job.finishedAt : null,
    updated_at: job.updatedAt,
    workflow_id: workflowIdOf(job),
    spawn_policy: job.carried?.spawnPolicy ?? null,
    flow_key: flow === null ? null : flow.key,
    flow: flow === null ? null : encodeFlow(flow),
  };
}

/** A moved workflow record's columns (workflow-import.sql on SQLite and PostgreSQL). */
export function workflowImportColumns(wf: WorkflowRecord) {
  return {
    id: wf.id,
    name: wf.name,
    policy: wf.policy,
    state: wf.state,
    spec: wf.spec,
    total: wf.total,
    counts: wf.state === "running" ? null : JSON.stringify(wf.counts),
    created_at: wf.createdAt,
    finished_at: wf.finishedAt,
  };
}

/** A moved schedule's columns (schedule-import.sql on SQLite and PostgreSQL). */
export function scheduleImportColumns(schedule: ScheduleRecord) {
  return {
    name: schedule.name,
    spec: schedule.spec,
    trigger_key: schedule.triggerKey,
    anchor_at: schedule.anchorAt,
    next_fire_at: schedule.nextFireAt,
    last_fire_at: schedule.lastFireAt,
    last_job_id: schedule.lastJobId,
    runs: schedule.runs,
    paused: schedule.paused,
    created_at: schedule.createdAt,
    updated_at: schedule.updatedAt,
  };
}

/** The workflow a job belongs to (`meta.workflow.id`, written by src/workflow/compile.ts), or null. */
export function workflowIdOf(job: Pick<JobRecord, "meta">): string | null {
  const wf = job.meta.workflow as { id?: unknown } | undefined;
  return wf && typeof wf === "object" && typeof wf.id === "string" ? wf.id : null;
}

/**
 * What the stores read for `jobMoveRead`: the job row's extra columns, its dedupe entries and
 * its follow-up templates.
 */
export function carriedOf(
  row: { spawn_policy?: string | null; flow_key?: string | null; flow?: string | null },
  dedupe: readonly MoveDedupe[] = [],
  followUps: NewJobFollowUps | null = null,
): MoveCarried {
  return {
    spawnPolicy: (row.spawn_policy ?? null) as SpawnPolicy | null,
    flow: row.flow_key == null || row.flow == null ? null : decodeFlow(row.flow_key, row.flow),
    dedupe: [...dedupe],
    followUps,
  };
}

/** Follow-up template rows (parent_id, outcome, job JSON: SQLite and PostgreSQL), grouped by parent. */
export function followUpsByJob(
  rows: readonly { parent_id: string; outcome: string; job: string }[],
): Map<string, NewJobFollowUps> {
  const out = new Map<string, NewJobFollowUps>();
  for (const r of rows) {
    // Only templates move; the "made" link (follow-ups.ts MADE_ROW) stays with the store that made it.
    if (r.outcome !== "completed" && r.outcome !== "failed") continue;
    let f = out.get(r.parent_id);
    if (!f) out.set(r.parent_id, (f = {}));
    f[r.outcome] = JSON.parse(r.job) as FollowUpJob;
  }
  return out;
}

/** The templates a moved job brings to store (a then or a catch), or null. */
export function carriedFollowUps(carried: MoveCarried | undefined): NewJobFollowUps | null {
  const f = carried?.followUps;
  return f != null && (f.completed !== undefined || f.failed !== undefined) ? f : null;
}

/** Dedupe entries as read from a store (job_id, key, first_at), grouped by the job they name. */
export function dedupeByJob(
  rows: readonly { job_id: string; key: string; first_at: number | string }[],
): Map<string, MoveDedupe[]> {
  const out = new Map<string, MoveDedupe[]>();
  for (const r of rows) {
    let list = out.get(r.job_id);
    if (!list) out.set(r.job_id, (list = []));
    list.push({ key: r.key, firstAt: Number(r.first_at) });
  }
  return out;
}
