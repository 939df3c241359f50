/** SQLite backend, reading section: jobs, lists, logs, queues, workers. */
import type { JobLogLine, JobRecord } from "../../core/types.js";
import {
  emptyCounts,
  type JobListParams,
  type JobPage,
  type QueueInfo,
  type WorkerInfo,
} from "../backend.js";
import { noLimits } from "../seam/flow.js";
import { pageOfRows, sqlListArgs } from "../shared.js";
import { rowLimits } from "./flow.js";
import { toRecord, toWorker } from "./rows.js";
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
  const stmt = (params.order ?? "desc") === "desc" ? s.sql.jobListDesc : s.sql.jobListAsc;
  const rows = await s.read(() =>
    stmt.all({ ...args, states: args.states ? JSON.stringify(args.states) : null }),
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
  // Three reads in one read transaction, so counts and flags agree.
  return s.read(() =>
    s.db
      .transaction(() => {
        const byName = new Map<string, QueueInfo>();
        const get = (name: string) => {
          let q = byName.get(name);
          if (!q)
            byName.set(
              name,
              (q = { name, paused: false, counts: emptyCounts(), oldestQueuedAt: null, limits: noLimits() }),
            );
          return q;
        };
        for (const { name } of s.sql.queuePausedList.all()) get(name).paused = true;
        for (const row of s.sql.queueLimitsList.all()) get(row.name).limits = rowLimits(row);
        for (const { queue, state, n } of s.sql.queueCounts.all()) get(queue).counts[state] += n;
        for (const { queue, oldest } of s.sql.queueOldestQueued.all()) get(queue).oldestQueuedAt = oldest;
        return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
      })
      .deferred(),
  );
}

export async function workerList(s: SqliteStore): Promise<WorkerInfo[]> {
  const { now } = s.time();
  const rows = await s.read(() => s.sql.workerList.all({ now }));
  return rows.map(toWorker).sort((a, b) => a.id.localeCompare(b.id));
}
