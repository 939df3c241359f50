/**
 * The conformance suite on SQLite: one fresh database file per test under the OS temp
 * directory, removed (with its -wal and -shm files) when the test closes the backend.
 *
 * At close, every test also checks the per-queue state counts (spool_state_counts, migrations
 * 0017 and 0092) against a direct count: the hot transitions are counted by their callers, the
 * rest by triggers, and a path that moves a job without either would leave them wrong for good.
 * The suite's tests walk every transition there is, so this is where such a path shows.
 */
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, expect } from "vitest";
import { createSqliteBackend } from "../../src/backend/sqlite/index.js";
import { runConformance } from "./run-conformance.js";

const dir = mkdtempSync(join(tmpdir(), "spool-conformance-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Each test's database file, so a peer handle can open the same one. */
const files = new WeakMap<object, string>();

runConformance({
  name: "sqlite",
  create: async ({ clock }) => {
    const file = join(dir, `test-${randomUUID()}.db`);
    const backend = await createSqliteBackend(`sqlite://${file}`, { clock });
    files.set(backend, file);
    const close = backend.close.bind(backend);
    backend.close = async () => {
      await close();
      // A second close finds the file gone.
      if (existsSync(file)) expectCountsExact(file);
      for (const suffix of ["", "-wal", "-shm"]) rmSync(file + suffix, { force: true });
    };
    return backend;
  },
  createPeer: (backend, { clock }) => createSqliteBackend(`sqlite://${files.get(backend)}`, { clock }),
});

/** spool_state_counts equals count(*) per queue and state (zero rows aside). */
function expectCountsExact(file: string): void {
  const db = new Database(file, { readonly: true });
  try {
    const kept = db
      .prepare("SELECT queue, state, n FROM spool_state_counts WHERE n <> 0 ORDER BY queue, state")
      .all();
    const direct = db
      .prepare(
        "SELECT queue, state, count(*) AS n FROM spool_jobs GROUP BY queue, state ORDER BY queue, state",
      )
      .all();
    expect(kept, "spool_state_counts against count(*)").toEqual(direct);
  } finally {
    db.close();
  }
}
