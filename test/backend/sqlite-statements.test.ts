/**
 * The SQLite backend prepares its statements at their first use (lazy-statement.ts), so an idle
 * worker does not hold ~150 compiled programs it never runs. Opening the store used to compile
 * every statement against the migrated schema; this test keeps that check: every statement the
 * backend made compiles, and none of them was prepared at open but the claims.
 */
import type Database from "better-sqlite3";
import { afterAll, expect, test } from "vitest";
import { createSqliteBackend } from "../../src/backend/sqlite/index.js";
import { prepareAllLazy, prepareLazily } from "../../src/backend/sqlite/lazy-statement.js";
import { tempDir } from "./sqlite-helpers.js";

const tmp = tempDir();
afterAll(() => tmp.cleanup());

test("every lazily prepared statement compiles against the migrated schema", async () => {
  const backend = await createSqliteBackend(`sqlite://${tmp.file()}`);
  try {
    await backend.migrate();
    const db = (backend as unknown as { db: Database.Database }).db;
    // Throws (SqliteError) on the first statement whose SQL does not compile.
    const n = prepareAllLazy(db);
    // statements.ts, workflows, schedules, search, audit and job actions: about 150 in all.
    expect(n).toBeGreaterThan(100);
  } finally {
    await backend.close();
  }
});

test("a lazy statement prepares once, at its first call, and reports SQL errors there", async () => {
  const backend = await createSqliteBackend(`sqlite://${tmp.file()}`);
  try {
    const db = (backend as unknown as { db: Database.Database }).db;
    const calls: string[] = [];
    const prepare = db.prepare.bind(db);
    db.prepare = ((sql: string) => {
      calls.push(sql);
      return prepare(sql);
    }) as typeof db.prepare;
    const ok = prepareLazily<[], { one: number }>(db, "SELECT 1 AS one");
    expect(calls).toEqual([]);
    expect(ok.get()).toEqual({ one: 1 });
    expect(ok.all()).toEqual([{ one: 1 }]);
    expect(calls).toEqual(["SELECT 1 AS one"]);
    const bad = prepareLazily(db, "SELECT * FROM no_such_table");
    expect(() => bad.all()).toThrow(/no such table/);
  } finally {
    await backend.close();
  }
});
