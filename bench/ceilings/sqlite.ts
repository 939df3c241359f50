/**
 * A. Raw better-sqlite3 ceilings (anchors.md): WAL on the same disk as spool's SQLite runs,
 * synchronous FULL and NORMAL.
 * - insert_1_per_txn: rows inserted one per autocommit transaction
 * - insert_1000_per_txn: rows inserted 1000 per transaction
 * - cycle: per 1000 jobs one insert transaction + one claim-update transaction
 *   (UPDATE … WHERE id IN (SELECT … LIMIT 1000) RETURNING) + one complete-update transaction
 *   (1000 fenced single-row UPDATEs). No job system can beat this on one connection.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";

export interface SqliteCeilingSizes {
  insert1: number;
  insert1000: number;
  cycle: number;
}

export const SQLITE_SIZES_DEFAULT: SqliteCeilingSizes = {
  insert1: 10_000,
  insert1000: 200_000,
  cycle: 100_000,
};
export const SQLITE_SIZES_QUICK: SqliteCeilingSizes = { insert1: 2_000, insert1000: 20_000, cycle: 10_000 };

export type SqliteTest =
  | "insert_1_per_txn_rows_per_s"
  | "insert_1000_per_txn_rows_per_s"
  | "cycle_insert_claim_complete_jobs_per_s";

export interface SqliteCeilingResult {
  test: SqliteTest;
  synchronous: "FULL" | "NORMAL";
  n: number;
  perS: number;
}

const SCHEMA = `
CREATE TABLE jobs (
  id INTEGER PRIMARY KEY,
  queue TEXT NOT NULL,
  state TEXT NOT NULL,
  payload TEXT NOT NULL,
  priority INTEGER NOT NULL DEFAULT 0,
  run_at INTEGER NOT NULL,
  lease_token TEXT,
  lease_expires_at INTEGER,
  created_at INTEGER NOT NULL,
  finished_at INTEGER
);
CREATE INDEX jobs_ready ON jobs (queue, priority DESC, run_at, id) WHERE state = 'queued';
`;

function open(file: string, synchronous: "FULL" | "NORMAL"): Database.Database {
  for (const s of ["", "-wal", "-shm"]) rmSync(file + s, { force: true });
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma(`synchronous = ${synchronous}`);
  db.exec(SCHEMA);
  return db;
}

function close(db: Database.Database, file: string): void {
  db.close();
  for (const s of ["", "-wal", "-shm"]) rmSync(file + s, { force: true });
}

export function sqliteCeilings(
  dir: string,
  sizes: SqliteCeilingSizes,
  synchronous: "FULL" | "NORMAL",
): SqliteCeilingResult[] {
  const file = join(dir, `ceiling-${synchronous.toLowerCase()}.db`);
  const out: SqliteCeilingResult[] = [];
  const now = Date.now();

  // insert, one row per transaction
  let db = open(file, synchronous);
  let insert = db.prepare(
    "INSERT INTO jobs (queue, state, payload, priority, run_at, created_at) VALUES ('default', 'queued', ?, 0, ?, ?)",
  );
  let t = performance.now();
  for (let i = 0; i < sizes.insert1; i++) insert.run(`{"i":${i}}`, now, now);
  out.push({
    test: "insert_1_per_txn_rows_per_s",
    synchronous,
    n: sizes.insert1,
    perS: sizes.insert1 / ((performance.now() - t) / 1000),
  });
  close(db, file);

  // insert, 1000 rows per transaction
  db = open(file, synchronous);
  insert = db.prepare(
    "INSERT INTO jobs (queue, state, payload, priority, run_at, created_at) VALUES ('default', 'queued', ?, 0, ?, ?)",
  );
  const insertMany = db.transaction((from: number, count: number) => {
    for (let i = from; i < from + count; i++) insert.run(`{"i":${i}}`, now, now);
  });
  t = performance.now();
  for (let i = 0; i < sizes.insert1000; i += 1000) insertMany(i, Math.min(1000, sizes.insert1000 - i));
  out.push({
    test: "insert_1000_per_txn_rows_per_s",
    synchronous,
    n: sizes.insert1000,
    perS: sizes.insert1000 / ((performance.now() - t) / 1000),
  });
  close(db, file);

  // insert + claim + complete cycle
  db = open(file, synchronous);
  insert = db.prepare(
    "INSERT INTO jobs (queue, state, payload, priority, run_at, created_at) VALUES ('default', 'queued', ?, 0, ?, ?)",
  );
  const insertBatch = db.transaction((from: number, count: number) => {
    for (let i = from; i < from + count; i++) insert.run(`{"i":${i}}`, now, now);
  });
  const claim = db.prepare(
    `UPDATE jobs SET state = 'running', lease_token = ?, lease_expires_at = ?
     WHERE id IN (SELECT id FROM jobs WHERE queue = 'default' AND state = 'queued'
                  ORDER BY priority DESC, run_at, id LIMIT ?)
     RETURNING id, payload, lease_token`,
  );
  const claimTx = db.transaction(
    (token: string, limit: number) =>
      claim.all(token, now + 30_000, limit) as { id: number; payload: string; lease_token: string }[],
  );
  const complete = db.prepare(
    "UPDATE jobs SET state = 'completed', finished_at = ? WHERE id = ? AND state = 'running' AND lease_token = ?",
  );
  const completeTx = db.transaction((rows: { id: number; lease_token: string }[]) => {
    let ok = 0;
    for (const r of rows) ok += complete.run(now, r.id, r.lease_token).changes;
    return ok;
  });
  t = performance.now();
  let done = 0;
  for (let i = 0; i < sizes.cycle; i += 1000) {
    const count = Math.min(1000, sizes.cycle - i);
    insertBatch(i, count);
    const rows = claimTx(`w1-${i}`, count);
    done += completeTx(rows);
  }
  const cycleS = (performance.now() - t) / 1000;
  if (done !== sizes.cycle) throw new Error(`sqlite ceiling cycle completed ${done}/${sizes.cycle}`);
  out.push({
    test: "cycle_insert_claim_complete_jobs_per_s",
    synchronous,
    n: sizes.cycle,
    perS: sizes.cycle / cycleS,
  });
  close(db, file);
  return out;
}

export function sqliteVersion(): string {
  const db = new Database(":memory:");
  const v = (db.prepare("select sqlite_version() as v").get() as { v: string }).v;
  db.close();
  return v;
}
