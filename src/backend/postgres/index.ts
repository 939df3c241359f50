/**
 * `postgres://user:pass@host:5432/db` (or `postgresql://`) — spool on PostgreSQL: many
 * processes on many machines, jobs next to the application's data.
 *
 * URL options (url.ts): `?schema=` (default `spool`), `?pool=` (default 10), `?listen=false`
 * (PgBouncer in transaction mode). The rest of the URL goes to node-postgres.
 *
 * Design
 * - Tables live in their own schema (migrations/0001_init.sql): `jobs` with one partial index
 *   per active state, so finished jobs, however many are retained, are in none of the claim's
 *   indexes; `job_deps`, `queues`, `job_logs`, `workers`, `events`, `schedules`, `workflows`,
 *   `audit`, `revoked_sessions`, and the `migrations` ledger.
 * - SQL lives in `queries/*.sql` (one statement each, `:name` parameters) and
 *   `migrations/NNNN_*.sql`, embedded into `generated/sql.ts` by `scripts/embed-sql.mjs`, and
 *   run as named prepared statements (statements.ts).
 * - Every method that writes is ONE transaction (store.ts): its precondition is part of each
 *   statement (`WHERE state = 'running' AND lease_token = …`), so a stale worker is refused per
 *   job. Claims lock with `FOR UPDATE SKIP LOCKED`; completions, failures, releases and renewals
 *   are one statement per batch (`unnest` of arrays). Commits are synchronous.
 * - Time: the server's clock (connection.ts), or the injected test clock.
 * - Change feed: LISTEN/NOTIFY, one notification per committed write (feed.ts).
 * - Migrations: versioned, advisory-locked, short lock timeouts (migrate.ts).
 *
 * Limits
 * - `?listen=false`: events of other processes do not arrive (workers still poll).
 * - Priorities, attempts and times are bigint, read as JS numbers (safe below 2^53).
 */
import type { Clock } from "../../core/clock.js";
import { PostgresBackend } from "./postgres-backend.js";
import { parsePostgresUrl } from "./url.js";

export { SCHEMA_VERSION } from "./migrate.js";
export { type PostgresOptions, parsePostgresUrl } from "./url.js";
export { PostgresBackend };

export async function createPostgresBackend(
  url: string,
  options: { clock?: Clock } = {},
): Promise<PostgresBackend> {
  return new PostgresBackend(parsePostgresUrl(url), options.clock);
}
