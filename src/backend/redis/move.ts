/**
 * Redis backend, move section (seam/move.ts): one Lua script per call (move-take.lua,
 * move-import.lua, move-delete.lua, schedule-import.lua), so each is atomic on the server.
 */
import type { JobRecord } from "../../core/types.js";
import type { ScheduleRecord } from "../backend.js";
import { checkImport, checkMoveDelete, checkMoveTake, keepsState, workflowIdOf } from "../move-shared.js";
import {
  type JobImportParams,
  type JobImportResult,
  type JobMoveDeleteParams,
  type JobMoveDeleteResult,
  type JobMoveTakeParams,
  type JobMoveTakeResult,
  MOVE_LEASE_UNTIL,
  type ScheduleImportResult,
} from "../seam/move.js";
import { decodeFlat } from "./records.js";
import { type RedisStore, split } from "./store.js";

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

/** A record as the job hash stores it (records.ts layout): only the fields that are set, as strings. */
function toHash(job: JobRecord): Record<string, string> {
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
