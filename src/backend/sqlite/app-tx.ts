/**
 * `{ tx }` on SQLite: enqueue on the application's own better-sqlite3 connection to the spool
 * file, inside the transaction it has open. The jobs and their change-feed row are written on
 * that connection and exist only if the app commits; spool's own connection (and every other
 * process) sees them at the commit, through the feed's usual wake-ups.
 *
 * better-sqlite3's `db.transaction(fn)` runs `fn` synchronously and spool's enqueue is async, so
 * open the transaction yourself: `db.exec("BEGIN IMMEDIATE")`, `await task.enqueue(x, { tx: db })`,
 * `db.exec("COMMIT")` (or `ROLLBACK`). An enqueue outside an open transaction is refused, since
 * it would commit on its own.
 */
import { realpathSync } from "node:fs";
import type Database from "better-sqlite3";
import { InvalidArgumentError } from "../../core/errors/index.js";
import type { BackendEvent, JobEnqueueResult, NewJob } from "../backend.js";
import { encodeEvents } from "./change-feed.js";
import * as SQL from "./generated/sql.js";
import { type InsertStatements, insertEach } from "./insert.js";
import type { SqliteStore } from "./store.js";

interface AppStatements extends InsertStatements {
  eventsInsert: Database.Statement<[{ at: number; events: string }]>;
}

/** Statements prepared once per application connection. */
const prepared = new WeakMap<Database.Database, AppStatements>();

function statementsFor(db: Database.Database): AppStatements {
  let sql = prepared.get(db);
  if (!sql) {
    const p = (text: string) => db.prepare(text);
    sql = {
      jobState: p(SQL.JOB_STATE),
      jobByKey: p(SQL.JOB_BY_KEY),
      jobInsertRows: p(SQL.JOB_INSERT_ROWS),
      depInsert: p(SQL.DEP_INSERT),
      jobMarkHasDependents: p(SQL.JOB_MARK_HAS_DEPENDENTS),
      dedupeGet: p(SQL.DEDUPE_GET),
      dedupePut: p(SQL.DEDUPE_PUT),
      jobDedupeUpdate: p(SQL.JOB_DEDUPE_UPDATE),
      eventsInsert: p(SQL.EVENTS_INSERT),
    } as unknown as AppStatements;
    prepared.set(db, sql);
  }
  return sql;
}

function sameFile(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
}

function asAppDatabase(s: SqliteStore, tx: object): Database.Database {
  const db = tx as Partial<Database.Database>;
  if (
    typeof db.prepare !== "function" ||
    typeof db.name !== "string" ||
    typeof db.inTransaction !== "boolean"
  )
    throw new InvalidArgumentError(
      "tx must be the application's better-sqlite3 Database on the spool file",
      "tx",
    );
  if (!sameFile(db.name, s.file))
    throw new InvalidArgumentError(`tx is a connection to ${db.name}, not to the spool file ${s.file}`, "tx");
  if (!db.inTransaction)
    throw new InvalidArgumentError(
      'tx has no open transaction: db.exec("BEGIN IMMEDIATE") first (db.transaction() cannot wait for an async enqueue)',
      "tx",
    );
  return db as Database.Database;
}

export async function enqueueInAppTransaction(
  s: SqliteStore,
  tx: object,
  jobs: readonly NewJob[],
  now: number,
): Promise<JobEnqueueResult> {
  const db = asAppDatabase(s, tx);
  const sql = statementsFor(db);
  const events: BackendEvent[] = [];
  const result = insertEach(sql, jobs, now, events);
  if (events.length > 0) sql.eventsInsert.run({ at: now, events: encodeEvents(events) });
  return result;
}
