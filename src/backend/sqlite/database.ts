/**
 * Opening the database file (pragmas), running migrations, and turning SQLite failures into
 * spool's typed errors.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { BackendError, isSpoolError } from "../../core/errors/index.js";
import {
  MIGRATIONS,
  MIGRATIONS_APPLIED,
  MIGRATIONS_CREATE,
  MIGRATIONS_CURRENT,
  MIGRATIONS_INSERT,
} from "./generated/sql.js";
import type { SqliteOptions } from "./url.js";

/** Page cache per connection (negative: KiB), so the hot indexes stay in memory. */
const CACHE_SIZE_KIB = 32 * 1024;
/** The WAL file is truncated back to this size after a checkpoint, so it does not stay huge after a burst. */
const JOURNAL_SIZE_LIMIT = 64 * 1024 * 1024;

/**
 * Start-up steps that need a lock (switching to WAL, migrating, the clock row) are retried on
 * SQLITE_BUSY until the configured busy_timeout has passed in all. SQLite's own busy handler is
 * not enough here: when several processes open a fresh file at once, SQLite returns SQLITE_BUSY
 * without waiting in some lock states (WAL set-up and recovery), and eight processes starting
 * together on a loaded host failed this way (test/backend/sqlite.test.ts).
 */
export function retryBusyAtStart<T>(busyTimeoutMs: number, step: () => T): T {
  const deadline = Date.now() + busyTimeoutMs;
  for (let pause = 2; ; pause = Math.min(pause * 2, 50)) {
    try {
      return step();
    } catch (error) {
      if (!isBusyError(error) || Date.now() + pause > deadline) throw error;
      // The constructor is synchronous; a short blocking pause is the honest wait here.
      Atomics.wait(PAUSE, 0, 0, pause);
    }
  }
}
const PAUSE = new Int32Array(new SharedArrayBuffer(4));

/** SQLITE_BUSY (any variant), on the error or a cause it wraps. */
export function isBusyError(error: unknown): boolean {
  for (
    let e = error as { code?: unknown; cause?: unknown } | undefined, i = 0;
    e && i < 5;
    e = e.cause as typeof e, i++
  ) {
    if (typeof e.code === "string" && e.code.startsWith("SQLITE_BUSY")) return true;
  }
  return false;
}

/** The newest schema version this build knows. */
export const SCHEMA_VERSION = MIGRATIONS.at(-1)?.version ?? 0;

export function openDatabase(options: SqliteOptions): Database.Database {
  try {
    mkdirSync(dirname(options.file), { recursive: true });
  } catch (cause) {
    throw new BackendError(`cannot create the directory of the SQLite database ${options.file}`, { cause });
  }
  let db: Database.Database | undefined;
  try {
    db = new Database(options.file, { timeout: options.busyTimeoutMs });
    // WAL: readers never block the writer and the writer never blocks readers; every
    // process on this host opens the same file. Switching needs a brief exclusive lock,
    // which busy_timeout waits for when several processes open a fresh file at once.
    const conn = db;
    const mode = retryBusyAtStart(options.busyTimeoutMs, () =>
      conn.pragma("journal_mode = WAL", { simple: true }),
    );
    if (String(mode).toLowerCase() !== "wal") {
      throw new BackendError(
        `cannot enable WAL on ${options.file} (journal_mode stayed "${mode}"): the filesystem may not support shared memory`,
      );
    }
    db.pragma(`synchronous = ${options.synchronous === "full" ? "FULL" : "NORMAL"}`);
    db.pragma(`cache_size = -${CACHE_SIZE_KIB}`);
    db.pragma(`journal_size_limit = ${JOURNAL_SIZE_LIMIT}`);
    db.pragma("temp_store = MEMORY");
    return db;
  } catch (error) {
    db?.close();
    throw toBackendError(error, `cannot open the SQLite database ${options.file}`);
  }
}

/**
 * Brings the schema up to date. Runs inside BEGIN IMMEDIATE, so when several processes start
 * at once the first migrates and the others wait (busy_timeout), then find nothing to do.
 * A database migrated by a newer spool is refused rather than misread.
 */
export function migrateDatabase(db: Database.Database, now: number, busyTimeoutMs = 0): void {
  const run = db.transaction(() => {
    db.prepare(MIGRATIONS_CREATE).run();
    const { version } = db.prepare<[], { version: number }>(MIGRATIONS_CURRENT).get()!;
    if (version > SCHEMA_VERSION) {
      throw new BackendError(
        `the SQLite database is at schema version ${version}, newer than this spool knows (${SCHEMA_VERSION}): upgrade spool`,
        { code: "SCHEMA_TOO_NEW" },
      );
    }
    const insert = db.prepare(MIGRATIONS_INSERT);
    // Every migration not applied yet, in version order (not just those above the highest
    // applied: a migration from a parallel branch may carry a lower number than one applied).
    const applied = new Set(
      db
        .prepare<[], { version: number }>(MIGRATIONS_APPLIED)
        .all()
        .map((r) => r.version),
    );
    for (const migration of MIGRATIONS.filter((m) => !applied.has(m.version))) {
      db.exec(migration.sql);
      insert.run({ version: migration.version, name: migration.name, applied_at: now });
    }
  });
  try {
    retryBusyAtStart(busyTimeoutMs, () => run.immediate());
  } catch (error) {
    throw toBackendError(error, "SQLite migration failed");
  }
}

/** Passes spool errors through; wraps anything else (SqliteError, closed connection …) in a BackendError. */
export function toBackendError(error: unknown, context: string): Error {
  if (isSpoolError(error)) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const detail = error instanceof Error ? error.message : String(error);
  const hint =
    code === "SQLITE_BUSY" ? " (another process held the write lock longer than busy_timeout)" : "";
  return new BackendError(`${context}: ${detail}${typeof code === "string" ? ` [${code}]` : ""}${hint}`, {
    cause: error,
  });
}
