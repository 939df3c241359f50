/**
 * The conformance suite on SQLite: one fresh database file per test under the OS temp
 * directory, removed (with its -wal and -shm files) when the test closes the backend.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, test } from "vitest";
import { createSqliteBackend } from "../../src/backend/sqlite/index.js";
import { FakeClock } from "../../src/core/clock.js";
import { runConformance } from "./run-conformance.js";

const dir = mkdtempSync(join(tmpdir(), "spool-conformance-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The placeholder `createSqliteBackend` throws exactly this until the real backend lands. */
const PLACEHOLDER_MESSAGE = "the SQLite backend is not built yet";

async function placeholderPresent(): Promise<boolean> {
  const file = join(dir, "probe.db");
  try {
    const backend = await createSqliteBackend(`sqlite://${file}`, { clock: new FakeClock() });
    await backend.close();
    return false;
  } catch (error) {
    return error instanceof Error && error.message === PLACEHOLDER_MESSAGE;
  } finally {
    for (const suffix of ["", "-wal", "-shm"]) rmSync(file + suffix, { force: true });
  }
}

const placeholder = await placeholderPresent();

describe.skipIf(!placeholder)("sqlite backend", () => {
  test.skip("is not built yet: the conformance suite runs once createSqliteBackend stops being a placeholder", () => {});
});

/** Each test's database file, so a peer handle can open the same one. */
const files = new WeakMap<object, string>();

if (!placeholder) {
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
}
