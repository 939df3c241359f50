/**
 * The embedded SQL (queries/*.sql through scripts/embed-sql.mjs) made runnable: `:name`
 * parameters become `$n` (the files stay readable), `spool.` becomes the configured schema, and
 * each statement gets a name, so node-postgres prepares it once per connection.
 */
import { createHash } from "node:crypto";
import type pg from "pg";
import * as SQL from "./generated/sql.js";

export interface Stmt {
  name: string;
  text: string;
  params: readonly string[];
}

type QueryName = Exclude<keyof typeof SQL, "MIGRATIONS">;
export type Statements = Record<QueryName, Stmt>;

/** Replaces the `spool.` schema of the SQL files by `schema` (a checked identifier). */
export function inSchema(sql: string, schema: string): string {
  return schema === "spool" ? sql : sql.replace(/\bspool\./g, `"${schema}".`);
}

/** `:name` → `$n` (the same name, the same number); `::type` casts are left alone. */
export function compile(text: string, schema: string, name: string): Stmt {
  const params: string[] = [];
  const out = inSchema(text, schema).replace(/(?<![:\w]):([a-z_][a-z0-9_]*)/g, (_m, p: string) => {
    let i = params.indexOf(p);
    if (i === -1) i = params.push(p) - 1;
    return `$${i + 1}`;
  });
  const hash = createHash("sha1").update(out).digest("hex").slice(0, 10);
  return { name: `spool_${name.toLowerCase()}_${hash}`, text: out, params };
}

export function prepareStatements(schema: string): Statements {
  const out: Partial<Statements> = {};
  for (const [key, value] of Object.entries(SQL)) {
    if (typeof value !== "string") continue;
    out[key as QueryName] = compile(value, schema, key);
  }
  return out as Statements;
}

export type Queryable = Pick<pg.ClientBase, "query">;

/** The statement's `$n` values from named parameters; every name the statement uses must be given. */
export function bind(stmt: Stmt, params: Record<string, unknown> = {}): unknown[] {
  return stmt.params.map((p) => {
    const v = params[p];
    if (v === undefined) throw new Error(`statement ${stmt.name} needs parameter :${p}`);
    return v;
  });
}

/** Runs a statement (prepared once per connection, by name) with named parameters. */
export async function run<R>(c: Queryable, stmt: Stmt, params: Record<string, unknown> = {}): Promise<R[]> {
  const result = await c.query({ name: stmt.name, text: stmt.text, values: bind(stmt, params) });
  return result.rows as R[];
}

/** As `run`, each row an array of the statement's columns in order (no object per row). */
export async function runArrays(
  c: Queryable,
  stmt: Stmt,
  params: Record<string, unknown> = {},
): Promise<{ rows: unknown[][]; fields: string[] }> {
  const result = await c.query({
    name: stmt.name,
    text: stmt.text,
    values: bind(stmt, params),
    rowMode: "array",
  });
  return { rows: result.rows as unknown[][], fields: result.fields.map((f) => f.name) };
}
