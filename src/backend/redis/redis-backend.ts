/**
 * The Redis backend: each method is one Lua script call (see scripts/*.lua and index.ts for
 * the key layout), plus plain reads (HGETALL, LRANGE) where no transition happens.
 */
import type { Redis } from "ioredis";
import type { Clock } from "../../core/clock.js";
import { BackendError, InvalidArgumentError, isSpoolError } from "../../core/errors/index.js";
import { newLeaseToken } from "../../core/ids.js";
import type { JobLogLine, JobRecord, JobState, LeasedJob } from "../../core/types.js";
import {
  type Backend,
  type BackendCapabilities,
  type BackendEvent,
  type BackendEventListener,
  emptyCounts,
  type JobCancelParams,
  type JobCancelResult,
  type JobClaimParams,
  type JobClaimResult,
  type JobCompleteParams,
  type JobEnqueueParams,
  type JobEnqueueResult,
  type JobFailParams,
  type JobFailResult,
  type JobListParams,
  type JobLogParams,
  type JobPage,
  type JobProgressParams,
  type JobReleaseParams,
  type JobRemoveParams,
  type JobRemoveResult,
  type JobRetryParams,
  type LeaseRenewParams,
  type LeaseRenewResult,
  type LeaseRescueParams,
  type LeaseRescueResult,
  type QueueInfo,
  type RetentionPruneParams,
  type ScheduleFireParams,
  type ScheduleFireResult,
  type ScheduleRecord,
  type ScheduleResumeParams,
  type ScheduleUpsertParams,
  type ScheduleUpsertResult,
  type StateCounts,
  type SubscribeOptions,
  type TransitionResult,
  type WorkerHeartbeatParams,
  type WorkerInfo,
  type WorkflowEnqueueParams,
  type WorkflowEnqueueResult,
  type WorkflowListParams,
  type WorkflowPage,
  type WorkflowRecord,
} from "../backend.js";
import {
  checkNewJobs,
  decodeCursor,
  encodeCursor,
  LEASE_EXPIRED_MESSAGE,
  listLimit,
  listStates,
} from "../shared.js";
import { RedisAudit } from "./audit.js";
import { checkReply } from "./codes.js";
import { message } from "./connection.js";
import { decodeFeed } from "./feed.js";
import { RedisJobActions } from "./job-actions.js";
import { decodeFlat, decodeObject, leased } from "./records.js";
import { RedisSchedules } from "./schedules.js";
import { resolveScript, SCRIPT_NAMES, type ScriptName } from "./scripts.js";
import { redisSearch } from "./search.js";
import { RedisWorkflows } from "./workflows.js";

/** Jobs per enqueue script: larger batches are split (see index.ts, Limits). */
export const ENQUEUE_CHUNK = 10_000;
/** Scheduled jobs promoted per queue per claim call (bounds one script's run time). */
export const PROMOTE_MAX = 1_000;
/** Ids one job-list script call examines before handing back. */
export const LIST_SCAN_MAX = 5_000;
export const LOG_LINES_MAX = 1_000;
/** Ready jobs per (queue, priority) examined for oldestQueuedAt (see queue-list.lua). */
export const OLDEST_SCAN = 1_000;
/** Longest a write waits for the first SUBSCRIBE to be confirmed (see `subscribe`). */
const FEED_READY_WAIT_MS = 2_000;
/** A parked worker's BLPOP waits at most this long per call (below the command timeout). */
export const PUSH_WAIT_MAX_MS = 10_000;
const PUSH_WAIT_MIN_MS = 10;
/** After a failed BLPOP, wait this long (at most) before the claim loop goes round again. */
const PUSH_ERROR_PAUSE_MS = 500;
/** Matches INBOX_TTL_MS in push.lua. */
const PUSH_INBOX_TTL_MS = 3_600_000;
/** The inbox entry that ends a BLPOP early (a real entry is a JSON array). */
const PUSH_INTERRUPT = "0";
/** Layout version stored at `<prefix>version`; a newer one is refused. */
export const LAYOUT_VERSION = 1;

