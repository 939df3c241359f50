/**
 * The shared test PostgreSQL (SPOOL_TEST_POSTGRES_URL, default
 * postgres://spool:spool@127.0.0.1:5432/spool): `postgresUrl()` gives a URL with a fresh schema
 * of its own (dropped by its cleanup), and `postgresReachable` says whether to run.
 * Unreachable: the caller skips loudly, except under CI=true, where `requirePostgres` turns that
 * into a failing test.
 */
import { randomUUID } from "node:crypto";
import pg from "pg";
import { expect, test } from "vitest";
import { createPostgresBackend, type PostgresBackend } from "../../src/backend/postgres/index.js";

export const POSTGRES_URL_BASE =
  process.env.SPOOL_TEST_POSTGRES_URL ?? "postgres://spool:spool@127.0.0.1:5432/spool";

async function probe(): Promise<string | null> {
  const client = new pg.Client({ connectionString: POSTGRES_URL_BASE, connectionTimeoutMillis: 3000 });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.query("SELECT 1");
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  } finally {
    await client.end().catch(() => {});
  }
}

// The pg-restart chaos test restarts the shared server while other files load: a server that is
// shutting down or starting up (or, under CI, refusing connections for a moment) is waited for,
// up to 60 s, rather than reported missing.
async function probeWaitingOutRestarts(): Promise<string | null> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const error = await probe();
    const restarting =
      error !== null &&
      (/shutting down|starting up|terminating connection/.test(error) ||
        (process.env.CI === "true" && /ECONNREFUSED/.test(error)));
    if (!restarting || Date.now() > deadline) return error;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

const unavailable = await probeWaitingOutRestarts();
export const postgresReachable = unavailable === null;

/** Registers the loud skip (or, under CI, the failure) for a file whose tests need PostgreSQL. */
export function requirePostgres(what: string): void {
  if (postgresReachable) return;
  const inCi = process.env.CI === "true";
  if (!inCi) {
    console.warn(
      `\n⚠️  SKIPPING ${what}: no PostgreSQL at ${POSTGRES_URL_BASE.replace(/\/\/([^@/]*)@/, "//***@")} (${unavailable}).\n` +
        "   Start one (bash scripts/services.sh) or set SPOOL_TEST_POSTGRES_URL. Under CI=true this fails.\n",
    );
  }
  test.skipIf(!inCi)(`${what} needs a reachable PostgreSQL under CI`, () => {
    expect.fail(`no PostgreSQL at ${POSTGRES_URL_BASE}: ${unavailable}`);
  });
}

/** A fresh schema name (lower-case identifier). */
export function freshSchema(): string {
  return `spool_test_${randomUUID().replace(/-/g, "").slice(0, 16)}`;
}

/** The base URL with spool's options added (`schema`, `pool` …). */
export function withOptions(options: Record<string, string | number | boolean>): string {
  const url = new URL(POSTGRES_URL_BASE);
  for (const [k, v] of Object.entries(options)) url.searchParams.set(k, String(v));
  return url.toString();
}

/** Drops a schema and everything in it. */
export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL_BASE });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end().catch(() => {});
  }
}

/** A URL on the shared PostgreSQL with a schema of its own, and a cleanup that drops it. */
export function postgresUrl(options: Record<string, string | number | boolean> = {}): {
  url: string;
  schema: string;
  cleanup: () => Promise<void>;
} {
  const schema = freshSchema();
  return { url: withOptions({ schema, ...options }), schema, cleanup: () => dropSchema(schema) };
}

/** A plain client on the shared server (to inspect or seed a store); `cleanups` gets its end. */
export async function sqlClient(cleanups: (() => Promise<void>)[]): Promise<pg.Client> {
  const client = new pg.Client(POSTGRES_URL_BASE);
  await client.connect();
  cleanups.push(() => client.end());
  return client;
}

/**
 * A migrated backend in a schema of its own, and a plain client beside it. `cleanups` gets, in
 * order, the schema's drop, the backend's close and the client's end: run them in reverse.
 */
export async function migratedPostgres(cleanups: (() => Promise<void>)[]): Promise<{
  backend: PostgresBackend;
  schema: string;
  client: pg.Client;
}> {
  const { url, schema, cleanup } = postgresUrl();
  cleanups.push(cleanup);
  const backend = await createPostgresBackend(url);
  cleanups.push(() => backend.close());
  await backend.migrate();
  return { backend, schema, client: await sqlClient(cleanups) };
}
