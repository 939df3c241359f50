/**
 * `sqlite://path/to/file.db` — the default store: zero infrastructure, and a real
 * multi-process backend on one host (a web process enqueues, several worker processes claim).
 *
 * Design
 * - One WAL database file (`journal_mode=WAL`): readers never block the writer, and every
 *   process on the host opens the same file. Each process holds one connection.
 * - Every method that writes is exactly one short `BEGIN IMMEDIATE` transaction, whatever the
 *   batch size: the write lock is taken up front, so concurrent writers queue for it instead
 *   of deadlocking on a read→write lock upgrade. better-sqlite3 is synchronous, so a call
 *   waits for the lock synchronously only SYNC_BUSY_WAIT_MS, then retries asynchronously until
 *   busy_timeout (store.ts): another process holding the lock never freezes this one.
 * - Every call checks that the path still names the opened file (inode); a deleted or
 *   replaced file fails calls with `STORE_REPLACED` instead of using the unlinked file.
 * - Transitions are compare-and-set statements (`WHERE state = 'running' AND lease_token = ?`),
 *   so a worker whose lease expired is refused, never obeyed.
 * - Claim: in one transaction per call, promote the due `scheduled` jobs of each requested,
 *   unpaused queue, then `UPDATE … WHERE id IN (SELECT … ORDER BY priority DESC, run_at, id
 *   LIMIT n) RETURNING *` on a partial index of queued jobs.
 * - Change feed: one `spool_events` row per committed batch, written in the same transaction;
 *   other processes are woken by `fs.watch` on the `-wal` file, with a fallback poll
 *   (`?poll=ms`, default 200) and `PRAGMA data_version` to skip idle reads (change-feed.ts).
 * - SQL lives in `queries/*.sql` (one statement each) and `migrations/NNNN_*.sql`, embedded
 *   into `generated/sql.ts` by `scripts/embed-sql.mjs`; statements are prepared once.
 *
 * URL options: `synchronous=normal|full` (default normal), `busy_timeout=ms` (default 5000),
 * `poll=ms` (default 200). Default file: `.spool/spool.db`; parent directories are created.
 *
 * Limits
 * - One host only. Processes must share the file through a local filesystem: WAL relies on
 *   shared memory (`-shm`) and POSIX locks, which network filesystems (NFS, SMB) do not provide
 *   reliably — corruption is possible there. Use Redis or PostgreSQL across machines.
 * - One writer at a time (SQLite's design). Transactions are short, but a process that blocks
 *   its event loop inside one (it cannot: they are synchronous and small) or a long manual
 *   `sqlite3` session holding the lock makes others wait up to busy_timeout, then fail with
 *   BackendError.
 * - Durability: WAL with `synchronous=NORMAL` loses nothing when a process crashes (kill -9);
 *   on power loss or an OS crash the last transactions before the failure may be lost (never
 *   corrupted). `?synchronous=full` fsyncs every commit for power-loss durability, at a
 *   measurable cost in write throughput.
 * - `sqlite::memory:` is refused: a private in-memory database cannot be shared with a worker
 *   process. Use `memory://`.
 * - The change feed keeps 10 minutes (at most 2,000 batches) of history; a subscriber that
 *   falls further behind skips ahead (notifications only nudge; the claim loop still polls).
 * - jobList filters beyond the id order scan the id index; fine for dashboards, not for
 *   selective queries over millions of retained jobs (prune with retentionPrune).
 */
import { type Clock, systemClock } from "../../core/clock.js";
import { SqliteBackend } from "./sqlite-backend.js";
import { parseSqliteUrl } from "./url.js";

export { SCHEMA_VERSION } from "./database.js";
export { SYNC_BUSY_WAIT_MS } from "./store.js";
export { parseSqliteUrl, type SqliteOptions } from "./url.js";
export { SqliteBackend };

export async function createSqliteBackend(
  url: string,
  options: { clock?: Clock } = {},
): Promise<SqliteBackend> {
  return new SqliteBackend(options.clock ?? systemClock, parseSqliteUrl(url));
}
