/**
 * The SQLite backend's connection, prepared statements, transaction helpers and the rules
 * every section shares (cascades down the dependency graph, removing a job, events). The
 * section files (jobs.ts, control.ts, reads.ts, maintenance.ts) act on one `SqliteStore`;
 * sqlite-backend.ts composes them.
 *
 * Each write runs exactly one `BEGIN IMMEDIATE` transaction: the write lock is taken up
 * front, so two processes never deadlock upgrading a read lock. The change-feed row of a batch
 * is written in the same transaction as its transitions.
 *
 * Lock waits never block the event loop for long: better-sqlite3 waits synchronously, so the
 * connection's own busy_timeout is only SYNC_BUSY_WAIT_MS; when the lock is still taken the
 * call retries asynchronously with a growing pause (1 ms doubling to 50 ms) until the
 * configured `busy_timeout` has passed, then fails with a BackendError. A foreign process
 * holding the lock for seconds delays only the calls that need it, not the whole process.
 *
 * Before every call the file is checked to still be the one opened (device and inode): a
 * database file deleted or replaced under a running process fails every later call with
 * `BackendError` code `STORE_REPLACED`, rather than writing to an unlinked file nobody reads.
 */
import { readFileSync, type Stats, statSync } from "node:fs";
import type Database from "better-sqlite3";
import type { Clock } from "../../core/clock.js";
import { BackendError, InvalidArgumentError } from "../../core/errors/index.js";
import type { JobState } from "../../core/types.js";
import type { BackendEvent } from "../backend.js";
import { StoreClock, type StoreTime } from "../store-clock.js";
import { ChangeFeed } from "./change-feed.js";
import { isBusyError, migrateDatabase, openDatabase, retryBusyAtStart, toBackendError } from "./database.js";
import * as SQL from "./generated/sql.js";
import type { GroupCommit } from "./group-commit.js";
import { prepareStatements, type Statements } from "./statements.js";
import type { SqliteOptions } from "./url.js";
import { SqliteWorkflows } from "./workflows.js";

