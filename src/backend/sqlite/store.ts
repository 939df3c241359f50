/**
 * The SQLite backend's connection, prepared statements, transaction helpers and the rules
 * every section shares (cascades down the dependency graph, removing a job, events). The
 * section files (jobs.ts, control.ts, reads.ts, maintenance.ts) act on one `SqliteStore`;
 * sqlite-backend.ts composes them.
 *
 * Each write runs exactly one `BEGIN IMMEDIATE` transaction: the write lock is taken up
 * front, so two processes never deadlock upgrading a read lock, and a busy writer is waited
 * for (busy_timeout) instead of failing. The change-feed row of a batch is written in the
 * same transaction as its transitions.
 */
import type Database from "better-sqlite3";
import type { Clock } from "../../core/clock.js";
import { BackendError, InvalidArgumentError } from "../../core/errors/index.js";
import type { JobState } from "../../core/types.js";
import type { BackendEvent } from "../backend.js";
import { ChangeFeed } from "./change-feed.js";
import { migrateDatabase, openDatabase, toBackendError } from "./database.js";
import type { GroupCommit } from "./group-commit.js";
import { prepareStatements, type Statements } from "./statements.js";
import type { SqliteOptions } from "./url.js";
import { SqliteWorkflows } from "./workflows.js";

/** Log lines kept per job (oldest dropped first), as in the memory backend. */
export const LOG_LINES_MAX = 1000;

export type Events = BackendEvent[];

export class SqliteStore {
  readonly file: string;
  readonly db: Database.Database;
  readonly sql: Statements;
  readonly feed: ChangeFeed;
  readonly workflows: SqliteWorkflows;
  /** Enqueues are group-committed (group-commit.ts); created by jobs.ts on the first one. */
  enqueues: GroupCommit | null = null;
  private readonly sp: Database.Transaction<(fn: () => unknown) => unknown>;
  private readonly txn: Database.Transaction<(fn: () => unknown) => unknown>;
  closed = false;

  constructor(
    readonly clock: Clock,
    options: SqliteOptions,
  ) {
    this.file = options.file;
    this.db = openDatabase(options);
    try {
      migrateDatabase(this.db, clock.now());
      // jobList's search matches case-insensitively the way String.toLowerCase does (SQLite's
      // lower() folds ASCII only).
      this.db.function("spool_contains_ci", { deterministic: true }, (hay, needle) =>
        String(hay).toLowerCase().includes(String(needle)) ? 1 : 0,
      );
      this.sql = prepareStatements(this.db);
    } catch (error) {
      this.db.close();
      throw toBackendError(error, `cannot prepare the SQLite database ${options.file}`);
    }
    this.txn = this.db.transaction((fn: () => unknown) => fn());
    // Called inside a transaction, a better-sqlite3 transaction is a SAVEPOINT.
    this.sp = this.db.transaction((fn: () => unknown) => fn());
    this.feed = new ChangeFeed(this.sql.feed, options.file, options.pollMs, clock.now());
    this.workflows = new SqliteWorkflows(this.db, {
      write: (what, now, fn) => this.write(what, now, fn),
      read: (fn) => this.read(fn),
      cancelDependents: (id, now, events, reason) => this.cancelDependents(id, now, events, reason),
    });
  }

  /** Inside a write transaction: runs `fn` in a SAVEPOINT, rolled back to if `fn` throws. */
  savepoint<T>(fn: () => T): T {
    return this.sp(fn) as T;
  }

  /**
   * Runs `fn` in one BEGIN IMMEDIATE transaction, appends the events it collected to the
   * change feed in the same transaction, and hands them to local subscribers after commit.
   */
  write<T>(what: string, now: number, fn: (events: Events) => T): T {
    this.assertOpen();
    const events: Events = [];
    let seq = 0;
    let result: T;
    try {
      result = this.txn.immediate(() => {
        const r = fn(events);
        seq = this.feed.append(events, now);
        return r;
      }) as T;
    } catch (error) {
      throw toBackendError(error, `SQLite ${what} failed`);
    }
    this.feed.committed(seq, events);
    return result;
  }

  read<T>(fn: () => T): T {
    this.assertOpen();
    try {
      return fn();
    } catch (error) {
      throw toBackendError(error, "SQLite read failed");
    }
  }

  assertOpen(): void {
    if (this.closed) throw new BackendError(`the SQLite backend (${this.file}) is closed`);
  }

  /** Inside a transaction: every waiting child of `parentId` has one dependency fewer. */
  releaseDependents(parentId: string, now: number, events: Events): void {
    for (const child of this.sql.depsRelease.all({ parent_id: parentId, now })) {
      if (child.state === "waiting") continue;
      events.push(jobEvent("job:enqueued", child.id, child.queue, now, child.state, { released: true }));
    }
  }

  /** Inside a transaction: cancels every not-yet-final, not-running job downstream of `rootId`. */
  cancelDependents(rootId: string, now: number, events: Events, reason: string, into?: string[]): void {
    const stack = this.children(rootId);
    while (stack.length > 0) {
      const id = stack.pop()!;
      const row = this.sql.jobCancelDependent.get({ id, now });
      if (!row) continue;
      events.push(jobEvent("job:cancelled", id, row.queue, now, "cancelled", { reason }));
      into?.push(id);
      if (row.has_dependents) stack.push(...this.children(id));
    }
  }

  /** Inside a transaction: a job ended `failed` (no retry left): dependents cancelled, failFast applied. */
  failed(id: string, hasDependents: number, now: number, events: Events): void {
    if (hasDependents) this.cancelDependents(id, now, events, `dependency ${id} failed`);
    this.workflows.onJobFailed(id, now, events);
  }

  private children(parentId: string): string[] {
    return this.sql.depsChildren.all({ parent_id: parentId }).map((r) => r.child_id);
  }

  /** Inside a transaction: deletes a job that is not running, with its logs and dependency edges. */
  removeOne(id: string): { queue: string; state: JobState } | undefined {
    const row = this.sql.jobDelete.get({ id });
    if (!row) return undefined;
    this.sql.jobLogsDelete.run({ job_id: id });
    if (row.has_dependents || row.has_dependencies) this.sql.depsDelete.run({ id });
    return row;
  }
}

export function jobEvent(
  type: BackendEvent["type"],
  jobId: string,
  queue: string,
  at: number,
  state: JobState,
  data?: Record<string, unknown>,
): BackendEvent {
  return data === undefined ? { type, jobId, queue, at, state } : { type, jobId, queue, at, state, data };
}

export function alreadyExists(id: string): InvalidArgumentError {
  return new InvalidArgumentError(`job id ${id} already exists`, "id");
}