type ScriptFn = (prefix: string, ...args: (string | number)[]) => Promise<unknown>;

export class RedisBackend implements Backend {
  readonly kind = "redis";
  readonly capabilities: BackendCapabilities = { crossProcess: true, notify: "push", push: true };
  /** `{prefix}:` — one hash tag, so every key of this store lives in one cluster slot. */
  readonly keyPrefix: string;
  private readonly channel: string;
  /** Per-job started/completed events (see includes/events.lua), subscribed only when wanted. */
  private readonly flowChannel: string;
  private flowSubscribed = false;
  private readonly scripts: Record<ScriptName, ScriptFn>;
  /** Each listener with the event types it asked for (null: all). */
  private readonly listeners = new Map<BackendEventListener, ReadonlySet<string> | null>();
  /** The union of what listeners asked for (undefined: some listener wants everything). */
  private wanted: ReadonlySet<string> | undefined = undefined;
  private readonly pushConns = new Map<string, Redis>();
  private subscribed = false;
  private feedPending: Promise<void> | null = null;
  private closed = false;
  private closing: Promise<void> | null = null;
  private readonly schedules: RedisSchedules;
  private readonly workflows: RedisWorkflows;

  constructor(
    readonly clock: Clock,
    private readonly redis: Redis,
    /** The subscriber connection (connected by createRedisBackend, SUBSCRIBEd on first use). */
    private readonly sub: Redis,
    prefix: string,
  ) {
    this.keyPrefix = `{${prefix}}:`;
    this.channel = `${this.keyPrefix}events`;
    this.flowChannel = `${this.keyPrefix}events:flow`;
    const scripts = {} as Record<ScriptName, ScriptFn>;
    for (const name of SCRIPT_NAMES) {
      const command = `spool_${name.replace(/-/g, "_")}`;
      redis.defineCommand(command, { numberOfKeys: 1, lua: resolveScript(name) });
      const fn = (redis as unknown as Record<string, ScriptFn>)[command]!;
      scripts[name] = fn.bind(redis);
    }
    this.scripts = scripts;
    this.workflows = new RedisWorkflows({
      now: () => this.clock.now(),
      run: (name, args, writes) => this.run(name, args, writes),
    });
    this.actions = new RedisJobActions({
      now: () => this.clock.now(),
      run: (name, args, writes) => this.run(name, args, writes),
    });
    this.audit = new RedisAudit({
      redis,
      prefix: this.keyPrefix,
      now: () => this.clock.now(),
      beforeWrite: async () => {
        if (this.closed) throw new BackendError("the Redis backend is closed", { code: "BACKEND_CLOSED" });
      },
      wrap,
    });
    this.schedules = new RedisSchedules({
      redis,
      prefix: this.keyPrefix,
      now: () => this.clock.now(),
      beforeWrite: async () => {
        if (this.closed) throw new BackendError("the Redis backend is closed", { code: "BACKEND_CLOSED" });
        if (this.feedPending) await waitAtMost(this.feedPending, FEED_READY_WAIT_MS);
      },
      wrap,
    });
  }

  /** The command connection (tests and tools use it; spool code goes through the methods). */
  get client(): Redis {
    return this.redis;
  }

