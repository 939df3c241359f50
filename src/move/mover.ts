/**
 * `moveJobs`: carries not-started jobs (with their workflows and dependencies), schedules and
 * queue states from one backend to another, batch by batch (see index.ts for the guarantees).
 *
 * Per batch: take out of circulation in the source (`jobMoveTake`), insert into the target by id
 * (`jobImport`), delete from the source (`jobMoveDelete`). A crash between any two steps leaves
 * jobs held by this mover in the source; the next run starts by finishing them (`recover`): they
 * are imported again (ids already in the target are left as they are) and then deleted.
 */
import type { Backend, WorkflowRecord } from "../backend/backend.js";
import { MOVE_BATCH_MAX, MOVE_WORKER_PREFIX } from "../backend/backend.js";
import { InvalidArgumentError } from "../core/errors/index.js";
import type { JobRecord } from "../core/types.js";
import { type BlockReason, readMany, takeBatch, workflowOf } from "./batch.js";
import { moveSettings, type SettingsReport } from "./settings.js";

/** Jobs listed (and taken) per batch unless `batch` says otherwise. */
export const MOVE_BATCH_DEFAULT = 500;
/** Full scans of the source; a scan that moves nothing ends the run earlier. */
export const MOVE_PASSES_MAX = 5;
const LIST_PAGE_MAX = 1000;

export interface MoveOptions {
  source: Backend;
  target: Backend;
  /** The mover's identity in the source (`MOVE_WORKER_PREFIX…`): a rerun with the same id resumes. */
  moverId: string;
  batch?: number;
  /** Only jobs (and schedules, queue states) of these queues. */
  queues?: readonly string[];
  onBatch?: (progress: MoveProgress) => void;
}

export interface MoveProgress {
  moved: number;
  batches: number;
  elapsedMs: number;
}

export interface MoveReport {
  /** Jobs now in the target and gone from the source (this run, recovered ones included). */
  moved: number;
  /** Of those, jobs an interrupted run had taken, finished by this one. */
  recovered: number;
  /** Finished workflow jobs copied with their workflows (included in `moved`). */
  finishedWithWorkflows: number;
  workflows: number;
  batches: number;
  /** Imported without their idempotency key: another job of the target held it (key kept in meta.spoolMove). */
  keysDropped: string[];
  /** Jobs left in the source, by reason. */
  left: Record<BlockReason, number>;
  /** Running jobs in the source when the run ended (left to finish there). */
  running: number;
  /** Jobs held by other movers (another target): left alone. */
  heldByOthers: number;
  settings: SettingsReport;
  verify: { ok: boolean; inTarget: number; stillInSource: number };
  elapsedMs: number;
  jobsPerSecond: number;
}

export function checkMoveOptions(options: { batch?: number; queues?: readonly string[] }): void {
  const batch = options.batch ?? MOVE_BATCH_DEFAULT;
  if (!Number.isInteger(batch) || batch < 1 || batch > MOVE_BATCH_MAX)
    throw new InvalidArgumentError(
      `--batch must be a whole number from 1 to ${MOVE_BATCH_MAX}, got ${batch}`,
      "batch",
    );
}

