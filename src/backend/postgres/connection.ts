/**
 * Connections, transactions and errors.
 *
 * - One bounded `pg.Pool` per backend (`?pool=`, default 10) for every query, shared by the
 *   producers and workers of the process; the change feed's LISTEN holds one more connection
 *   of its own (feed.ts). A connection broken by a server restart is dropped by the pool and
 *   replaced on the next query, so the backend recovers without a process restart: the calls
 *   in flight fail with a BackendError and the worker's loops retry them.
 * - bigint columns (epoch milliseconds, counters) are read as JS numbers (all stay far below
 *   2^53), without touching node-postgres' global type parsers, which belong to the app.
 * - Every write is ONE transaction (`READ COMMITTED`): BEGIN, the statements, COMMIT, or, on
 *   the hot paths, one statement on its own (store.single). Its change-feed notification is
 *   sent after the commit (notifier.ts), so it never announces a rolled-back transition.
 *   Commits are synchronous (`synchronous_commit = on` on every connection): an acknowledged
 *   transition survives a server crash — except claims, which do not wait for their flush (a
 *   claim lost to a crash is a lost lease: the job runs again; job-claim-fast.sql). A deadlock
 *   (two batches locking the same rows in different orders) is retried.
 * - Time: with the default clock, `now` is read from the server (`clock_timestamp()`) in the
 *   same round trip as BEGIN, so leases, due times and retention are judged on ONE clock for
 *   every process, whatever their hosts' clocks say. A clock injected for tests (FakeClock) is
 *   used instead.
 */
import pg from "pg";
import { BackendError, isSpoolError } from "../../core/errors/index.js";

const INT8_OID = 20;

/** Hides credentials when a URL is echoed in an error. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, "//***@");
}

/** node-postgres type parsers for this backend only: int8 as number. */
const types = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === INT8_OID && format !== "binary") return (value: string) => Number(value);
    // biome-ignore lint/suspicious/noExplicitAny: node-postgres' own overloads
    return pg.types.getTypeParser(oid, format as any);
  },
} as unknown as pg.CustomTypesConfig;

export const CONNECT_TIMEOUT_MS = 5_000;
/** A statement that runs longer than this is cancelled by the server (a stuck lock, not a slow disk). */
export const STATEMENT_TIMEOUT_MS = 30_000;

/**
 * The hot paths run single statements without BEGIN (store.single), which commit with the
 * session's setting: every connection starts with `synchronous_commit = on` (a startup option,
 * added to any `options` the URL already has), so an acknowledged write is durable whatever
 * the server's or role's default says.
 */
export function withDurableCommits(connectionString: string): string {
  const url = new URL(connectionString);
  const own = url.searchParams.get("options");
  url.searchParams.set("options", `${own ? `${own} ` : ""}-c synchronous_commit=on`);
  return url.toString();
}

export function clientConfig(connectionString: string): pg.ClientConfig {
  return {
    connectionString: withDurableCommits(connectionString),
    types,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    statement_timeout: STATEMENT_TIMEOUT_MS,
    application_name: "spool",
    keepAlive: true,
  };
}

/**
 * How long a call waits for a pooled connection (pg-pool uses one setting for that and for
 * opening a connection): a burst of calls larger than the pool queues for its turn rather than
 * failing after the 5 s a new connection may take.
 */
export const POOL_WAIT_MS = 60_000;

export function createPool(connectionString: string, max: number): pg.Pool {
  const pool = new pg.Pool({
    ...clientConfig(connectionString),
    connectionTimeoutMillis: POOL_WAIT_MS,
    max,
    idleTimeoutMillis: 30_000,
  });
  // An idle connection that breaks (server restart, pg_terminate_backend) is removed by the
  // pool; without a listener its error would crash the process. A checked-out connection that
  // breaks between two statements of a transaction has no listener of the pool's: its error
  // surfaces as the failure of the next statement, and the broken client is destroyed.
  pool.on("error", () => {});
  pool.on("connect", (client) => {
    client.on("error", () => {});
  });
  return pool;
}

/**
 * Starts a write transaction whose COMMIT returns only once it is durable (whatever the server's
 * or role's `synchronous_commit` default says), in one round trip.
 */
export const BEGIN = "BEGIN; SET LOCAL synchronous_commit = on";
/** The same, also reading the server's clock. */
export const BEGIN_WITH_SERVER_NOW = `${BEGIN}; SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint AS now`;

const DEADLOCK = "40P01";
const UNIQUE_VIOLATION = "23505";

export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const e = error as { code?: string; constraint?: string } | null;
  return e?.code === UNIQUE_VIOLATION && (constraint === undefined || e.constraint === constraint);
}

export function isDeadlock(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === DEADLOCK;
}

/** Passes spool errors through; wraps anything else in a BackendError that says what failed. */
export function toBackendError(error: unknown, context: string, url?: string): Error {
  if (isSpoolError(error)) return error;
  const e = error as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === "string" ? e.code : undefined;
  const detail = error instanceof Error ? error.message : String(error);
  let hint = "";
  if (code === "28P01" || code === "28000") hint = " (authentication failed: check the user and password)";
  else if (code === "3D000") hint = " (the database does not exist)";
  else if (code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "ETIMEDOUT")
    hint = ` (cannot reach the server${url ? ` at ${redactUrl(url)}` : ""})`;
  else if (code === "57P01" || code === "57P03") hint = " (the server is shutting down or restarting)";
  return new BackendError(`${context}: ${detail}${code ? ` [${code}]` : ""}${hint}`, {
    cause: error,
    code: code === "28P01" || code === "28000" ? "BACKEND_AUTH" : "BACKEND_ERROR",
  });
}
