/**
 * Thin adapters that run spool's statements on the application's own open transaction
 * (`{ tx }`), whichever PostgreSQL library opened it. Each turns the library's transaction
 * object into one function: SQL text with `$n` parameters → rows. spool neither begins nor
 * commits: the app does, and spool's writes (and their NOTIFY) share its fate.
 *
 * | library | what to pass as `tx` | how spool runs a statement |
 * |---|---|---|
 * | node-postgres | the `PoolClient`/`Client` after `BEGIN` | `client.query(text, values)` |
 * | postgres.js | the `sql` of `sql.begin(async (sql) => …)` | `sql.unsafe(text, values)` |
 * | Drizzle | the `tx` of `db.transaction(async (tx) => …)` | its driver's client (`tx.session.client`), as above |
 * | Kysely | the `trx` of `db.transaction().execute(async (trx) => …)` | `trx.executeQuery(CompiledQuery.raw(text, values))` |
 * | Prisma | the `tx` of `prisma.$transaction(async (tx) => …)` | `tx.$queryRawUnsafe(text, ...values)` |
 */
import { InvalidArgumentError } from "../../core/errors/index.js";

/** Runs one statement inside the application's transaction. */
export type TxQuery = (text: string, values: readonly unknown[]) => Promise<Record<string, unknown>[]>;

type Fn = (...args: unknown[]) => unknown;
const isFn = (v: unknown): v is Fn => typeof v === "function";
const rowsOf = (result: unknown): Record<string, unknown>[] =>
  Array.isArray(result) ? result : ((result as { rows?: Record<string, unknown>[] }).rows ?? []);

export async function adaptTransaction(tx: object): Promise<TxQuery> {
  const t = tx as Record<string, unknown>;
  // Prisma interactive transaction client.
  if (isFn(t.$queryRawUnsafe)) {
    const query = t.$queryRawUnsafe.bind(tx) as (text: string, ...values: unknown[]) => Promise<unknown>;
    return async (text, values) => rowsOf(await query(text, ...values));
  }
  // Kysely Transaction.
  if (isFn(t.executeQuery) && isFn(t.selectFrom)) {
    const { CompiledQuery } = await import("kysely");
    const execute = t.executeQuery.bind(tx) as (q: unknown) => Promise<unknown>;
    return async (text, values) => rowsOf(await execute(CompiledQuery.raw(text, [...values])));
  }
  // Drizzle transaction: its session holds the driver's client, inside the transaction.
  const session = t.session as { client?: object } | undefined;
  if (isFn(t.execute) && session?.client) return adaptTransaction(session.client);
  // postgres.js transaction (`sql.begin`): a tagged-template function with `unsafe`.
  if (isFn(tx) && isFn(t.unsafe)) {
    const unsafe = t.unsafe.bind(tx) as (text: string, values: unknown[]) => Promise<unknown>;
    return async (text, values) => rowsOf(await unsafe(text, [...values]));
  }
  // node-postgres Client / PoolClient.
  if (isFn(t.query)) {
    const query = t.query.bind(tx) as (text: string, values: unknown[]) => Promise<unknown>;
    return async (text, values) => rowsOf(await query(text, [...values]));
  }
  throw new InvalidArgumentError(
    "tx is not a transaction spool knows: pass a node-postgres client inside BEGIN, a postgres.js sql.begin transaction, a Drizzle tx, a Kysely Transaction or a Prisma transaction client",
    "tx",
  );
}
