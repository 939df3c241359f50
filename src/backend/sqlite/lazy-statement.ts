/**
 * Statements prepared at their first use rather than when the store opens. A store prepares
 * about 150 statements and a worker runs a few dozen of them; each prepared statement holds
 * SQLite's compiled program (malloc) and a JS object, about 1.5 MiB of an idle worker's RSS in
 * all (bench/rss-idle.ts, docs/benchmarks.md "Idle worker RSS"). The first call pays the
 * preparation once (tens of microseconds); later calls are the plain statement behind one field
 * check. Every statement's SQL is still checked against the migrated schema by
 * test/backend/sqlite-statements.test.ts, as eager preparation checked it at open.
 */
import type Database from "better-sqlite3";

/** The part of a better-sqlite3 statement the backend uses. */
export type LazyStatement<P extends unknown[] = unknown[], R = unknown> = Pick<
  Database.Statement<P, R>,
  "run" | "get" | "all"
> & {
  /** The SQL text. */
  readonly source: string;
  /** Prepares it now if not yet (tests; never needed by callers). */
  prepare(): void;
};

class Lazy<P extends unknown[], R> {
  #stmt: Database.Statement<P, R> | undefined;

  constructor(
    private readonly db: Database.Database,
    readonly source: string,
  ) {}

  prepare(): Database.Statement<P, R> {
    this.#stmt ??= this.db.prepare<P, R>(this.source);
    return this.#stmt;
  }

  run(...params: P): Database.RunResult {
    return (this.#stmt ?? this.prepare()).run(...params);
  }

  get(...params: P): R | undefined {
    return (this.#stmt ?? this.prepare()).get(...params);
  }

  all(...params: P): R[] {
    return (this.#stmt ?? this.prepare()).all(...params);
  }
}

/** Every lazy statement made on a connection, so a test can prepare them all (see the file comment). */
const made = new WeakMap<Database.Database, Lazy<unknown[], unknown>[]>();

export function prepareLazily<P extends unknown[] = unknown[], R = unknown>(
  db: Database.Database,
  source: string,
): LazyStatement<P, R> {
  const stmt = new Lazy<P, R>(db, source);
  let list = made.get(db);
  if (!list) made.set(db, (list = []));
  list.push(stmt as unknown as Lazy<unknown[], unknown>);
  return stmt;
}

/** Prepares every lazy statement made on `db` so far; returns how many there are. */
export function prepareAllLazy(db: Database.Database): number {
  const list = made.get(db) ?? [];
  for (const s of list) s.prepare();
  return list.length;
}
