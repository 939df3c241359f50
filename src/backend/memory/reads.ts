/** Memory backend, reading section: jobs, lists, logs, queues. */
import type { JobLogLine, JobRecord } from "../../core/types.js";
import type { FollowUpRef, JobListParams, JobPage, QueueInfo } from "../backend.js";
import { encodeFlow } from "../flow-gate.js";
import { flowWaiting, type QueueFacts, type WaitGroup } from "../flow-waiting.js";
import { sortFollowUps } from "../follow-ups.js";
import { QueueInfos } from "../queue-infos.js";
import { jobMatchesSearch, normalizeSearch } from "../search.js";
import { decodeCursor, encodeCursor, listLimit, listStates } from "../shared.js";
import { limitsOf } from "./flow.js";
import { gateIo } from "./flow-claim.js";
import { LOG_LINES_MAX, type MemoryStore, type StoredJob } from "./store.js";

export async function jobGet(s: MemoryStore, { id }: { id: string }): Promise<JobRecord | null> {
  const job = s.jobs.get(id);
  return job ? s.snapshot(job) : null;
}

export async function jobGetMany(s: MemoryStore, { ids }: { ids: readonly string[] }): Promise<JobRecord[]> {
  const out: JobRecord[] = [];
  for (const id of ids) {
    const job = s.jobs.get(id);
    if (job) out.push(s.snapshot(job));
  }
  return out;
}

export async function jobFollowUps(s: MemoryStore, { id }: { id: string }): Promise<FollowUpRef[] | null> {
  const job = s.jobs.get(id);
  if (!job) return null;
  const out: FollowUpRef[] = job.followUpMade ? [{ ...job.followUpMade }] : [];
  for (const outcome of ["completed", "failed"] as const) {
    const tpl = job.followUps?.[outcome];
    if (tpl) out.push({ outcome, id: tpl.id, task: tpl.task, queue: tpl.queue, made: false });
  }
  return sortFollowUps(out);
}

export async function jobList(s: MemoryStore, params: JobListParams): Promise<JobPage> {
  const limit = listLimit(params);
  const states = listStates(params);
  const after = decodeCursor(params.cursor);
  const desc = (params.order ?? "desc") === "desc";
  const search = params.search === undefined ? undefined : normalizeSearch(params.search);
  const matches: StoredJob[] = [];
  for (const job of s.jobs.values()) {
    if (params.queue !== undefined && job.queue !== params.queue) continue;
    if (states && !states.includes(job.state)) continue;
    if (params.task !== undefined && job.task !== params.task) continue;
    if (params.key !== undefined && job.key !== params.key) continue;
    if (params.createdAfter !== undefined && job.createdAt < params.createdAfter) continue;
    if (params.createdBefore !== undefined && job.createdAt >= params.createdBefore) continue;
    if (after !== null && (desc ? job.id >= after : job.id <= after)) continue;
    if (search !== undefined && !jobMatchesSearch(job, search)) continue;
    matches.push(job);
  }
  matches.sort((a, b) => (a.id < b.id ? (desc ? 1 : -1) : desc ? -1 : 1));
  const page = matches.slice(0, limit);
  const nextCursor = matches.length > limit ? encodeCursor(page[page.length - 1]!.id) : null;
  return { jobs: page.map((j) => s.snapshot(j)), nextCursor };
}

export async function jobLogs(
  s: MemoryStore,
  { id, limit }: { id: string; limit?: number },
): Promise<JobLogLine[]> {
  const list = s.logs.get(id) ?? [];
  return list.slice(-(limit ?? LOG_LINES_MAX)).map((l) => ({ ...l }));
}

export async function queueList(s: MemoryStore): Promise<QueueInfo[]> {
  const infos = new QueueInfos();
  for (const name of s.paused) infos.get(name).paused = true;
  for (const name of s.limits.keys()) infos.get(name).limits = limitsOf(s, name);
  for (const job of s.jobs.values()) {
    const q = infos.get(job.queue);
    q.counts[job.state]++;
    if (job.state === "queued" && (q.oldestQueuedAt === null || job.createdAt < q.oldestQueuedAt))
      q.oldestQueuedAt = job.createdAt;
  }
  const list = infos.sorted();
  const waiting = flowWaiting(waitFacts(s, list), gateIo(s), s.clock.now());
  for (const q of list) Object.assign(q, waiting.get(q.name));
  return list;
}

/** The facts flow-waiting.ts needs, per queue: queued jobs by task and limits, running, rate state, hold. */
function waitFacts(s: MemoryStore, list: readonly QueueInfo[]): QueueFacts[] {
  const groups = new Map<string, Map<string, WaitGroup>>();
  for (const job of s.jobs.values()) {
    if (job.state !== "queued") continue;
    let byGroup = groups.get(job.queue);
    if (!byGroup) groups.set(job.queue, (byGroup = new Map()));
    const id =
      job.flow === null
        ? `${job.task}\u001f`
        : `${job.task}\u001f${job.flow.key}\u001f${encodeFlow(job.flow)}`;
    const g = byGroup.get(id);
    if (g) g.queued++;
    else byGroup.set(id, { task: job.task, flow: job.flow, queued: 1 });
  }
  return list.map((q) => ({
    queue: q.name,
    queued: q.counts.queued,
    limits: q.limits,
    running: q.counts.running,
    tat: s.limits.get(q.name)?.tat ?? null,
    hold: s.holds.get(q.name) ?? null,
    groups: [...(groups.get(q.name)?.values() ?? [])],
  }));
}
