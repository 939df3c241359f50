/**
 * Versioned migrations (migrations/NNNN_*.sql), safe to run from many processes at once and
 * while older workers are live:
 *
 * - A process whose schema is current reads one row and takes no lock at all.
 * - Otherwise it takes a transaction-scoped advisory lock (one per schema), so concurrent
 *   starters queue behind the first and then find nothing to do; the schema and the ledger are
 *   created under that lock.
 * - DDL runs with a short `lock_timeout`: a migration that would wait behind a long
 *   transaction of a live worker gives up after a few seconds instead of queueing every other
 *   query behind its lock request (PostgreSQL's lock queue), and is retried with backoff.
 * - A schema migrated by a newer spool is refused rather than misread.
 */
import type pg from "pg";
import { BackendError } from "../../core/errors/index.js";
import { MIGRATIONS } from "./generated/sql.js";
import { inSchema, run, type Statements } from "./statements.js";

export const SCHEMA_VERSION = MIGRATIONS.at(-1)?.version ?? 0;
export const MIGRATION_LOCK_TIMEOUT = "5s";
const ATTEMPTS = 5;
const LOCK_NOT_AVAILABLE = "55P03";

export async function migrateSchema(
  pool: pg.Pool,
  schema: string,
  sql: Statements,
  now: number,
): Promise<void> {
  if (await isCurrent(pool, schema)) return;
  for (let attempt = 1; ; attempt++) {
    try {
      await migrateOnce(pool, schema, sql, now);
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== LOCK_NOT_AVAILABLE || attempt >= ATTEMPTS) throw error;
      await new Promise((r) => setTimeout(r, 200 * 2 ** attempt * (0.5 + Math.random())));
    }
  }
}

/**
 * True when every migration this code knows is in the ledger. Comparing only the newest
 * version is not enough: a migration from a parallel branch may carry a lower number than one
 * a store already applied, and it must still run.
 */
async function isCurrent(pool: pg.Pool, schema: string): Promise<boolean> {
  try {
    const { rows } = await pool.query<{ version: number }>(`SELECT version FROM "${schema}".migrations`);
    const applied = new Set(rows.map((r) => Number(r.version)));
    const newest = Math.max(0, ...applied);
    if (newest > SCHEMA_VERSION) throw tooNew(newest);
    return MIGRATIONS.every((m) => applied.has(m.version));
  } catch (error) {
    if ((error as { code?: string }).code === "42P01" || (error as { code?: string }).code === "3F000")
      return false; // no ledger (or no schema) yet
    throw error;
  }
}

async function migrateOnce(pool: pg.Pool, schema: string, sql: Statements, now: number): Promise<void> {
  const c = await pool.connect();
  try {
    await c.query("BEGIN");
    await c.query(`SET LOCAL lock_timeout = '${MIGRATION_LOCK_TIMEOUT}'`);
    await c.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`spool-migrate:${schema}`]);
    await c.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await run(c, sql.MIGRATIONS_CREATE);
    const applied = new Set(
      (await run<{ version: number }>(c, sql.MIGRATIONS_APPLIED)).map((r) => r.version),
    );
    const newest = Math.max(0, ...applied);
    if (newest > SCHEMA_VERSION) throw tooNew(newest);
    // Every migration not applied yet, in version order (a migration from a parallel branch may
    // carry a lower number than one already applied).
    for (const m of MIGRATIONS.filter((m) => !applied.has(m.version))) {
      await c.query(inSchema(m.sql, schema));
      await run(c, sql.MIGRATIONS_INSERT, { version: m.version, name: m.name, applied_at: now });
    }
    await c.query("COMMIT");
  } catch (error) {
    await c.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    c.release();
  }
}

function tooNew(version: number): BackendError {
  return new BackendError(
    `the PostgreSQL schema is at version ${version}, newer than this spool knows (${SCHEMA_VERSION}): upgrade spool`,
    { code: "SCHEMA_TOO_NEW" },
  );
}