  async migrate(): Promise<void> {
    const key = `${this.keyPrefix}version`;
    try {
      await this.redis.set(key, String(LAYOUT_VERSION), "NX");
      const version = Number(await this.redis.get(key));
      if (version > LAYOUT_VERSION) {
        throw new BackendError(
          `the Redis data under ${this.keyPrefix} uses layout version ${version}; this spool knows ${LAYOUT_VERSION}: upgrade spool`,
          { code: "SCHEMA_TOO_NEW" },
        );
      }
    } catch (err) {
      throw wrap(err, "migrate");
    }
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.closed = true;
      this.listeners.clear();
      const push = [...this.pushConns.values()];
      this.pushConns.clear();
      for (const c of push) c.disconnect();
      await Promise.all(
        [this.redis, this.sub].map(async (c) => {
          try {
            if (c.status === "ready") await c.quit();
            else c.disconnect();
          } catch {
            c.disconnect();
          }
        }),
      );
    })();
    return this.closing;
  }

  // ── enqueue ──────────────────────────────────────────────────────────────────────────

  async jobEnqueue({ jobs }: JobEnqueueParams): Promise<JobEnqueueResult> {
    checkNewJobs(jobs);
    const out: JobEnqueueResult["jobs"] = [];
    for (let start = 0; start < jobs.length; start += ENQUEUE_CHUNK) {
      const chunk =
        start === 0 && jobs.length <= ENQUEUE_CHUNK ? jobs : jobs.slice(start, start + ENQUEUE_CHUNK);
      const args: (string | number)[] = [this.clock.now(), chunk.length];
      // Layout: see enqueue.lua (task and queue "" = the previous job's; "" after maxAttempts
      // = no key, meta, lease, timeout or dependencies).
      let prevTask = "";
      let prevQueue = "";
      for (const job of chunk) {
        args.push(
          job.id,
          job.task === prevTask ? "" : job.task,
          job.queue === prevQueue ? "" : job.queue,
          job.input,
          job.priority,
          job.runAt,
          job.maxAttempts,
        );
        prevTask = job.task;
        prevQueue = job.queue;
        let meta = "";
        for (const _ in job.meta) {
          meta = JSON.stringify(job.meta);
          break;
        }
        if (
          job.key === null &&
          meta === "" &&
          job.leaseMs === null &&
          job.timeoutMs === null &&
          job.dependsOn.length === 0
        ) {
          args.push("");
          continue;
        }
        args.push(
          "+",
          job.key === null ? "" : `=${job.key}`,
          meta,
          job.leaseMs ?? "",
          job.timeoutMs ?? "",
          job.dependsOn.length,
        );
        for (const dep of job.dependsOn) args.push(dep);
      }
      const reply = await this.run("enqueue", args, true);
      // One state initial per job; "x" = an idempotency key matched, id and state in the extras.
      const codes = reply[1] as string;
      let extra = 2;
      for (let k = 0; k < chunk.length; k++) {
        const code = codes[k];
        if (code === "x") {
          out.push({ id: reply[extra] as string, state: reply[extra + 1] as JobState, created: false });
          extra += 2;
        } else {
          out.push({ id: chunk[k]!.id, state: STATE_BY_INITIAL[code!]!, created: true });
        }
      }
    }
    return { jobs: out };
  }

  // ── claim & finish ───────────────────────────────────────────────────────────────────

  async jobClaim(params: JobClaimParams): Promise<JobClaimResult> {
    if (!Number.isInteger(params.limit) || params.limit < 0) {
      throw new InvalidArgumentError(`limit must be an integer >= 0, got ${params.limit}`, "limit");
    }
    const token = newLeaseToken();
    const args: (string | number)[] = [
      this.clock.now(),
      params.limit,
      params.workerId,
      params.leaseMs,
      token,
      PROMOTE_MAX,
      params.park ? Math.max(1, Math.ceil(params.park.ttlMs)) : 0,
      params.unpark ? "1" : "0",
      params.park?.slots ?? "",
    ];
    for (const q of params.queues) args.push(q);
    const raw = await this.runRaw("claim", args);
    const reply = checkReply("claim", typeof raw === "string" ? JSON.parse(raw) : raw);
    const now = Number(args[0]);
    // Jobs pushed before this claim unparked the worker come first: they were ready earlier.
    const pushed = reply[3];
    const jobs: LeasedJob[] = Array.isArray(pushed)
      ? pushed.flatMap((entry) => decodePushed(entry as string, params.workerId))
      : [];
    const claimedFrom = jobs.length;
    for (let i = 4; i < reply.length; i += 4) {
      jobs.push(
        leased(reply[i] as string, reply[i + 1] as string[], {
          token,
          workerId: params.workerId,
          at: now,
          attempt: Number(reply[i + 2]),
          leaseExpiresAt: Number(reply[i + 3]),
        }),
      );
    }
    if (jobs.length - claimedFrom > 1) {
      const claimed = jobs.splice(claimedFrom);
      claimed.sort((a, b) => b.priority - a.priority || a.runAt - b.runAt || (a.id < b.id ? -1 : 1));
      jobs.push(...claimed);
    }
    const next = reply[1];
    return {
      jobs,
      nextRunAt: next === null || next === undefined || next === false ? null : Number(next),
      ...(reply[2] === 1 ? { parked: true } : {}),
    };
  }

  // ── push delivery (see scripts/includes/push.lua) ─────────────────────────────────────

  async jobAwaitPushed({
    workerId,
    timeoutMs,
  }: {
    workerId: string;
    timeoutMs: number;
  }): Promise<LeasedJob[]> {
    if (this.closed) return [];
    const conn = this.pushConnection(workerId);
    // BLPOP takes seconds (fractions allowed); 0 would block forever.
    const seconds = Math.max(PUSH_WAIT_MIN_MS, Math.min(timeoutMs, PUSH_WAIT_MAX_MS)) / 1000;
    let reply: [string, string] | null;
    try {
      reply = await conn.blpop(this.inboxKey(workerId), seconds);
    } catch {
      // Connection trouble (the claim loop reports it on its own calls): do not spin.
      if (!this.closed) await sleep(Math.min(timeoutMs, PUSH_ERROR_PAUSE_MS));
      return [];
    }
    if (reply === null) return [];
    if (reply[1] === PUSH_INTERRUPT) {
      // Interrupted (the worker stops): the connection is not needed any more.
      this.pushConns.delete(workerId);
      conn.quit().catch(() => conn.disconnect());
      return [];
    }
    return decodePushed(reply[1], workerId);
  }

  async jobInterruptPushed({ workerId }: { workerId: string }): Promise<void> {
    if (this.closed || !this.pushConns.has(workerId)) return;
    const key = this.inboxKey(workerId);
    try {
      await this.redis.multi().lpush(key, PUSH_INTERRUPT).pexpire(key, PUSH_INBOX_TTL_MS).exec();
    } catch (err) {
      throw wrap(err, "push interrupt");
    }
  }

  /** One blocking connection per parked worker (BLPOP holds its connection). */
  private pushConnection(workerId: string): Redis {
    let conn = this.pushConns.get(workerId);
    if (!conn) {
      // The offline queue is harmless here (a BLPOP sent after a reconnect pops as usual) and
      // lets the first wait go out while the new connection is still opening.
      conn = this.redis.duplicate({
        lazyConnect: false,
        enableOfflineQueue: true,
        connectionName: "spool:push",
      });
      conn.on("error", () => {});
      this.pushConns.set(workerId, conn);
    }
    return conn;
  }

  private inboxKey(workerId: string): string {
    return `${this.keyPrefix}inbox:${workerId}`;
  }

  async jobComplete({ jobs }: JobCompleteParams): Promise<TransitionResult> {
    if (jobs.length === 0) return { ok: [], refused: [] };
    const args: (string | number)[] = [this.clock.now()];
    for (const j of jobs) args.push(j.id, j.token, j.result);
    // The script names only the refused jobs, by position (usually none): the rest completed.
    const reply = await this.run("complete", args);
    const n = Number(reply[1]);
    if (n === 0) return { ok: jobs.map((j) => j.id), refused: [] };
    const refusedAt = new Set<number>();
    for (let i = 2; i < 2 + n; i++) refusedAt.add(Number(reply[i]) - 1);
    const ok: string[] = [];
    const refused: string[] = [];
    for (const [i, j] of jobs.entries()) (refusedAt.has(i) ? refused : ok).push(j.id);
    return { ok, refused };
  }

  async jobFail({ jobs }: JobFailParams): Promise<JobFailResult> {
    const result: JobFailResult = { retried: [], failed: [], refused: [] };
    if (jobs.length === 0) return result;
    const args: (string | number)[] = [this.clock.now()];
    for (const j of jobs) args.push(j.id, j.token, JSON.stringify(j.error), j.retryAt ?? "");
    const reply = await this.run("fail", args);
    for (let i = 1; i < reply.length; i += 2) {
      const id = reply[i + 1] as string;
      const kind = reply[i];
      (kind === "r" ? result.retried : kind === "f" ? result.failed : result.refused).push(id);
    }
    return result;
  }

  async jobRelease({ leases }: JobReleaseParams): Promise<TransitionResult> {
    if (leases.length === 0) return { ok: [], refused: [] };
    const args: (string | number)[] = [this.clock.now()];
    for (const l of leases) args.push(l.id, l.token);
    return split(await this.run("release", args));
  }

  // ── control ──────────────────────────────────────────────────────────────────────────

  async jobCancel({ ids, reason }: JobCancelParams): Promise<JobCancelResult> {
    if (ids.length === 0) return { cancelled: [], skipped: [] };
    const { ok, refused } = split(
      await this.run("cancel", [this.clock.now(), reason ?? "cancelled", ...ids]),
    );
    return { cancelled: ok, skipped: refused };
  }

  async jobRetry({ ids }: JobRetryParams): Promise<TransitionResult> {
    if (ids.length === 0) return { ok: [], refused: [] };
    return split(await this.run("retry", [this.clock.now(), ...ids]));
  }

  async jobRemove({ ids }: JobRemoveParams): Promise<JobRemoveResult> {
    if (ids.length === 0) return { removed: [], skipped: [] };
    const { ok, refused } = split(await this.run("remove", [this.clock.now(), ...ids]));
    return { removed: ok, skipped: refused };
  }

  private readonly actions: RedisJobActions;
  readonly jobUpdate: Backend["jobUpdate"] = (p) => this.actions.update(p);
  readonly jobPromote: Backend["jobPromote"] = (p) => this.actions.promote(p);

  async jobProgress({ id, token, progress }: JobProgressParams): Promise<boolean> {
    const hasMessage = progress.message !== undefined;
    const reply = await this.run("progress", [
      this.clock.now(),
      id,
      token,
      progress.percent,
      progress.message ?? "",
      hasMessage ? "1" : "0",
      JSON.stringify(progress),
    ]);
    return Number(reply[1]) === 1;
  }

  async jobLog({ id, token, lines }: JobLogParams): Promise<boolean> {
    const args: (string | number)[] = [this.clock.now(), id, token, LOG_LINES_MAX];
    for (const l of lines)
      args.push(JSON.stringify({ at: l.at, level: l.level, message: l.message }).slice(0, -1));
    const reply = await this.run("log", args);
    return Number(reply[1]) === 1;
  }

  // ── reading ──────────────────────────────────────────────────────────────────────────

  async jobGet({ id }: { id: string }): Promise<JobRecord | null> {
    try {
      return decodeObject(id, await this.redis.hgetall(this.jobKey(id)));
    } catch (err) {
      throw wrap(err, "jobGet");
    }
  }

  async jobGetMany({ ids }: { ids: readonly string[] }): Promise<JobRecord[]> {
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hgetall(this.jobKey(id));
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

  async jobList(params: JobListParams): Promise<JobPage> {
    if (params.search !== undefined) {
      return redisSearch({ run: (n, a, w) => this.run(n, a, w) }, { ...params, search: params.search });
    }
    const limit = listLimit(params);
    const states = listStates(params);
    const desc = (params.order ?? "desc") === "desc";
    let from = decodeCursor(params.cursor) ?? "";
    const found: JobRecord[] = [];
    for (;;) {
      const reply = await this.run(
        "job-list",
        [
          desc ? "desc" : "asc",
          from,
          limit - found.length,
          LIST_SCAN_MAX,
          params.queue ?? "",
          states ? states.join(",") : "",
          params.task ?? "",
          params.key === undefined ? "" : `=${params.key}`,
          params.createdAfter ?? "",
          params.createdBefore ?? "",
          "", // searches go through job-search.lua (search.ts)
        ],
        false,
      );
      for (let i = 3; i < reply.length; i += 2)
        found.push(decodeFlat(reply[i] as string, reply[i + 1] as string[]).record);
      const exhausted = Number(reply[1]) === 1;
      from = reply[2] as string;
      if (found.length > limit || exhausted) break;
    }
    const page = found.slice(0, limit);
    const nextCursor = found.length > limit ? encodeCursor(page[page.length - 1]!.id) : null;
    return { jobs: page, nextCursor };
  }

  async jobLogs({ id, limit }: { id: string; limit?: number }): Promise<JobLogLine[]> {
    const n = limit ?? LOG_LINES_MAX;
    try {
      const lines = await this.redis.lrange(`${this.keyPrefix}logs:${id}`, n > 0 ? -n : 0, -1);
      return lines.map((l) => JSON.parse(l) as JobLogLine);
    } catch (err) {
      throw wrap(err, "jobLogs");
    }
  }

  // ── leases ───────────────────────────────────────────────────────────────────────────

  async leaseRenew({ leases, leaseMs }: LeaseRenewParams): Promise<LeaseRenewResult> {
    const out: LeaseRenewResult = { renewed: [], lost: [] };
    if (leases.length === 0) return out;
    const args: (string | number)[] = [this.clock.now(), leaseMs];
    for (const l of leases) args.push(l.id, l.token);
    const reply = await this.run("renew", args);
    for (let i = 1; i < reply.length; i += 2) {
      const id = reply[i] as string;
      const exp = Number(reply[i + 1]);
      if (exp < 0) out.lost.push(id);
      else out.renewed.push({ id, leaseExpiresAt: exp });
    }
    return out;
  }

  async leaseRescue({ limit }: LeaseRescueParams): Promise<LeaseRescueResult> {
    const out: LeaseRescueResult = { requeued: [], failed: [] };
    const reply = await this.run("rescue", [this.clock.now(), limit, LEASE_EXPIRED_MESSAGE]);
    for (let i = 1; i < reply.length; i += 2)
      (reply[i] === "r" ? out.requeued : out.failed).push(reply[i + 1] as string);
    return out;
  }

  // ── queues ───────────────────────────────────────────────────────────────────────────

  async queuePause({ queue }: { queue: string }): Promise<void> {
    await this.run("queue-pause", [this.clock.now(), queue, "1"]);
  }

  async queueResume({ queue }: { queue: string }): Promise<void> {
    await this.run("queue-pause", [this.clock.now(), queue, "0"]);
  }

  async queueList(): Promise<QueueInfo[]> {
    const reply = await this.run("queue-list", [OLDEST_SCAN], false);
    const out: QueueInfo[] = [];
    for (let i = 1; i < reply.length; i += 4) {
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
      });
    }
    return out.sort((a, b) => a.name.localeCompare(b.name));
  }

  // ── retention ────────────────────────────────────────────────────────────────────────

  async retentionPrune(params: RetentionPruneParams): Promise<{ removed: number }> {
    const opt = (v: number | undefined) => (v === undefined ? "" : v);
    const reply = await this.run("retention-prune", [
      params.limit,
      opt(params.completedBefore),
      opt(params.failedBefore),
      opt(params.cancelledBefore),
      opt(params.completedKeep),
      opt(params.failedKeep),
      this.clock.now(),
    ]);
    return { removed: Number(reply[1]) };
  }

  // ── workers ──────────────────────────────────────────────────────────────────────────

  async workerHeartbeat({ worker, ttlMs }: WorkerHeartbeatParams): Promise<void> {
    const now = this.clock.now();
    const info: WorkerInfo = {
      ...worker,
      running: [...worker.running],
      queues: [...worker.queues],
      lastSeenAt: now,
    };
    await this.run("worker-heartbeat", [worker.id, JSON.stringify(info), now + ttlMs], false);
  }

  async workerRemove({ id }: { id: string }): Promise<void> {
    await this.run("worker-remove", [id], false);
  }

  async workerList(): Promise<WorkerInfo[]> {
    const reply = await this.run("worker-list", [this.clock.now()], false);
    const out = reply.slice(1).map((json) => JSON.parse(json as string) as WorkerInfo);
    return out.sort((a, b) => a.id.localeCompare(b.id));
  }

  // ── the change feed ──────────────────────────────────────────────────────────────────

  /**
   * Listeners get every event published under this prefix, by any process. The first call
   * SUBSCRIBEs the (already connected) subscriber connection; until Redis confirms it, this
   * backend's writes wait for it (at most FEED_READY_WAIT_MS), so a listener added before a
   * call always sees that call's events, as with the in-process backends. Before the first
   * subscribe() the process receives nothing (a pure producer pays no feed traffic).
   */
  subscribe(listener: BackendEventListener, options?: SubscribeOptions): () => void {
    if (this.closed) return () => {};
    this.listeners.set(listener, options?.types ? new Set(options.types) : null);
    this.wanted = wantedTypes(this.listeners.values());
    if (!this.subscribed) this.openFeed();
    // Once some listener wants per-job started/completed events, this process keeps receiving
    // them (no UNSUBSCRIBE): simpler, and listeners ignore types they did not ask for anyway.
    if (!this.flowSubscribed && wantsFlow(this.wanted)) this.subscribeFlow();
    return () => {
      this.listeners.delete(listener);
      this.wanted = wantedTypes(this.listeners.values());
    };
  }

  // ── audit log and session revocations (audit.ts) ─────────────────────────────────────
  private readonly audit: RedisAudit;
  readonly auditAppend: Backend["auditAppend"] = (p) => this.audit.auditAppend(p);
  readonly auditList: Backend["auditList"] = (p) => this.audit.auditList(p);
  readonly auditPrune: Backend["auditPrune"] = (p) => this.audit.auditPrune(p);
  readonly sessionRevoke: Backend["sessionRevoke"] = (p) => this.audit.sessionRevoke(p);
  readonly sessionRevoked: Backend["sessionRevoked"] = (p) => this.audit.sessionRevoked(p);

  // ── schedules (schedules.ts) ─────────────────────────────────────────────────────────

  scheduleUpsert(params: ScheduleUpsertParams): Promise<ScheduleUpsertResult> {
    return this.schedules.upsert(params);
  }
  scheduleGet({ name }: { name: string }): Promise<ScheduleRecord | null> {
    return this.schedules.get(name);
  }
  scheduleList(): Promise<ScheduleRecord[]> {
    return this.schedules.list();
  }
  scheduleRemove({ name }: { name: string }): Promise<boolean> {
    return this.schedules.remove(name);
  }
  schedulePause({ name }: { name: string }): Promise<boolean> {
    return this.schedules.pause(name);
  }
  scheduleResume(params: ScheduleResumeParams): Promise<boolean> {
    return this.schedules.resume(params);
  }
  scheduleFire(params: ScheduleFireParams): Promise<ScheduleFireResult> {
    return this.schedules.fire(params);
  }

  private openFeed(): void {
    const sub = this.sub;
    this.subscribed = true;
    sub.on("message", (channel: string, payload: string) => {
      if ((channel !== this.channel && channel !== this.flowChannel) || this.listeners.size === 0) return;
      let events: BackendEvent[];
      try {
        events = decodeFeed(payload, this.wanted);
      } catch {
        return;
      }
      for (const listener of this.listeners.keys()) {
        try {
          listener(events);
        } catch {
          // A faulty listener must not break delivery to the others.
        }
      }
    });
    this.awaitSubscribe(sub.subscribe(this.channel));
  }

  private subscribeFlow(): void {
    this.flowSubscribed = true;
    this.awaitSubscribe(this.sub.subscribe(this.flowChannel));
  }

  /**
   * The connection is already up (createRedisBackend connects it), so SUBSCRIBE is written to
   * the socket at once, before any write this process makes after subscribe() returns; until
   * Redis confirms it, writes wait on feedPending (see runRaw).
   */
  private awaitSubscribe(subscribing: Promise<unknown>): void {
    const before = this.feedPending;
    const ready: Promise<void> = Promise.all([before, subscribing])
      .then(
        () => undefined,
        () => undefined,
      )
      .finally(() => {
        if (this.feedPending === ready) this.feedPending = null;
      });
    this.feedPending = ready;
  }

  // ── workflows (workflows.ts) ─────────────────────────────────────────────────────────

  workflowEnqueue(params: WorkflowEnqueueParams): Promise<WorkflowEnqueueResult> {
    return this.workflows.enqueue(params);
  }
  workflowGet({ id }: { id: string }): Promise<WorkflowRecord | null> {
    return this.workflows.get(id);
  }
  workflowList(params: WorkflowListParams): Promise<WorkflowPage> {
    return this.workflows.list(params);
  }

  // ── internals ────────────────────────────────────────────────────────────────────────

  private jobKey(id: string): string {
    return `${this.keyPrefix}job:${id}`;
  }

  /** Runs a script that replies `{ code, … }` and maps negative codes to spool errors. */
  private async run(name: ScriptName, args: (string | number)[], writes = true): Promise<unknown[]> {
    return checkReply(name, await this.runRaw(name, args, writes));
  }

  private async runRaw(name: ScriptName, args: (string | number)[], writes = true): Promise<unknown> {
    if (this.closed) throw new BackendError("the Redis backend is closed", { code: "BACKEND_CLOSED" });
    if (writes && this.feedPending) await waitAtMost(this.feedPending, FEED_READY_WAIT_MS);
    try {
      return await this.scripts[name](this.keyPrefix, ...args);
    } catch (err) {
      throw wrap(err, name);
    }
  }
}

