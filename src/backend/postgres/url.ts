/**
 * `postgres://user:pass@host:5432/db?schema=spool&pool=10&listen=true&poll=1000` (also
 * `postgresql://`). spool's own options are taken out of the query; the rest of the URL
 * (host, credentials, `sslmode` …) goes to node-postgres as is.
 *
 * - `schema` — the PostgreSQL schema spool's tables live in (default `spool`), created by
 *   `migrate()`. Several apps (or tests) share one database with one schema each.
 * - `pool` — most connections the backend opens for queries (default 10), shared by producers
 *   and workers of the process; LISTEN uses one more of its own.
 * - `listen=false` — no LISTEN/NOTIFY: for PgBouncer in transaction mode, where a session's
 *   LISTEN is lost. Other processes' events do not arrive; workers find work by polling.
 */
import { InvalidArgumentError } from "../../core/errors/index.js";

export const SCHEMA_DEFAULT = "spool";
export const POOL_SIZE_DEFAULT = 10;

export interface PostgresOptions {
  /** The URL node-postgres connects to (spool's query options removed). */
  connectionString: string;
  schema: string;
  poolSize: number;
  listen: boolean;
}

const OWN = ["schema", "pool", "listen"];

export function parsePostgresUrl(url: string): PostgresOptions {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new InvalidArgumentError("malformed PostgreSQL URL", "backend", cause);
  }
  if (parsed.protocol !== "postgres:" && parsed.protocol !== "postgresql:")
    throw new InvalidArgumentError("a PostgreSQL URL starts with postgres:// or postgresql://", "backend");
  const q = parsed.searchParams;
  const schema = q.get("schema") ?? SCHEMA_DEFAULT;
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema))
    throw new InvalidArgumentError(
      `schema must be a lower-case identifier (a-z, 0-9, _; at most 63 characters), got "${schema}"`,
      "schema",
    );
  const poolRaw = q.get("pool");
  const poolSize = poolRaw === null ? POOL_SIZE_DEFAULT : Number(poolRaw);
  if (!Number.isInteger(poolSize) || poolSize < 1 || poolSize > 1000)
    throw new InvalidArgumentError(`pool must be an integer in 1..1000, got "${poolRaw}"`, "pool");
  const listen = q.get("listen");
  if (listen !== null && listen !== "true" && listen !== "false")
    throw new InvalidArgumentError(`listen must be true or false, got "${listen}"`, "listen");
  for (const key of OWN) q.delete(key);
  return { connectionString: parsed.toString(), schema, poolSize, listen: listen !== "false" };
}
