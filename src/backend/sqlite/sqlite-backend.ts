/**
 * The SQLite store: the memory backend's semantics, over one WAL file shared by every process
 * on the host. See index.ts for the design note and limits, store.ts for the transaction rules.
 *
 * This class only composes: the connection, statements and shared rules are in store.ts, the
 * methods in one file per section of the seam (jobs.ts, control.ts, reads.ts, maintenance.ts,
 * plus workflows.ts, schedules.ts, audit.ts), forwarded by ../sectioned-backend.ts.
 */
import type Database from "better-sqlite3";
import type { Clock } from "../../core/clock.js";
import type {
  Backend,
  BackendCapabilities,
  BackendEventListener,
  WorkflowEnqueueParams,
  WorkflowEnqueueResult,
} from "../backend.js";
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
import { atCapOf } from "./at-cap.js";
import { SqliteAudit } from "./audit.js";
import * as control from "./control.js";
import { migrateDatabase } from "./database.js";
import * as flow from "./flow.js";
import { insertEach } from "./insert.js";
import { SqliteJobActions } from "./job-actions.js";
import * as jobs from "./jobs.js";
import * as maintenance from "./maintenance.js";
import * as move from "./move.js";
import * as reads from "./reads.js";
import { SqliteSchedules } from "./schedules.js";
import { SqliteSearch } from "./search.js";
import * as spawn from "./spawn.js";
import { SqliteStore } from "./store.js";
import type { SqliteOptions } from "./url.js";

export { LOG_LINES_MAX } from "./store.js";

export class SqliteBackend extends SectionedBackend<SqliteStore> implements Backend {
  readonly kind = "sqlite";
  readonly capabilities: BackendCapabilities = { crossProcess: true, notify: "watch", push: false };
  readonly file: string;

  private readonly search: SqliteSearch;

  constructor(
    readonly clock: Clock,
    options: SqliteOptions,
  ) {
    const store = new SqliteStore(clock, options);
    const host = {
      now: () => clock.now(),
      write: store.write.bind(store),
      read: store.read.bind(store),
    };
    // Audit times are the HTTP server's own (its sessions expire on its clock); schedule
    // writes and the jobs they insert are judged on the store's clock.
    const storeHost = { ...host, now: () => store.time().now };
    const actions = new SqliteJobActions(store.db, storeHost);
    const search = new SqliteSearch(store.db, { ...host, open: () => !store.closed });
    super({
      store,
      sections: {
        ...jobs,
        ...spawn,
        ...control,
        ...flow,
        ...reads,
        ...maintenance,
        ...actionSections(actions),
        // Text searches go through the trigram index (search.ts).
        jobList: listWithSearch(reads.jobList, (_, params) => search.list(params)),
      },
      workflows: store.workflows,
      audit: new SqliteAudit(store.db, host),
      schedules: new SqliteSchedules(store.db, {
        ...storeHost,
        insertJob: (job, now, events) =>
          insertEach(store.sql, [job], now, events, atCapOf(store, now)).jobs[0]!,
      }),
      skew: () => store.time().skew,
    });
    this.file = options.file;
    this.search = search;
    this.search.start();
  }

  /** The connection (tests reach it to hold locks; spool code goes through the methods). */
  private get db(): Database.Database {
    return this.store.db;
  }

  async migrate(): Promise<void> {
    await this.store.retryBusy("SQLite migration failed", () => migrateDatabase(this.db, this.clock.now()));
  }

  async close(): Promise<void> {
    if (this.store.closed) return;
    // Calls already made are written, not dropped (or refused, if the file was replaced).
    await this.store.enqueues?.flush();
    const replaced = this.store.replaced();
    this.store.closed = true;
    this.search.stop();
    this.store.feed.close();
    // SQLite's last close checkpoints and then deletes `<path>-wal` and `<path>-shm` BY NAME:
    // with the file replaced, those names belong to the new database, whose unread WAL would
    // be lost. So a connection to a replaced file is abandoned, not closed (the OS releases
    // it when the process exits).
    if (!replaced) this.db.close();
  }

  subscribe(listener: BackendEventListener): () => void {
    if (this.store.closed) return () => {};
    return this.store.feed.subscribe(listener);
  }

  /**
   * Indexes every job written since the search index last caught up (the backend also does
   * this in the background and before each search). For tools and benchmarks; returns the
   * number of batches (of up to 1,000 documents) it indexed.
   */
  searchCatchUp(): Promise<number> {
    return this.search.indexPending(Number.POSITIVE_INFINITY);
  }

  // ── workflow enqueue (workflows.ts) ──────────────────────────────────────────────────

  async workflowEnqueue(params: WorkflowEnqueueParams): Promise<WorkflowEnqueueResult> {
    const { now, skew } = this.store.time();
    const jobs = shiftRunAt(params.jobs, skew) as WorkflowEnqueueParams["jobs"];
    return this.store.workflows.enqueue(jobs === params.jobs ? params : { ...params, jobs }, now);
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
