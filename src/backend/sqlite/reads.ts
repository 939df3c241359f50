/** SQLite backend, reading section: jobs, lists, logs, queues, workers. */
import type { JobLogLine, JobRecord } from "../../core/types.js";
import type { FollowUpRef, JobListParams, JobPage, QueueInfo, WorkerInfo } from "../backend.js";
import { decodeFlow } from "../flow-gate.js";
import { flowWaiting, type QueueFacts, type WaitGroup } from "../flow-waiting.js";
import { followUpRefs } from "../follow-ups.js";
import { queueInfosFromRows } from "../queue-infos.js";
import { OLDEST_SCAN, pageOfRows, sqlListArgs } from "../shared.js";
import { gateIo } from "./flow-claim.js";
import { mergeStates } from "./merge.js";
import { type JobRow, toRecord, toWorker } from "./rows.js";
import { LOG_LINES_MAX, type SqliteStore } from "./store.js";

export async function jobGet(s: SqliteStore, { id }: { id: string }): Promise<JobRecord | null> {
  const row = await s.read(() => s.sql.jobGet.get({ id }));
  return row ? toRecord(row) : null;
}

export async function jobGetMany(s: SqliteStore, { ids }: { ids: readonly string[] }): Promise<JobRecord[]> {
  if (ids.length === 0) return [];
  const rows = await s.read(() => s.sql.jobGetMany.all({ ids: JSON.stringify(ids) }));
  const byId = new Map(rows.map((r) => [r.id, r]));
  const out: JobRecord[] = [];
  for (const id of ids) {
    const row = byId.get(id);
    if (row) out.push(toRecord(row));
  }
  return out;
}

/** The job's follow-up rows by primary key (follow-up-list.sql); null: no such job. */
export async function jobFollowUps(s: SqliteStore, { id }: { id: string }): Promise<FollowUpRef[] | null> {
  const rows = await s.read(() => s.sql.followUpList.all({ id }));
  if (rows.length === 0) return null;
  return followUpRefs(
    rows.flatMap((r) => (r.outcome !== null && r.job !== null ? [{ outcome: r.outcome, job: r.job }] : [])),
  );
}

/**
 * Most jobs a created-time range reads from spool_jobs_created to bound its walk (index-only,
 * a few ms at most); a range holding more is a large share of the store, walked as if unbounded.
 */
export const RANGE_PROBE_MAX = 50_000;

/**
 * A page of jobs. Each filter that can drive the walk has a statement whose WHERE names it with
 * no `:x IS NULL OR` around it (that OR keeps the planner off every index): a created-time range
 * holding few jobs bounds the primary-key walk to their ids, else one state (or each of several,
 * merged) walks (state, id), else a task walks (task, id), else a queue walks (queue, id), else
 * every job in id order. Every
 * statement still checks every filter, so the choice costs time, never a wrong row.
 */
export async function jobList(s: SqliteStore, params: JobListParams): Promise<JobPage> {
  const args = sqlListArgs(params);
  const desc = (params.order ?? "desc") === "desc";
  const states = args.states ? [...new Set(args.states)] : null;
  // With no cursor, a bound past every id (ids are [0-9a-zA-Z-], all between "" and "~"): the
  // statements' `id < :after` / `id > :after` is then always a seek on the index they walk.
  const { states: _states, ...rest } = { ...args, after: args.after ?? (desc ? "~" : "") };
  const ranged = args.created_after !== null || args.created_before !== null;
  // One read transaction: the range probe and the walk it bounds (or the per-state pages
  // merged) see one snapshot.
  const rows = await s.read(() =>
    s.db
      .transaction((): JobRow[] => {
        if (states !== null && states.length === 0) return [];
        if (ranged) {
          const probe = s.sql.jobListRangeProbe.get({ ...args, cap: RANGE_PROBE_MAX });
          if (!probe || probe.n === 0) return [];
          if (probe.n < RANGE_PROBE_MAX && probe.lo !== null && probe.hi !== null)
            return (desc ? s.sql.jobListSpanDesc : s.sql.jobListSpanAsc).all({
              ...rest,
              states: states ? JSON.stringify(states) : null,
              lo: probe.lo,
              hi: probe.hi,
            });
        }
        if (states !== null) {
          const stmt = desc ? s.sql.jobListStateDesc : s.sql.jobListStateAsc;
          return mergeStates(states, desc, args.limit, (state) => stmt.all({ ...rest, state }));
        }
        const task = args.task;
        if (task !== null)
          return (desc ? s.sql.jobListTaskDesc : s.sql.jobListTaskAsc).all({ ...rest, task });
        const queue = args.queue;
        if (queue !== null) {
          const { task: _t, ...byQueue } = rest;
          return (desc ? s.sql.jobListQueueDesc : s.sql.jobListQueueAsc).all({ ...byQueue, queue });
        }
        return (desc ? s.sql.jobListDesc : s.sql.jobListAsc).all({ ...rest, states: null });
      })
      .deferred(),
  );
  return pageOfRows(rows, args.limit - 1, toRecord);
}

