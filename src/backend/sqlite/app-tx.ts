/**
 * `{ tx }` on SQLite: enqueue on the application's own better-sqlite3 connection to the spool
 * file, inside the transaction it has open. The jobs and their change-feed row are written on
 * that connection and exist only if the app commits; spool's own connection (and every other
 * process) sees them at the commit, through the feed's usual wake-ups.
 *
 * better-sqlite3's `db.transaction(fn)` runs `fn` synchronously and spool's enqueue is async, so
 * open the transaction yourself: `db.exec("BEGIN IMMEDIATE")`, `await task.enqueue(x, { tx: db })`,
 * `db.exec("COMMIT")` (or `ROLLBACK`). An enqueue outside an open transaction is refused, since
 * it would commit on its own. `ctx.complete({ tx: db })` completes a running job the same way
 * (fenced by its lease token; its dependents released and its `then` follow-up inserted in the
 * same transaction).
 */
import { realpathSync } from "node:fs";
import type Database from "better-sqlite3";
import { InvalidArgumentError } from "../../core/errors/index.js";
import type { JobState } from "../../core/types.js";
import type {
  BackendEvent,
  JobCompleteParams,
  JobEnqueueResult,
  NewJob,
  TransitionResult,
} from "../backend.js";
import { refuseStrategyInTx } from "../cap-strategy.js";
import { encodeEvents } from "./change-feed.js";
import { countCompleted } from "./counts.js";
import { takeFollowUp } from "./follow-ups.js";
import * as SQL from "./generated/sql.js";
import { type InsertStatements, insertEach } from "./insert.js";
import { jobEvent, type SqliteStore } from "./store.js";

interface AppStatements extends InsertStatements {
  eventsInsert: Database.Statement<[{ at: number; events: string }]>;
  jobComplete: Database.Statement<[{ id: string; token: string; result: string; now: number }]>;
  depsRelease: Database.Statement<[{ parent_id: string; now: number }]>;
  stateCountsAdd: Database.Statement<[{ queue: string; state: string; n: number }]>;
  followUpTake: SqliteStore["sql"]["followUpTake"];
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
      followUpInsert: p(SQL.FOLLOW_UP_INSERT),
      jobDedupeUpdate: p(SQL.JOB_DEDUPE_UPDATE),
      eventsInsert: p(SQL.EVENTS_INSERT),
      jobComplete: p(SQL.JOB_COMPLETE),
      depsRelease: p(SQL.DEPS_RELEASE),
      stateCountsAdd: p(SQL.STATE_COUNTS_ADD),
      followUpTake: p(SQL.FOLLOW_UP_TAKE),
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
  refuseStrategyInTx(jobs);
  const db = asAppDatabase(s, tx);
  const sql = statementsFor(db);
  const events: BackendEvent[] = [];
  const result = insertEach(sql, jobs, now, events);
  if (events.length > 0) sql.eventsInsert.run({ at: now, events: encodeEvents(events) });
  return result;
}

/**
 * Completes running jobs on the application's connection, inside its open transaction, each
 * only if its token still fences it (as jobComplete does on spool's connection): the job, its
 * released dependents, the finished counter and the change-feed row commit with the app.
 */
export function completeInAppTransaction(
  s: SqliteStore,
  tx: object,
  jobs: JobCompleteParams["jobs"],
  now: number,
): TransitionResult {
  const db = asAppDatabase(s, tx);
  const sql = statementsFor(db);
  const events: BackendEvent[] = [];
  const ok: string[] = [];
  const refused: string[] = [];
  for (const { id, token, result } of jobs) {
    const row = sql.jobComplete.get({ id, token, result, now }) as
      | { queue: string; attempt: number; has_dependents: number }
      | undefined;
    if (!row) {
      refused.push(id);
      continue;
    }
    ok.push(id);
    events.push(jobEvent("job:completed", id, row.queue, now, "completed", { attempt: row.attempt }));
    countCompleted(sql, new Map([[row.queue, 1]]));
    if (!row.has_dependents) continue;
    const children = sql.depsRelease.all({ parent_id: id, now }) as {
      id: string;
      queue: string;
      state: JobState;
    }[];
    for (const child of children) {
      if (child.state === "waiting") continue;
      events.push(jobEvent("job:enqueued", child.id, child.queue, now, child.state, { released: true }));
    }
    takeFollowUp(sql, id, "completed", result, now, events);
  }
  if (events.length > 0) sql.eventsInsert.run({ at: now, events: encodeEvents(events) });
  return { ok, refused };
}
