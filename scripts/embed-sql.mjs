#!/usr/bin/env node
/**
 * Embeds the SQL of the SQLite and PostgreSQL backends into TypeScript modules, so SQL stays
 * SQL (one statement per file, readable, diffable) and the runtime reads no files. For B in
 * `sqlite` and `postgres`:
 *
 *   src/backend/B/queries/<name>.sql        → export const <NAME> (string)
 *   a query with {{cmp}} / {{order}} / {{first}} → <NAME>_ASC and <NAME>_DESC (a page walked in
 *       either direction is one statement written once: `>`/`<`, `ASC`/`DESC`,
 *       "oldest first"/"newest first")
 *   src/backend/B/migrations/<NNNN>_<name>.sql → MIGRATIONS[] ({ version, name, sql })
 *   a line `{{> name}}` in a query → the lines of src/backend/B/queries/fragments/<name>.sql
 *       (its header comment dropped): clauses that several statements share verbatim, such as
 *       the list statements' filters, are written once
 *
 * Output: src/backend/B/generated/sql.ts (committed, so tests need no build step).
 * Deterministic: files are read in sorted order and nothing time- or machine-dependent is
 * written. `--check` exits 1 when the committed file is stale instead of writing it.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

function sqlFiles(dir) {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".sql"))
    .sort();
}

function read(file) {
  return readFileSync(file, "utf8").replace(/\r\n/g, "\n").trim();
}

/** Splits a query file into its header (leading `--` lines) and its statement. */
function splitHeader(text) {
  const lines = text.split("\n");
  const header = [];
  while (lines.length > 0 && lines[0].startsWith("--")) header.push(lines.shift().replace(/^--\s?/, ""));
  return { header, body: lines.join("\n").trim().replace(/;\s*$/, "") };
}

/** Replaces each `{{> name}}` line of `body` by the fragment's lines (header dropped). */
function withFragments(file, body, fragmentsDir) {
  return body.replace(/^[ \t]*\{\{> ([a-z0-9-]+)\}\}[ \t]*$/gm, (_line, name) => {
    let text;
    try {
      text = read(join(fragmentsDir, `${name}.sql`));
    } catch {
      throw new Error(`${file}: no fragment queries/fragments/${name}.sql`);
    }
    const { header, body: fragment } = splitHeader(text);
    if (header.length === 0) throw new Error(`fragments/${name}.sql: missing header comment`);
    if (!fragment) throw new Error(`fragments/${name}.sql: empty`);
    // The lines as written (splitHeader trims the first line's indentation): the statement
    // reads as if written out.
    return text
      .split("\n")
      .slice(header.length)
      .join("\n")
      .replace(/^\n+|\n+$/g, "");
  });
}

/** Rejects files with more than one statement (a `;` followed by more SQL, outside quotes and comments). */
function assertOneStatement(file, body) {
  const stripped = body.replace(/--[^\n]*/g, "").replace(/'(?:[^']|'')*'/g, "''");
  if (/;\s*\S/.test(stripped)) throw new Error(`${file}: one statement per file, found several`);
}

function constName(file) {
  return file
    .replace(/\.sql$/, "")
    .replace(/[^a-zA-Z0-9]+/g, "_")
    .toUpperCase();
}

/**
 * One line per statement (a JSON string literal): the readable copy is the .sql file, and a
 * multi-line copy here would only show up as a duplicate of it.
 */
function literal(text) {
  return JSON.stringify(text);
}

function doc(lines, indent = "") {
  if (lines.length === 0) return "";
  return `${indent}/**\n${lines.map((l) => `${indent} *${l ? ` ${l.replace(/\*\//g, "* /")}` : ""}`).join("\n")}\n${indent} */\n`;
}

const DIRECTIONS = [
  { suffix: "ASC", cmp: ">", order: "ASC", first: "oldest first" },
  { suffix: "DESC", cmp: "<", order: "DESC", first: "newest first" },
];

/** One constant per file, or an _ASC and a _DESC one when the file walks a page either way. */
function directions(file, header, body) {
  const text = [...header, body].join("\n");
  if (!/\{\{(cmp|order|first)\}\}/.test(text)) return [{ name: constName(file), header, body }];
  const fill = (t, d) =>
    t.replaceAll("{{cmp}}", d.cmp).replaceAll("{{order}}", d.order).replaceAll("{{first}}", d.first);
  return DIRECTIONS.map((d) => ({
    name: `${constName(file)}_${d.suffix}`,
    header: header.map((l) => fill(l, d)),
    body: fill(body, d),
  }));
}

/** Embeds one backend's SQL (SQLite, PostgreSQL: same layout). Returns false when `--check` finds it stale. */
function embed(backend) {
  const base = join(root, "src/backend", backend);
  const queriesDir = join(base, "queries");
  const migrationsDir = join(base, "migrations");
  const outFile = join(base, "generated/sql.ts");
  const parts = [
    `// generated — do not edit. Source: src/backend/${backend}/{queries,migrations}/*.sql; run \`node scripts/embed-sql.mjs\`.`,
    "",
  ];

  const names = new Set();
  for (const file of sqlFiles(queriesDir)) {
    const { header, body: raw } = splitHeader(read(join(queriesDir, file)));
    if (header.length === 0)
      throw new Error(`${file}: missing header comment (what it does, its parameters)`);
    if (!raw) throw new Error(`${file}: no statement`);
    const body = withFragments(file, raw, join(queriesDir, "fragments"));
    assertOneStatement(file, body);
    for (const variant of directions(file, header, body)) {
      if (names.has(variant.name)) throw new Error(`${file}: constant ${variant.name} defined twice`);
      names.add(variant.name);
      parts.push(
        `${doc([`\`queries/${file}\`: ${variant.header[0]}`, ...variant.header.slice(1)])}export const ${variant.name} = ${literal(variant.body)};`,
        "",
      );
    }
  }

  const migrations = [];
  for (const file of sqlFiles(migrationsDir)) {
    const match = /^(\d{4})_([a-z0-9_]+)\.sql$/.exec(file);
    if (!match) throw new Error(`${file}: migrations are named NNNN_name.sql`);
    const version = Number(match[1]);
    // Versions increase but may have gaps: migrations written on parallel branches (0002 on
    // one, 0003 on another) land in any order, and the runner applies each one not yet applied.
    const previous = migrations.at(-1)?.version ?? 0;
    if (version <= previous) throw new Error(`${file}: version ${version} repeats or goes back`);
    migrations.push({ version, name: match[2], sql: read(join(migrationsDir, file)) });
  }
  parts.push(
    "export interface Migration {",
    "  version: number;",
    "  name: string;",
    "  /** Several statements, run with `exec` inside the migration transaction. */",
    "  sql: string;",
    "}",
    "",
    "/** Every migration, oldest first; `version` is 1-based and increasing (gaps allowed). */",
    "export const MIGRATIONS: readonly Migration[] = [",
    ...migrations.map(
      (m) =>
        `  {\n    version: ${m.version},\n    name: ${JSON.stringify(m.name)},\n    sql: ${literal(m.sql)},\n  },`,
    ),
    "];",
    "",
  );

  const output = parts.join("\n");
  if (process.argv.includes("--check")) {
    let current = "";
    try {
      current = readFileSync(outFile, "utf8");
    } catch {}
    if (current !== output) {
      console.error(`${outFile} is stale: run node scripts/embed-sql.mjs`);
      return false;
    }
  } else {
    writeFileSync(outFile, output);
  }
  return true;
}

const fresh = ["sqlite", "postgres"].map(embed);
if (fresh.includes(false)) process.exit(1);
