/**
 * Schedules on Redis: `P schedule:<name>` (hash) and `P schedules` (set of names). Every write
 * is one Lua script (`scripts/schedule-*.lua`); `schedule-fire` does the compare-and-set on
 * `nextFireAt` and the job insert in the same script, so concurrent schedulers on any number of
 * machines fire each time once, and records the fire in `P schedule-runs:<name>` (a list of
 * the last 20, newest first). Reads are plain HGETALL (pipelined for the list) and LRANGE.
 */
import type { Redis } from "ioredis";
import type {
  ScheduleFireParams,
  ScheduleFireResult,
  ScheduleRecord,
  ScheduleResumeParams,
  ScheduleRun,
  ScheduleRunsParams,
  ScheduleUpsertParams,
  ScheduleUpsertResult,
} from "../backend.js";
import { checkNewJobs } from "../shared.js";
import {
  checkScheduleFire,
  checkScheduleName,
  checkScheduleRuns,
  checkScheduleUpsert,
  SCHEDULE_RUNS_KEPT,
  scheduleRunOf,
} from "../shared-schedules.js";
import { pushJobArgs } from "./job-args.js";
import type { ScriptName } from "./scripts.js";

export interface RedisScheduleHost {
  redis: Redis;
  /** `{prefix}:` */
  prefix: string;
  now(): number;
  /**
   * Runs a script of the one registry (scripts.ts) as a write: checks the backend is open,
   * waits for the change-feed subscription, maps error replies and Redis failures.
   */
  run(name: ScriptName, args: (string | number)[]): Promise<unknown[]>;
  /** Turns a Redis failure into the backend's error. */
  wrap(error: unknown, op: string): Error;
}

function toRecord(name: string, flat: unknown[] | Record<string, string>): ScheduleRecord | null {
  const h: Record<string, string> = {};
  if (Array.isArray(flat))
    for (let i = 0; i + 1 < flat.length; i += 2) h[String(flat[i])] = String(flat[i + 1]);
  else Object.assign(h, flat);
  if (h.spec === undefined) return null;
  const num = (v: string | undefined) => (v === undefined || v === "" ? null : Number(v));
  return {
    name,
    spec: h.spec,
    triggerKey: h.triggerKey ?? "",
    anchorAt: Number(h.anchorAt),
    nextFireAt: num(h.nextFireAt),
    lastFireAt: num(h.lastFireAt),
    lastJobId: h.lastJobId || null,
    runs: Number(h.runs ?? 0),
    paused: h.paused === "1",
    createdAt: Number(h.createdAt),
    updatedAt: Number(h.updatedAt),
  };
}

/** A JSON object's body without its braces, for the scripts' event data. */
function dataBody(data: Record<string, unknown> | undefined): string {
  if (!data || Object.keys(data).length === 0) return "";
  return JSON.stringify(data).slice(1, -1);
}

export class RedisSchedules {
  constructor(private readonly host: RedisScheduleHost) {}

  private key(name: string): string {
    return `${this.host.prefix}schedule:${name}`;
  }

  private run(name: ScriptName, args: (string | number)[]): Promise<unknown[]> {
    return this.host.run(name, args);
  }

  async upsert(params: ScheduleUpsertParams): Promise<ScheduleUpsertResult> {
    checkScheduleUpsert(params);
    const reply = await this.run("schedule-upsert", [
      this.host.now(),
      params.name,
      params.spec,
      params.triggerKey,
      params.anchorAt,
      params.nextFireAt ?? "",
      params.paused ? "1" : "0",
    ]);
    return {
      created: Number(reply[1]) === 1,
      changed: Number(reply[2]) === 1,
      schedule: toRecord(params.name, reply.slice(3))!,
    };
  }

  async get(name: string): Promise<ScheduleRecord | null> {
    checkScheduleName(name);
    try {
      return toRecord(name, await this.host.redis.hgetall(this.key(name)));
    } catch (error) {
      throw this.host.wrap(error, "scheduleGet");
    }
  }

  async list(): Promise<ScheduleRecord[]> {
    try {
      const names = (await this.host.redis.smembers(`${this.host.prefix}schedules`)).sort();
      if (names.length === 0) return [];
      const pipeline = this.host.redis.pipeline();
      for (const name of names) pipeline.hgetall(this.key(name));
      const replies = (await pipeline.exec()) ?? [];
      const out: ScheduleRecord[] = [];
      names.forEach((name, i) => {
        const [err, hash] = replies[i] ?? [new Error("no reply"), null];
        if (err) throw err;
        const record = toRecord(name, hash as Record<string, string>);
        if (record) out.push(record);
      });
      return out;
    } catch (error) {
      throw this.host.wrap(error, "scheduleList");
    }
  }

  async remove(name: string): Promise<boolean> {
    return this.change(name, "remove", "");
  }

  async pause(name: string): Promise<boolean> {
    return this.change(name, "pause", "");
  }

  async resume({ name, nextFireAt }: ScheduleResumeParams): Promise<boolean> {
    return this.change(name, "resume", nextFireAt ?? "");
  }

  private async change(name: string, op: string, next: string | number): Promise<boolean> {
    checkScheduleName(name);
    const reply = await this.run("schedule-change", [this.host.now(), name, op, next]);
    return Number(reply[1]) === 1;
  }

  async fire(params: ScheduleFireParams): Promise<ScheduleFireResult> {
    checkScheduleFire(params);
    const args: (string | number)[] = [
      this.host.now(),
      params.name,
      params.expectedFireAt ?? "",
      params.nextFireAt ?? "",
      dataBody(params.data),
    ];
    const job = params.job;
    if (job) checkNewJobs([job]);
    const skipped = job ? "" : (scheduleRunOf(params, 0, null).skipped ?? "");
    args.push(job ? "1" : "0", SCHEDULE_RUNS_KEPT, skipped);
    if (job) pushJobArgs(args, job, null);
    const reply = await this.run("schedule-fire", args);
    const jobId = String(reply[2] ?? "");
    const dropped = Number(reply[3]) === 1;
    return {
      won: Number(reply[1]) === 1,
      jobId: jobId === "" ? null : jobId,
      ...(dropped ? { dropped: true as const } : {}),
      schedule: toRecord(params.name, reply.slice(4)),
    };
  }

  async runs(params: ScheduleRunsParams): Promise<ScheduleRun[]> {
    checkScheduleRuns(params);
    try {
      const entries = await this.host.redis.lrange(
        `${this.host.prefix}schedule-runs:${params.name}`,
        0,
        params.limit - 1,
      );
      return entries.map((e) => JSON.parse(e) as ScheduleRun);
    } catch (error) {
      throw this.host.wrap(error, "scheduleRuns");
    }
  }
}
