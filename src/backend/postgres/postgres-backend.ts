/**
 * The PostgreSQL store: the Backend interface composed from its sections (jobs.ts, control.ts,
 * maintenance.ts, schedules.ts, workflows.ts, audit.ts) over one PgStore (store.ts). See
 * index.ts for the design note.
 */
import pg from "pg";
import type { Clock } from "../../core/clock.js";
import type { Backend, BackendCapabilities, BackendEventListener } from "../backend.js";
import { PgAudit } from "./audit.js";
import { PgClaims } from "./claim.js";
import { clientConfig } from "./connection.js";
import { PgControl } from "./control.js";
import { PgFeed } from "./feed.js";
import { pgJobBackoff, pgQueueHold, pgQueueLimit } from "./flow.js";
import { PgJobActions } from "./job-actions.js";
import { PgJobs } from "./jobs.js";
import { PgMaintenance } from "./maintenance.js";
import { migrateSchema } from "./migrate.js";
import * as move from "./move.js";
import { PgOutcomes } from "./outcomes.js";
import { PgSchedules } from "./schedules.js";
import { jobSpawn } from "./spawn.js";
import { prepareStatements, run } from "./statements.js";
import { PgStore, ServerClock } from "./store.js";
import type { PostgresOptions } from "./url.js";
import { PgWorkflows } from "./workflows.js";

/** How long `migrate()` waits for the change feed's LISTEN before it returns anyway. */
const LISTEN_WAIT_MS = 5_000;

export class PostgresBackend implements Backend {
  readonly kind = "postgres";
  readonly capabilities: BackendCapabilities;
  readonly clock: Clock;
  readonly schema: string;
  /** The store: pool, statements, transactions (for the `{ tx }` adapters and tests). */
  readonly store: PgStore;
  readonly feed: PgFeed;

  private readonly jobs: PgJobs;
  private readonly claims: PgClaims;
  private readonly outcomes: PgOutcomes;
  private readonly control: PgControl;
  private readonly maintenance: PgMaintenance;
  private readonly schedules: PgSchedules;
  private readonly workflows: PgWorkflows;
  private readonly audit: PgAudit;
  private readonly actions: PgJobActions;

  constructor(options: PostgresOptions, clock?: Clock) {
    this.schema = options.schema;
    this.clock = clock ?? new ServerClock();
    const sql = prepareStatements(options.schema);
    this.feed = new PgFeed({
      channel: `spool:${options.schema}`,
      listen: options.listen,
      client: () => new pg.Client(clientConfig(options.connectionString)),
      fetch: async (seq) => {
        const [row] = await this.store.read((q) => q<{ events: string }>(sql.EVENTS_GET, { seq }));
        return row?.events ?? null;
      },
      readyQueues: async () => {
        const rows = await this.store.read((q) => q<{ queue: string }>(sql.QUEUES_READY));
        return { queues: rows.map((r) => r.queue), at: this.clock.now() };
      },
    });
    this.capabilities = { crossProcess: true, notify: options.listen ? "push" : "none", push: false };
    this.store = new PgStore(
      options.connectionString,
      options.poolSize,
      sql,
      this.feed,
      this.clock,
      clock ?? null,
    );
    this.jobs = new PgJobs(this.store);
    this.claims = new PgClaims(this.store);
    this.outcomes = new PgOutcomes(this.store);
    this.control = new PgControl(this.store);
    this.maintenance = new PgMaintenance(this.store);
    this.schedules = new PgSchedules(this.store, this.jobs);
    this.workflows = new PgWorkflows(this.store);
    this.audit = new PgAudit(this.store);
    this.actions = new PgJobActions(this.store);
  }

  async migrate(): Promise<void> {
    this.store.assertOpen();
    await migrateSchema(this.store.pool, this.schema, this.store.sql, this.clock.now());
    await this.feed.listenNow(LISTEN_WAIT_MS);
  }

  /** Reads the server's clock now (the ServerClock keeps its offset from every write anyway). */
  async syncClock(): Promise<void> {
    if (!(this.clock instanceof ServerClock)) return;
    const [row] = await this.store.read(() =>
      run<{ now: number }>(this.store.pool, {
        name: "spool_server_now",
        text: "SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint AS now",
        params: [],
      }),
    );
    if (row) this.clock.observe(row.now);
  }

  close(): Promise<void> {
    return this.store.close();
  }

  subscribe(listener: BackendEventListener): () => void {
    if (this.store.isClosed) return () => {};
    return this.feed.subscribe(listener);
  }