/** Whether listeners that asked for `wanted` need the flow channel (job:started, job:completed). */
function wantsFlow(wanted: ReadonlySet<string> | undefined): boolean {
  return wanted === undefined || wanted.has("job:started") || wanted.has("job:completed");
}

/** The types some listener asked for; undefined as soon as one asked for everything. */
function wantedTypes(asked: Iterable<ReadonlySet<string> | null>): ReadonlySet<string> | undefined {
  const union = new Set<string>();
  for (const types of asked) {
    if (types === null) return undefined;
    for (const t of types) union.add(t);
  }
  return union;
}

/** enqueue.lua's per-job state codes. */
const STATE_BY_INITIAL: Readonly<Record<string, JobState>> = {
  q: "queued",
  s: "scheduled",
  w: "waiting",
  c: "cancelled",
};

/** One inbox entry of push.lua, `[token, at, id, fields, attempt, exp, …]`, as leased jobs. */
function decodePushed(entry: string, workerId: string): LeasedJob[] {
  if (!entry.startsWith("[")) return []; // an interrupt marker left over
  const push = JSON.parse(entry) as unknown[];
  const token = push[0] as string;
  const at = Number(push[1]);
  const jobs: LeasedJob[] = [];
  for (let i = 2; i < push.length; i += 4) {
    jobs.push(
      leased(push[i] as string, push[i + 1] as string[], {
        token,
        workerId,
        at,
        attempt: Number(push[i + 2]),
        leaseExpiresAt: Number(push[i + 3]),
      }),
    );
  }
  return jobs;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** `{ 0, n, ok ids (n of them)…, other ids… }` → ok / refused. */
function split(reply: unknown[]): TransitionResult {
  const n = Number(reply[1]);
  return { ok: reply.slice(2, 2 + n) as string[], refused: reply.slice(2 + n) as string[] };
}

function wrap(err: unknown, op: string): Error {
  if (isSpoolError(err)) return err;
  const what =
    op === "enqueue"
      ? "enqueue could not be confirmed (the jobs may or may not have been written; retry with idempotency keys)"
      : `${op} failed`;
  return new BackendError(`Redis ${what}: ${message(err)}`, { cause: err, code: "REDIS_ERROR" });
}

function waitAtMost(promise: Promise<void>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    promise.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
