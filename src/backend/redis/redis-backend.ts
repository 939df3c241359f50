/**
 * The Redis backend: each method is one Lua script call (see scripts/*.lua and index.ts for
 * the key layout), plus plain reads (HGETALL, LRANGE) where no transition happens.
 *
 * This class only composes: the connection, scripts and call helpers are in store.ts, the
 * change feed in subscriber.ts, push delivery in push.ts, the methods in one file per section
 * of the seam (jobs.ts, control.ts, reads.ts, maintenance.ts, plus workflows.ts,
 * schedules.ts, audit.ts), forwarded by ../sectioned-backend.ts.
 */
import type { Redis } from "ioredis";
import type { Clock } from "../../core/clock.js";
import { BackendError } from "../../core/errors/index.js";
import type { LeasedJob } from "../../core/types.js";
import type {
  Backend,
  BackendCapabilities,
  BackendEventListener,
  SubscribeOptions,
  WorkflowEnqueueParams,
  WorkflowEnqueueResult,
} from "../backend.js";
import { ENQUEUE_JOBS_MAX } from "../backend.js";
import type {
  JobImportParams,
  JobImportResult,
  JobMoveDeleteParams,
  JobMoveDeleteResult,
  JobMoveTakeParams,
  JobMoveTakeResult,
  MovedJob,
  ScheduleImportResult,
} from "../seam/move.js";
import type { ScheduleRecord } from "../seam/schedules.js";
import { actionSections, listWithSearch, SectionedBackend } from "../sectioned-backend.js";
import { shiftRunAt } from "../store-clock.js";
import { RedisAudit } from "./audit.js";
import * as control from "./control.js";
import { EnqueueGroup } from "./enqueue-group.js";
import { RedisJobActions } from "./job-actions.js";
import * as jobs from "./jobs.js";
import * as maintenance from "./maintenance.js";
import * as move from "./move.js";
import { RedisPush } from "./push.js";
import * as reads from "./reads.js";
import { RedisSchedules } from "./schedules.js";
import { redisSearch } from "./search.js";
import * as spawn from "./spawn.js";
import { RedisStore, wrap } from "./store.js";
import { RedisWorkflows } from "./workflows.js";

export { OLDEST_SCAN } from "../shared.js";
export { PROMOTE_MAX } from "./jobs.js";
export { PUSH_WAIT_MAX_MS } from "./push.js";
export { LIST_SCAN_MAX, LOG_LINES_MAX } from "./reads.js";

/**
 * Layout version stored at `<prefix>version`; a newer one is refused. 2: the list indexes; 3:
 * the list indexes ordered by (createdAt, id), with one per task
 * (scripts/includes/list-index.lua), built by `migrate` on a version-1 or -2 store.
 */
export const LAYOUT_VERSION = 3;
/** Jobs one list-backfill script call indexes (about 2,500 commands: a few ms of Redis time, ~0.1 s at load 35). */
export const LIST_BACKFILL_SLICE = 500;

export class RedisBackend extends SectionedBackend<RedisStore> implements Backend {
  readonly kind = "redis";
  readonly capabilities: BackendCapabilities = { crossProcess: true, notify: "push", push: true };
  /** `{prefix}:` — one hash tag, so every key of this store lives in one cluster slot. */
  readonly keyPrefix: string;
  private readonly push: RedisPush;
  private closing: Promise<void> | null = null;
  private readonly workflows: RedisWorkflows;