/** The longest one attempt waits synchronously inside SQLite for a lock (its busy_timeout). */
export const SYNC_BUSY_WAIT_MS = 5;
/** The pause between lock attempts grows to this (jittered). */
const BUSY_RETRY_MAX_MS = 50;

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
  /** How long a call waits for a lock in all (the URL's busy_timeout). */
  private readonly busyTimeoutMs: number;
  /** The file as opened: a different device/inode at that path means it was replaced. */
  private readonly identity: { dev: number; ino: number };
  /** The store's clock (monotonic + the offset kept in the file): see store-clock.ts. */
  private readonly storeClock: StoreClock;
  closed = false;

  constructor(
    readonly clock: Clock,
    options: SqliteOptions,
  ) {
    this.file = options.file;
    this.busyTimeoutMs = options.busyTimeoutMs;
    this.db = openDatabase(options);
    try {
      // The first migration waits for the lock synchronously (busy_timeout), once, while the
      // backend is being created; every later call waits asynchronously (see `retryBusy`).
      migrateDatabase(this.db, clock.now(), options.busyTimeoutMs);
      this.storeClock = new StoreClock(clock);
      // Before busy_timeout drops to SYNC_BUSY_WAIT_MS: the clock row is a write too, and
      // processes starting together take turns for it.
      const db = this.db;
      if (this.storeClock.active)
        retryBusyAtStart(options.busyTimeoutMs, () => syncClock(db, this.storeClock));
      this.db.pragma(`busy_timeout = ${Math.min(SYNC_BUSY_WAIT_MS, options.busyTimeoutMs)}`);
      this.identity = fileIdentity(statSync(options.file));
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

  /** The store's time now and the caller's skew against it (see store-clock.ts). */
  time(): StoreTime {
    return this.storeClock.time();
  }

  /**
   * Runs `fn` in one BEGIN IMMEDIATE transaction, appends the events it collected to the
   * change feed in the same transaction, and hands them to local subscribers after commit.
   * While another connection holds the write lock, waits without blocking the event loop
   * (`fn` runs again from the start on the next attempt, with fresh events).
   */
  write<T>(what: string, now: number, fn: (events: Events) => T): Promise<T> {
    return this.retryBusy(`SQLite ${what} failed`, () => {
      const events: Events = [];
      let seq = 0;
      const result = this.txn.immediate(() => {
        const r = fn(events);
        seq = this.feed.append(events, now);
        return r;
      }) as T;
      this.feed.committed(seq, events);
      return result;
    });
  }

  read<T>(fn: () => T): Promise<T> {
    return this.retryBusy("SQLite read failed", fn);
  }

  /**
   * Runs `attempt` (synchronous, one transaction at most) until it does not fail with
   * SQLITE_BUSY, pausing asynchronously between attempts, for at most `busyTimeoutMs`.
   */
  async retryBusy<T>(context: string, attempt: () => T): Promise<T> {
    const started = performance.now();
    let pause = 1;
    for (;;) {
      this.assertUsable();
      try {
        return attempt();
      } catch (error) {
        const waited = performance.now() - started;
        if (!isBusyError(error) || waited >= this.busyTimeoutMs) throw toBackendError(error, context);
        const left = this.busyTimeoutMs - waited;
        await sleep(Math.min(left, pause * (0.5 + Math.random())));
        pause = Math.min(pause * 2, BUSY_RETRY_MAX_MS);
      }
    }
  }

  assertOpen(): void {
    if (this.closed) throw new BackendError(`the SQLite backend (${this.file}) is closed`);
  }

  /** Open, and its path still names the file it opened. */
  assertUsable(): void {
    this.assertOpen();
    const change = this.replaced();
    if (change) {
      throw new BackendError(
        `the SQLite database ${this.file} was ${change} while this process had it open: refusing to read or write ` +
          "the old file (nothing written there would be seen by other processes). Restart the process to open the new file.",
        { code: "STORE_REPLACED" },
      );
    }
  }

  /** "deleted" or "replaced by another file" when the path no longer names the opened file, else null. */
  replaced(): string | null {
    let now: { dev: number; ino: number };
    try {
      now = fileIdentity(statSync(this.file));
    } catch {
      return "deleted";
    }
    return now.dev !== this.identity.dev || now.ino !== this.identity.ino ? "replaced by another file" : null;
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
      if (!row) {
        // A spawn waiter is not cancelled by its child's end: its policy applies.
        const w = this.sql.jobSpawnSettle.get({ id, now });
        if (w && w.state !== "waiting")
          events.push(jobEvent("job:enqueued", id, w.queue, now, w.state, { released: true }));
        continue;
      }
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

  /** Inside a transaction: deletes a job that is not running, with the rows that describe it (`forget`). */
  removeOne(id: string): { queue: string; state: JobState } | undefined {
    const row = this.sql.jobDelete.get({ id });
    if (!row) return undefined;
    this.forget(id, row);
    return row;
  }

  /**
   * Inside a transaction, after deleting job `id`: the rows that only describe it (its logs,
   * dependency edges, follow-up templates, the dedupe row recording it).
   */
  forget(id: string, row: { has_dependents: number; has_dependencies: number }): void {
    this.sql.jobLogsDelete.run({ job_id: id });
    if (row.has_dependents || row.has_dependencies) this.sql.depsDelete.run({ id });
    // Follow-ups mark their job has_dependents (insert.ts): a job without the mark has none.
    if (row.has_dependents) this.sql.followUpDelete.run({ id });
    this.sql.dedupeDeleteJob.run({ id });
  }
}

/**
 * Takes the store clock's offset from the file (setting it first if this is the first process
 * of this boot). Linux only (the boot id tells whether the monotonic clock restarted); elsewhere
 * the store keeps judging time on each process's own clock.
 */
function syncClock(db: Database.Database, clock: StoreClock): void {
  let boot: string;
  try {
    boot = readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
  } catch {
    return;
  }
  const row = db
    .transaction(() => {
      db.prepare(SQL.CLOCK_SYNC).run({ boot, offset_ms: clock.callerOffset() });
      return db.prepare<[], { boot: string; offset_ms: number }>(SQL.CLOCK_GET).get();
    })
    .immediate();
  if (row) clock.setOffset(row.offset_ms);
}

function fileIdentity(stat: Stats): { dev: number; ino: number } {
  return { dev: stat.dev, ino: stat.ino };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
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
