/**
 * Redis backend, move section (seam/move.ts): one Lua script per call (move-take.lua,
 * move-import.lua, move-delete.lua, schedule-import.lua), so each is atomic on the server.
 */
import type { NewJobFollowUps } from "../../core/follow-ups.js";
import type { JobRecord } from "../../core/types.js";
import type { ScheduleRecord } from "../backend.js";
import { encodeFlow } from "../flow-gate.js";
import {
  carriedFollowUps,
  carriedOf,
  checkImport,
  checkMoveDelete,
  checkMoveTake,
  keepsState,
  workflowIdOf,
} from "../move-shared.js";
import {
  type JobImportParams,
  type JobImportResult,
  type JobMoveDeleteParams,
  type JobMoveDeleteResult,
  type JobMoveTakeParams,
  type JobMoveTakeResult,
  MOVE_LEASE_UNTIL,
  type MoveDedupe,
  type MovedJob,
  type ScheduleImportResult,
} from "../seam/move.js";
import { followUpArg, followUpFromHash } from "./job-args.js";
import { decodeFlat, decodeObject } from "./records.js";
import { type RedisStore, split, wrap } from "./store.js";

/** HSCAN page of the dedupe hash read by `jobMoveRead`. */
const DEDUPE_SCAN_COUNT = 1000;

export async function jobMoveTake(s: RedisStore, params: JobMoveTakeParams): Promise<JobMoveTakeResult> {
  checkMoveTake(params);
  if (params.ids.length === 0) return { taken: [], blocked: [], needs: [] };
  // Code 1 (refused) is an answer, not an error: read the raw reply.
  const reply = (await s.runRaw("move-take", [
    s.time().now,
    params.workerId,
    params.token,
    MOVE_LEASE_UNTIL,
    ...params.ids,
  ])) as unknown[];
  if (reply[0] === 0) {
    const n = Number(reply[1]);
    const taken: JobRecord[] = [];
    for (let i = 0; i < n; i++) {
      const id = String(reply[2 + 2 * i]);
      taken.push(decodeFlat(id, reply[3 + 2 * i] as string[]).record);
    }
    return { taken, blocked: [], needs: [] };
  }
  const nb = Number(reply[1]);
  const blocked = reply.slice(2, 2 + nb).map(String);
  const needs: JobMoveTakeResult["needs"] = [];
  for (let i = 2 + nb; i + 1 < reply.length; i += 2)
    needs.push({ id: String(reply[i]), of: String(reply[i + 1]) });
  return { taken: [], blocked, needs };
}

export async function jobMoveRead(s: RedisStore, ids: string[]): Promise<MovedJob[]> {
  if (ids.length === 0) return [];
  try {
    const pipeline = s.redis.pipeline();
    for (const id of ids) pipeline.hgetall(s.jobKey(id));
    const replies = (await pipeline.exec()) ?? [];
    // The dedupe hash has no index by job: one scan per batch (a move pays it, nothing else does).
    const wanted = new Set(ids);
    const dedupe = new Map<string, MoveDedupe[]>();
    let cursor = "0";
    do {
      const [next, flat] = await s.redis.hscan(`${s.keyPrefix}dedupe`, cursor, "COUNT", DEDUPE_SCAN_COUNT);
      cursor = next;
      for (let i = 0; i + 1 < flat.length; i += 2) {
        const value = flat[i + 1]!;
        const sep = value.indexOf(":");
        const id = value.slice(sep + 1);
        if (!wanted.has(id)) continue;
        const field = flat[i]!;
        const entry = { key: field.slice(field.indexOf("\0") + 1), firstAt: Number(value.slice(0, sep)) };
        dedupe.set(id, [...(dedupe.get(id) ?? []), entry]);
      }
    } while (cursor !== "0");
    const out: MovedJob[] = [];
    ids.forEach((id, i) => {
      const [err, raw] = replies[i] ?? [new Error("no reply"), null];
      if (err) throw err;
      const hash = raw as Record<string, string>;
      const record = decodeObject(id, hash);
      if (!record) return;
      const row = { spawn_policy: hash.spawn ?? null, flow_key: hash.fk ?? null, flow: hash.fl ?? null };
      const followUps: NewJobFollowUps = {};
      if (hash.fut) followUps.completed = followUpFromHash(hash.fut);
      if (hash.fuc) followUps.failed = followUpFromHash(hash.fuc);
      const carriedFu = hash.fut || hash.fuc ? followUps : null;
      out.push({ ...record, carried: carriedOf(row, dedupe.get(id), carriedFu) });
    });
    return out;
  } catch (err) {
    throw wrap(err, "jobMoveRead");
  }
}