export async function jobLogs(
  s: SqliteStore,
  { id, limit }: { id: string; limit?: number },
): Promise<JobLogLine[]> {
  const n = limit !== undefined && limit > 0 ? Math.min(limit, LOG_LINES_MAX) : LOG_LINES_MAX;
  const rows = await s.read(() => s.sql.jobLogs.all({ job_id: id, limit: n }));
  return rows.reverse().map((r) => ({
    at: r.at,
    level: r.level as JobLogLine["level"],
    message: r.message,
    attempt: r.attempt,
  }));
}

export async function queueList(s: SqliteStore): Promise<QueueInfo[]> {
  const { now } = s.time();
  // The reads in one read transaction, so counts, flags and waiting counts agree.
  return s.read(() =>
    s.db
      .transaction(() => {
        const counts = s.sql.queueCounts.all();
        // Only the queues that have queued jobs are probed for the oldest one.
        const queues = counts.filter((c) => c.state === "queued").map((c) => c.queue);
        const { list, tats } = queueInfosFromRows({
          paused: s.sql.queuePausedList.all(),
          limits: s.sql.queueLimitsList.all(),
          counts,
          oldest: queues.length
            ? s.sql.queueOldestQueued.all({ queues: JSON.stringify(queues), depth: OLDEST_SCAN })
            : [],
        });
        const waiting = flowWaiting(waitFacts(s, list, tats, now), gateIo(s), now);
        for (const q of list) Object.assign(q, waiting.get(q.name));
        return list;
      })
      .deferred(),
  );
}

/** The facts flow-waiting.ts needs, per queue (inside queueList's read transaction). */
function waitFacts(
  s: SqliteStore,
  list: readonly QueueInfo[],
  tats: ReadonlyMap<string, number | null>,
  now: number,
): QueueFacts[] {
  const groups = new Map<string, WaitGroup[]>();
  const add = (queue: string, g: WaitGroup) => {
    const of = groups.get(queue);
    if (of) of.push(g);
    else groups.set(queue, [g]);
  };
  for (const r of s.sql.flowWaiting.all())
    add(r.queue, { task: r.task, flow: decodeFlow(r.flow_key, r.flow), queued: r.n });
  for (const r of s.sql.flowWaitingHeld.all({ now })) add(r.queue, { task: r.task, flow: null, queued: r.n });
  return list.map((q) => ({
    queue: q.name,
    queued: q.counts.queued,
    limits: q.limits,
    running: q.counts.running,
    tat: tats.get(q.name) ?? null,
    hold: s.sql.queueHoldGet.get({ queue: q.name })?.until ?? null,
    groups: groups.get(q.name) ?? [],
  }));
}

export async function workerList(s: SqliteStore): Promise<WorkerInfo[]> {
  const { now } = s.time();
  const rows = await s.read(() => s.sql.workerList.all({ now }));
  return rows.map(toWorker).sort((a, b) => a.id.localeCompare(b.id));
}