export async function moveJobs(options: MoveOptions): Promise<MoveReport> {
  checkMoveOptions(options);
  if (!options.moverId.startsWith(MOVE_WORKER_PREFIX))
    throw new InvalidArgumentError(`a mover id starts with "${MOVE_WORKER_PREFIX}"`, "moverId");
  const { source, target } = options;
  const started = Date.now();
  const mover = { workerId: options.moverId, token: options.moverId };
  const moved = new Set<string>();
  const left = new Map<BlockReason, Set<string>>();
  const report = { recovered: 0, finished: 0, workflows: 0, batches: 0, keysDropped: [] as string[] };

  /** Import into the target, then delete from the source: the second and third steps of a batch. */
  const land = async (held: JobRecord[], copies: JobRecord[], workflows: WorkflowRecord[]) => {
    // Read again now that the batch is held: the records plus what the store keeps beside them
    // (spawn policy, limits, dedupe entries). A finished copy pruned meanwhile is left out.
    const jobs = await source.jobMoveRead({ ids: [...held, ...copies].map((j) => j.id) });
    const out = await target.jobImport({ jobs, workflows });
    if (out.conflicts.length > 0) {
      const conflicts = new Set(out.conflicts);
      const rekeyed = jobs
        .filter((j) => conflicts.has(j.id))
        .map((j) => ({ ...j, key: null, meta: { ...j.meta, spoolMove: { droppedKey: j.key } } }));
      const again = await target.jobImport({ jobs: rekeyed, workflows: [] });
      if (again.conflicts.length > 0)
        throw new Error(`jobs ${again.conflicts.join(", ")} could not be imported`);
      report.keysDropped.push(...out.conflicts);
    }
    await source.jobMoveDelete({
      ids: jobs.map((j) => j.id),
      token: mover.token,
      workflows: workflows.map((w) => w.id),
    });
    for (const j of jobs) moved.add(j.id);
    report.finished += copies.length;
    report.workflows += workflows.length;
    report.batches++;
    options.onBatch?.({ moved: moved.size, batches: report.batches, elapsedMs: Date.now() - started });
  };

  const heldByOthers = await recover(source, mover.workerId, async (held, copies, workflows) => {
    report.recovered += held.length;
    await land(held, copies, workflows);
  });

  const settings = await moveSettings(source, target, options.queues);

  const batch = options.batch ?? MOVE_BATCH_DEFAULT;
  const queues: (string | undefined)[] =
    options.queues && options.queues.length > 0 ? [...options.queues] : [undefined];
  for (let pass = 0; pass < MOVE_PASSES_MAX; pass++) {
    const before = moved.size;
    left.clear();
    for (const queue of queues) {
      let cursor: string | undefined;
      do {
        const page = await source.jobList({
          state: ["waiting", "scheduled", "queued"],
          ...(queue === undefined ? {} : { queue }),
          order: "asc",
          limit: batch,
          ...(cursor === undefined ? {} : { cursor }),
        });
        cursor = page.nextCursor ?? undefined;
        if (page.jobs.length === 0) continue;
        const out = await takeBatch(source, page.jobs, mover);
        for (const [reason, ids] of out.blocked) {
          let set = left.get(reason);
          if (!set) left.set(reason, (set = new Set()));
          for (const id of ids) set.add(id);
        }
        if (out.taken.length > 0) await land(out.taken, out.copies, out.workflows);
      } while (cursor !== undefined);
    }
    if (moved.size === before) break;
  }

  const verify = await verifyMoved(source, target, [...moved]);
  const only = options.queues && options.queues.length > 0 ? new Set(options.queues) : null;
  const running = (await source.queueList())
    .filter((q) => only === null || only.has(q.name))
    .reduce((n, q) => n + q.counts.running, 0);
  const elapsedMs = Date.now() - started;
  const leftCounts = {} as Record<BlockReason, number>;
  for (const reason of [
    "workflow has running jobs",
    "linked to a running job",
    "started or finished meanwhile",
    "group too large",
  ] as const)
    leftCounts[reason] = [...(left.get(reason) ?? [])].filter((id) => !moved.has(id)).length;
  return {
    moved: moved.size,
    recovered: report.recovered,
    finishedWithWorkflows: report.finished,
    workflows: report.workflows,
    batches: report.batches,
    keysDropped: report.keysDropped,
    left: leftCounts,
    running,
    heldByOthers,
    settings,
    verify,
    elapsedMs,
    jobsPerSecond: elapsedMs > 0 ? Math.round((moved.size / elapsedMs) * 1000) : moved.size,
  };
}

/**
 * Finishes the batches an interrupted run left: jobs in the source held by this mover are
 * imported (again) and deleted, with their workflows' finished jobs and records. Returns how
 * many jobs other movers hold.
 */
async function recover(
  source: Backend,
  workerId: string,
  land: (held: JobRecord[], copies: JobRecord[], workflows: WorkflowRecord[]) => Promise<void>,
): Promise<number> {
  const held: JobRecord[] = [];
  let others = 0;
  let cursor: string | undefined;
  do {
    const page = await source.jobList({
      state: "running",
      order: "asc",
      limit: LIST_PAGE_MAX,
      ...(cursor === undefined ? {} : { cursor }),
    });
    cursor = page.nextCursor ?? undefined;
    for (const job of page.jobs) {
      if (job.workerId === workerId) held.push(job);
      else if (job.workerId?.startsWith(MOVE_WORKER_PREFIX)) others++;
    }
  } while (cursor !== undefined);
  // Jobs of one workflow were taken together; keep them together when landing them again.
  const byWorkflow = new Map<string | null, JobRecord[]>();
  for (const job of held) {
    const wf = workflowOf(job);
    byWorkflow.set(wf, [...(byWorkflow.get(wf) ?? []), job]);
  }
  let chunk: JobRecord[] = [];
  let copies: JobRecord[] = [];
  let workflows: WorkflowRecord[] = [];
  const flush = async () => {
    if (chunk.length > 0) await land(chunk, copies, workflows);
    chunk = [];
    copies = [];
    workflows = [];
  };
  for (const [wf, jobs] of byWorkflow) {
    if (wf === null) {
      for (const job of jobs) {
        if (chunk.length + copies.length >= MOVE_BATCH_MAX) await flush();
        chunk.push(job);
      }
      continue;
    }
    const record = await source.workflowGet({ id: wf });
    let finished: JobRecord[] = [];
    if (record) {
      const spec = JSON.parse(record.spec) as { jobs?: string[] };
      const members = await readMany(source, spec.jobs ?? []);
      finished = members.filter(
        (m) => m.state === "completed" || m.state === "failed" || m.state === "cancelled",
      );
    }
    if (chunk.length + copies.length + jobs.length + finished.length > MOVE_BATCH_MAX) await flush();
    chunk.push(...jobs);
    copies.push(...finished);
    if (record) workflows.push(record);
  }
  await flush();
  return others;
}

/** The counts at the end: every moved id is in the target and none is left in the source. */
async function verifyMoved(source: Backend, target: Backend, ids: string[]) {
  const inTarget = (await readMany(target, ids)).length;
  const stillInSource = (await readMany(source, ids)).length;
  return { ok: inTarget === ids.length && stillInSource === 0, inTarget, stillInSource };
}