/** A record as the job hash stores it (records.ts layout): only the fields that are set, as strings. */
function toHash(job: MovedJob): Record<string, string> {
  const keep = keepsState(job.state);
  const h: Record<string, string> = {
    task: job.task,
    queue: job.queue,
    // Not-started jobs get their state from move-import.lua once the batch is in.
    state: keep ? job.state : "waiting",
    priority: String(job.priority),
    runAt: String(job.runAt),
    attempt: String(job.attempt),
    maxAttempts: String(job.maxAttempts),
    input: job.input,
    createdAt: String(job.createdAt),
    updatedAt: String(job.updatedAt),
  };
  if (job.result !== null) h.result = job.result;
  if (job.errors.length > 0) h.errors = JSON.stringify(job.errors);
  if (job.progress !== null) {
    h.pp = String(job.progress.percent);
    if (job.progress.message !== undefined) h.pm = job.progress.message;
  }
  if (job.key !== null) h.key = job.key;
  if (Object.keys(job.meta).length > 0) h.meta = JSON.stringify(job.meta);
  if (job.dependsOn.length > 0) h.dependsOn = JSON.stringify(job.dependsOn);
  if (job.leaseMs !== null) h.leaseMs = String(job.leaseMs);
  if (job.timeoutMs !== null) h.timeoutMs = String(job.timeoutMs);
  if (keep && job.workerId !== null) h.workerId = job.workerId;
  if (job.startedAt !== null) h.startedAt = String(job.startedAt);
  if (keep && job.finishedAt !== null) h.finishedAt = String(job.finishedAt);
  const wf = workflowIdOf(job);
  if (wf !== null) h.wf = wf;
  const c = job.carried;
  if (c?.spawnPolicy) h.spawn = c.spawnPolicy;
  if (c?.flow) {
    h.fk = c.flow.key;
    h.fl = encodeFlow(c.flow);
  }
  // Templates as enqueue.lua keeps them; `kids` makes the outcome's script look for them.
  const f = carriedFollowUps(c);
  if (f?.completed) h.fut = followUpArg(f.completed);
  if (f?.failed) h.fuc = followUpArg(f.failed);
  if (f) h.kids = "1";
  return h;
}

export async function jobImport(s: RedisStore, params: JobImportParams): Promise<JobImportResult> {
  checkImport(params);
  const args: (string | number)[] = [s.time().now, params.jobs.length];
  for (const job of params.jobs) args.push(job.id, JSON.stringify(toHash(job)));
  args.push(params.workflows.length);
  for (const wf of params.workflows) {
    args.push(
      wf.id,
      wf.name,
      wf.policy,
      wf.state,
      wf.spec,
      wf.total,
      wf.state === "running" ? "" : JSON.stringify(wf.counts),
      wf.createdAt,
      wf.finishedAt ?? "",
    );
  }
  const entries: (string | number)[] = [];
  params.jobs.forEach((job, i) => {
    for (const d of job.carried?.dedupe ?? [])
      entries.push(i + 1, `${job.task}\0${d.key}`, `${d.firstAt}:${job.id}`);
  });
  args.push(entries.length / 3, ...entries);
  const reply = await s.run("move-import", args);
  const codes = String(reply[1] ?? "");
  const out: JobImportResult = { inserted: [], existing: [], conflicts: [] };
  params.jobs.forEach((job, i) => {
    const c = codes[i];
    (c === "i" ? out.inserted : c === "e" ? out.existing : out.conflicts).push(job.id);
  });
  return out;
}

export async function jobMoveDelete(
  s: RedisStore,
  params: JobMoveDeleteParams,
): Promise<JobMoveDeleteResult> {
  checkMoveDelete(params);
  const reply = await s.run("move-delete", [
    s.time().now,
    params.token,
    params.ids.length,
    ...params.ids,
    ...params.workflows,
  ]);
  const { ok, refused } = split(reply);
  return { removed: ok, skipped: refused };
}

export async function scheduleImport(s: RedisStore, schedule: ScheduleRecord): Promise<ScheduleImportResult> {
  const fields: (string | number)[] = [
    "spec",
    schedule.spec,
    "triggerKey",
    schedule.triggerKey,
    "anchorAt",
    schedule.anchorAt,
    "runs",
    schedule.runs,
    "paused",
    schedule.paused ? 1 : 0,
    "createdAt",
    schedule.createdAt,
    "updatedAt",
    schedule.updatedAt,
  ];
  if (schedule.nextFireAt !== null) fields.push("nextFireAt", schedule.nextFireAt);
  if (schedule.lastFireAt !== null) fields.push("lastFireAt", schedule.lastFireAt);
  if (schedule.lastJobId !== null) fields.push("lastJobId", schedule.lastJobId);
  const reply = await s.run("schedule-import", [s.time().now, schedule.name, ...fields]);
  return { created: reply[1] === 1 };
}
