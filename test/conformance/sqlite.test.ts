/**
 * The conformance suite on SQLite: one fresh database file per test under the OS temp
 * directory, removed (with its -wal and -shm files) when the test closes the backend.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
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
      for (const suffix of ["", "-wal", "-shm"]) rmSync(file + suffix, { force: true });
    };
    return backend;
  },
  createPeer: (backend, { clock }) => createSqliteBackend(`sqlite://${files.get(backend)}`, { clock }),
});