  // ── jobs (jobs.ts, control.ts) ───────────────────────────────────────────────────────
  readonly jobEnqueue: Backend["jobEnqueue"] = (p) => this.jobs.enqueue(p);
  readonly jobClaim: Backend["jobClaim"] = (p) => this.claims.claim(p);
  readonly jobComplete: Backend["jobComplete"] = (p) => this.outcomes.complete(p);
  readonly jobFail: Backend["jobFail"] = (p) => this.outcomes.fail(p);
  readonly jobRelease: Backend["jobRelease"] = (p) => this.outcomes.release(p);
  readonly jobSpawn: Backend["jobSpawn"] = (p) => jobSpawn(this.store, p);
  readonly jobCancel: Backend["jobCancel"] = (p) => this.control.cancel(p);
  readonly jobRetry: Backend["jobRetry"] = (p) => this.control.retry(p);
  readonly jobRemove: Backend["jobRemove"] = (p) => this.control.remove(p);
  readonly jobProgress: Backend["jobProgress"] = (p) => this.control.progress(p);
  readonly jobLog: Backend["jobLog"] = (p) => this.control.log(p);
  readonly jobGet: Backend["jobGet"] = ({ id }) => this.control.get(id);
  readonly jobGetMany: Backend["jobGetMany"] = ({ ids }) => this.control.getMany(ids);
  readonly jobFollowUps: Backend["jobFollowUps"] = ({ id }) => this.control.followUps(id);
  readonly jobList: Backend["jobList"] = (p) =>
    p.search === undefined ? this.control.list(p) : this.actions.search({ ...p, search: p.search });
  readonly jobUpdate: Backend["jobUpdate"] = (p) => this.actions.update(p);
  readonly jobPromote: Backend["jobPromote"] = (p) => this.actions.promote(p);
  readonly jobLogs: Backend["jobLogs"] = ({ id, limit }) => this.control.logs(id, limit);

  // ── maintenance (maintenance.ts) ─────────────────────────────────────────────────────
  readonly leaseRenew: Backend["leaseRenew"] = (p) => this.maintenance.leaseRenew(p);
  readonly leaseRescue: Backend["leaseRescue"] = (p) => this.maintenance.leaseRescue(p);
  readonly queuePause: Backend["queuePause"] = ({ queue }) => this.maintenance.queuePause(queue);
  readonly queueResume: Backend["queueResume"] = ({ queue }) => this.maintenance.queueResume(queue);
  readonly queueLimit: Backend["queueLimit"] = (params) => pgQueueLimit(this.store, params);
  readonly queueHold: Backend["queueHold"] = (params) => pgQueueHold(this.store, params);
  readonly jobBackoff: Backend["jobBackoff"] = (params) => pgJobBackoff(this.store, params);
  readonly queueList: Backend["queueList"] = () => this.maintenance.queueList();
  readonly retentionPrune: Backend["retentionPrune"] = (p) => this.maintenance.retentionPrune(p);
  readonly workerHeartbeat: Backend["workerHeartbeat"] = (p) => this.maintenance.workerHeartbeat(p);
  readonly workerRemove: Backend["workerRemove"] = ({ id }) => this.maintenance.workerRemove(id);
  readonly workerList: Backend["workerList"] = () => this.maintenance.workerList();

  // ── schedules (schedules.ts) ─────────────────────────────────────────────────────────
  readonly scheduleUpsert: Backend["scheduleUpsert"] = (p) => this.schedules.upsert(p);
  readonly scheduleGet: Backend["scheduleGet"] = ({ name }) => this.schedules.get(name);
  readonly scheduleList: Backend["scheduleList"] = () => this.schedules.list();
  readonly scheduleRemove: Backend["scheduleRemove"] = ({ name }) => this.schedules.remove(name);
  readonly schedulePause: Backend["schedulePause"] = ({ name }) => this.schedules.pause(name);
  readonly scheduleResume: Backend["scheduleResume"] = (p) => this.schedules.resume(p);
  readonly scheduleFire: Backend["scheduleFire"] = (p) => this.schedules.fire(p);
  readonly scheduleRuns: Backend["scheduleRuns"] = (p) => this.schedules.runs(p);

  // ── move (move.ts) ───────────────────────────────────────────────────────────────────
  readonly jobMoveTake: Backend["jobMoveTake"] = (p) => move.jobMoveTake(this.store, p);
  readonly jobMoveRead: Backend["jobMoveRead"] = (p) => move.jobMoveRead(this.store, p.ids);
  readonly jobImport: Backend["jobImport"] = (p) => move.jobImport(this.store, p);
  readonly jobMoveDelete: Backend["jobMoveDelete"] = (p) => move.jobMoveDelete(this.store, p);
  readonly scheduleImport: Backend["scheduleImport"] = ({ schedule }) =>
    move.scheduleImport(this.store, schedule);

  // ── workflows (workflows.ts) ─────────────────────────────────────────────────────────
  readonly workflowEnqueue: Backend["workflowEnqueue"] = (p) => this.workflows.enqueue(p);
  readonly workflowGet: Backend["workflowGet"] = ({ id }) => this.workflows.get(id);
  readonly workflowList: Backend["workflowList"] = (p) => this.workflows.list(p);

  // ── audit log and session revocations (audit.ts) ─────────────────────────────────────
  readonly auditAppend: Backend["auditAppend"] = (p) => this.audit.auditAppend(p);
  readonly auditList: Backend["auditList"] = (p) => this.audit.auditList(p);
  readonly auditPrune: Backend["auditPrune"] = (p) => this.audit.auditPrune(p);
  readonly sessionRevoke: Backend["sessionRevoke"] = (p) => this.audit.sessionRevoke(p);
  readonly sessionRevoked: Backend["sessionRevoked"] = (p) => this.audit.sessionRevoked(p);
}
