/** Redis backend, reading section: jobs, lists, logs, queues, workers (no transition happens). */
import type { JobLogLine, JobRecord } from "../../core/types.js";
import {
  emptyCounts,
  type FollowUpRef,
  type JobListParams,
  type JobPage,
  type QueueInfo,
  type StateCounts,
  type WorkerInfo,
} from "../backend.js";
import { noWaiting } from "../flow-waiting.js";
import { sortFollowUps } from "../follow-ups.js";
import type { QueueLimits } from "../seam/flow.js";
import { listLimit, OLDEST_SCAN } from "../shared.js";
import { redisFlowWaiting } from "./flow-waiting.js";
import { followUpFromHash } from "./job-args.js";
import { cursorAfter, walkJobs } from "./job-walk.js";
import { decodeObject } from "./records.js";
import { type RedisStore, wrap } from "./store.js";

/**
 * Ids one job-list script call examines before handing back (about 1 ms of Redis time): a
 * selective filter over many retained jobs takes several calls, and workers' scripts run
 * between them instead of waiting behind one long scan.
 */
export const LIST_SCAN_MAX = 1_000;
export const LOG_LINES_MAX = 1_000;

export async function jobGet(s: RedisStore, { id }: { id: string }): Promise<JobRecord | null> {
  try {
    return decodeObject(id, await s.redis.hgetall(s.jobKey(id)));
  } catch (err) {
    throw wrap(err, "jobGet");
  }
}

export async function jobGetMany(s: RedisStore, { ids }: { ids: readonly string[] }): Promise<JobRecord[]> {
  if (ids.length === 0) return [];
  const pipeline = s.redis.pipeline();
  for (const id of ids) pipeline.hgetall(s.jobKey(id));
  let replies: [Error | null, unknown][] | null;
  try {
    replies = await pipeline.exec();
  } catch (err) {
    throw wrap(err, "jobGetMany");
  }
  const out: JobRecord[] = [];
  ids.forEach((id, i) => {
    const [err, hash] = replies?.[i] ?? [new Error("no reply"), null];
    if (err) throw wrap(err, "jobGetMany");
    const rec = decodeObject(id, hash as Record<string, string>);
    if (rec) out.push(rec);
  });
  return out;
}

/** The parent's hash: its templates (`fut`, `fuc`) and the link to the follow-up its outcome made (`fum`). */
export async function jobFollowUps(s: RedisStore, { id }: { id: string }): Promise<FollowUpRef[] | null> {
  let f: (string | null)[];
  try {
    f = await s.redis.hmget(s.jobKey(id), "state", "fut", "fuc", "fum");
  } catch (err) {
    throw wrap(err, "jobFollowUps");
  }
  const [state, then, onFail, made] = f;
  if (!state) return null;
  const out: FollowUpRef[] = [];
  if (made) {
    const link = JSON.parse(made) as FollowUpRef;
    out.push({ outcome: link.outcome, id: link.id, task: link.task, queue: link.queue, made: true });
  }
  for (const [outcome, text] of [
    ["completed", then],
    ["failed", onFail],
  ] as const) {
    if (!text) continue;
    const tpl = followUpFromHash(text);
    out.push({ outcome, id: tpl.id, task: tpl.task, queue: tpl.queue, made: false });
  }
  return sortFollowUps(out);
}

export async function jobList(s: RedisStore, params: JobListParams): Promise<JobPage> {
  const limit = listLimit(params);
  const { found } = await walkJobs(s, "job-list", params, { scanMax: LIST_SCAN_MAX });
  const page = found.slice(0, limit);
  const nextCursor = found.length > limit ? cursorAfter(page[page.length - 1]!) : null;
  return { jobs: page, nextCursor };
}

export async function jobLogs(
  s: RedisStore,
  { id, limit }: { id: string; limit?: number },
): Promise<JobLogLine[]> {
  const n = limit ?? LOG_LINES_MAX;
  try {
    const lines = await s.redis.lrange(`${s.keyPrefix}logs:${id}`, n > 0 ? -n : 0, -1);
    return lines.map((l) => JSON.parse(l) as JobLogLine);
  } catch (err) {
    throw wrap(err, "jobLogs");
  }
}

export async function queueList(s: RedisStore): Promise<QueueInfo[]> {
  const reply = await s.run("queue-list", [OLDEST_SCAN], false);
  const out: QueueInfo[] = [];
  const tats = new Map<string, number | null>();
  for (let i = 1; i < reply.length; i += 5) {
    const counts: StateCounts = emptyCounts();
    const flat = reply[i + 3] as string[];
    for (let j = 0; j < flat.length; j += 2) {
      const state = flat[j] as keyof StateCounts;
      if (state in counts) counts[state] = Number(flat[j + 1]);
    }
    const oldest = reply[i + 2];
    out.push({
      name: reply[i] as string,
      paused: Number(reply[i + 1]) === 1,
      counts,
      oldestQueuedAt: oldest === null || oldest === undefined ? null : Number(oldest),
      limits: redisLimits(reply[i + 4] as string[]),
      ...noWaiting(),
    });
    tats.set(reply[i] as string, redisTat(reply[i + 4] as string[]));
  }
  out.sort((a, b) => a.name.localeCompare(b.name));
  // A second script: queue-list stays as it is (other work edits it); the waiting counts
  // may be a moment younger than the counts, which a listing tolerates.
  const waiting = await redisFlowWaiting(s, out, tats);
  for (const q of out) Object.assign(q, waiting.get(q.name));
  return out;
}

export async function workerList(s: RedisStore): Promise<WorkerInfo[]> {
  const reply = await s.run("worker-list", [s.time().now], false);
  const out = reply.slice(1).map((json) => JSON.parse(json as string) as WorkerInfo);
  return out.sort((a, b) => a.id.localeCompare(b.id));
}

/** The queue rate limit's `tat` from a limits:<queue> hash (HGETALL, flat). */
function redisTat(flat: readonly string[]): number | null {
  for (let j = 0; j < flat.length; j += 2) if (flat[j] === "tat") return Number(flat[j + 1]);
  return null;
}

/** Decodes a limits:<queue> hash (HGETALL, flat) into `QueueLimits` (see includes/flow.lua). */
function redisLimits(flat: readonly string[]): QueueLimits {
  const h = new Map<string, string>();
  for (let j = 0; j < flat.length; j += 2) h.set(flat[j]!, flat[j + 1]!);
  const c = h.get("c");
  const rl = h.get("rl");
  const rp = h.get("rp");
  return {
    concurrency: c === undefined ? null : Number(c),
    rateLimit:
      rl === undefined || rp === undefined
        ? null
        : { limit: Number(rl), perMs: Number(rp), burst: Number(h.get("rb") ?? 0) },
  };
}
