/**
 * The conformance suite on PostgreSQL: one fresh schema per test (`spool_test_<random>`, so
 * tests run concurrently on one server without seeing each other), dropped when the test closes
 * the backend. Uses SPOOL_TEST_POSTGRES_URL (default postgres://spool:spool@127.0.0.1:5432/spool).
 *
 * No PostgreSQL reachable: the suite is skipped with a loud warning, except under CI=true, where
 * a missing server fails the run (CI must not pass by testing nothing).
 */
import { vi } from "vitest";
import { createPostgresBackend } from "../../src/backend/postgres/index.js";
import {
  dropSchema,
  freshSchema,
  postgresReachable,
  requirePostgres,
  withOptions,
} from "../support/postgres.js";
import { runConformance } from "./run-conformance.js";

requirePostgres("the PostgreSQL conformance suite");

// Every transition is a synchronous commit (an fsync of the WAL, ~1-8 ms on a loaded 2-core
// machine): the workflow topic's 2,000-job drain makes ~3,000 of them one after another.
vi.setConfig({ testTimeout: 180_000 });

/** Each test's schema, so a peer handle can open the same store. */
const schemas = new WeakMap<object, string>();

/** Small pools: a topic runs its tests concurrently, each with a backend and maybe a peer. */
const POOL = 3;

if (postgresReachable) {
  runConformance({
    name: "postgres",
    create: async ({ clock }) => {
      const schema = freshSchema();
      const backend = await createPostgresBackend(withOptions({ schema, pool: POOL }), { clock });
      schemas.set(backend, schema);
      const close = backend.close.bind(backend);
      let closed = false;
      backend.close = async () => {
        await close();
        if (!closed) {
          closed = true;
          await dropSchema(schema).catch(() => {});
        }
      };
      return backend;
    },
    createPeer: (backend, { clock }) =>
      createPostgresBackend(withOptions({ schema: schemas.get(backend)!, pool: POOL }), { clock }),
  });
}
