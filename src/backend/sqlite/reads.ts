/** SQLite backend, reading section: jobs, lists, logs, queues, workers. */
import type { JobLogLine, JobRecord } from "../../core/types.js";
import type { JobListParams, JobPage, QueueInfo, WorkerInfo } from "../backend.js";
import { decodeFlow } from "../flow-gate.js";
import { flowWaiting, type QueueFacts, type WaitGroup } from "../flow-waiting.js";
import { queueInfosFromRows } from "../queue-infos.js";
import { pageOfRows, sqlListArgs } from "../shared.js";
import { gateIo } from "./flow-claim.js";
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

export async function jobList(s: SqliteStore, params: JobListParams): Promise<JobPage> {
  const args = sqlListArgs(params);
  const desc = (params.order ?? "desc") === "desc";
  const states = args.states ? [...new Set(args.states)] : null;
  const rows = await s.read(() => {
    if (states === null || states.length === 0) {
      return (desc ? s.sql.jobListDesc : s.sql.jobListAsc).all({
        ...args,
        states: states ? "[]" : null,
      });
    }
    // Per state, the statement without the json_each OR, which walks the (state, id) index and
    // stops after one page; several states: one page each (one snapshot), merged by id. The
    // first `limit` of the merge are the first `limit` of the union, as ids are unique.
    const { states: _states, ...rest } = args;
    const stmt = desc ? s.sql.jobListStateDesc : s.sql.jobListStateAsc;
    const all = states.flatMap((state) => stmt.all({ ...rest, state }));
    if (states.length === 1) return all;
    // SQLite's order for TEXT ids is UTF-8 byte order, which JS string `<` is not beyond the BMP.
    const byId = (a: JobRow, b: JobRow) => Buffer.compare(Buffer.from(a.id), Buffer.from(b.id));
    all.sort(desc ? (a, b) => byId(b, a) : byId);
    return all.slice(0, args.limit);
  });
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
        const { list, tats } = queueInfosFromRows({
          paused: s.sql.queuePausedList.all(),
          limits: s.sql.queueLimitsList.all(),
          counts: s.sql.queueCounts.all(),
          oldest: s.sql.queueOldestQueued.all(),
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