  constructor(
    readonly clock: Clock,
    redis: Redis,
    /** The subscriber connection (connected by createRedisBackend, SUBSCRIBEd on first use). */
    sub: Redis,
    prefix: string,
  ) {
    const store = new RedisStore(clock, redis, sub, prefix);
    store.enqueues = new EnqueueGroup(
      (batch, now) => jobs.enqueueScript(store, batch, now),
      ENQUEUE_JOBS_MAX,
    );
    const actions = new RedisJobActions({
      now: () => store.time().now,
      run: (name, args, writes) => store.run(name, args, writes),
    });
    const workflows = new RedisWorkflows({
      now: () => store.time().now,
      run: (name, args, writes) => store.run(name, args, writes),
    });
    super({
      store,
      sections: {
        ...jobs,
        ...spawn,
        ...control,
        ...reads,
        ...maintenance,
        ...actionSections(actions),
        // Text searches walk the jobs in bounded script calls (search.ts).
        jobList: listWithSearch(reads.jobList, redisSearch),
      },
      workflows,
      audit: new RedisAudit({
        redis,
        prefix: store.keyPrefix,
        now: () => clock.now(),
        beforeWrite: async () => store.assertOpen(),
        wrap,
      }),
      // Audit times are the HTTP server's own (its sessions expire on its clock); schedule
      // writes and the jobs they insert are judged on the store's clock.
      schedules: new RedisSchedules({
        redis,
        prefix: store.keyPrefix,
        now: () => store.time().now,
        run: (name, args) => store.run(name, args, true),
        wrap,
      }),
      skew: () => store.time().skew,
    });
    this.keyPrefix = store.keyPrefix;
    this.push = new RedisPush(store);
    this.workflows = workflows;
  }

  /** The command connection (tests and tools use it; spool code goes through the methods). */
  get client(): Redis {
    return this.store.redis;
  }

  async migrate(): Promise<void> {
    const key = `${this.keyPrefix}version`;
    const redis = this.store.redis;
    try {
      await redis.set(key, String(LAYOUT_VERSION), "NX");
      let version = Number(await redis.get(key));
      if (version > LAYOUT_VERSION) {
        throw new BackendError(
          `the Redis data under ${this.keyPrefix} uses layout version ${version}; this spool knows ${LAYOUT_VERSION}: upgrade spool`,
          { code: "SCHEMA_TOO_NEW" },
        );
      }
      // A store written before the list indexes: build them slice by slice (the list walk
      // ignores them until the last slice raises the version).
      while (version < LAYOUT_VERSION) {
        const reply = await this.store.run("list-backfill", [LIST_BACKFILL_SLICE], false);
        if (Number(reply[1]) === 1) version = LAYOUT_VERSION;
      }
    } catch (err) {
      throw wrap(err, "migrate");
    }
  }

  /** Measures the store clock against the server (createRedisBackend calls it once). */
  startClock(): Promise<void> {
    return this.store.startClock();
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.store.enqueues.flush(); // calls already made are sent (QUIT waits for their replies)
      this.store.closed = true;
      this.store.stopClock();
      this.store.subscriber.clear();
      this.push.disconnectAll();
      await Promise.all(
        [this.store.redis, this.store.sub].map(async (c) => {
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

  /** See RedisSubscriber.subscribe: events of every process sharing the prefix. */
  subscribe(listener: BackendEventListener, options?: SubscribeOptions): () => void {
    if (this.store.closed) return () => {};
    return this.store.subscriber.subscribe(listener, options);
  }

  // ── push delivery (push.ts) ──────────────────────────────────────────────────────────

  jobAwaitPushed(params: { workerId: string; timeoutMs: number }): Promise<LeasedJob[]> {
    return this.push.await(params);
  }
  jobInterruptPushed(params: { workerId: string }): Promise<void> {
    return this.push.interrupt(params);
  }

  // ── workflow enqueue (workflows.ts) ──────────────────────────────────────────────────

  workflowEnqueue(params: WorkflowEnqueueParams): Promise<WorkflowEnqueueResult> {
    const jobs = shiftRunAt(params.jobs, this.store.time().skew) as WorkflowEnqueueParams["jobs"];
    return this.workflows.enqueue(jobs === params.jobs ? params : { ...params, jobs });
  }

  // ── move (move.ts, seam/move.ts) ─────────────────────────────────────────────────────

  jobMoveTake(params: JobMoveTakeParams): Promise<JobMoveTakeResult> {
    return move.jobMoveTake(this.store, params);
  }
  jobMoveRead(params: { ids: string[] }): Promise<MovedJob[]> {
    return move.jobMoveRead(this.store, params.ids);
  }
  jobImport(params: JobImportParams): Promise<JobImportResult> {
    return move.jobImport(this.store, params);
  }
  jobMoveDelete(params: JobMoveDeleteParams): Promise<JobMoveDeleteResult> {
    return move.jobMoveDelete(this.store, params);
  }
  scheduleImport({ schedule }: { schedule: ScheduleRecord }): Promise<ScheduleImportResult> {
    return move.scheduleImport(this.store, schedule);
  }
}
