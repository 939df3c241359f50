/**
 * The process-level chaos tests on PostgreSQL: kill -9 of workers (2,000 jobs, four kills),
 * fencing (a blocked worker's late completion refused; delayed and long jobs once; a cancel
 * from another process), SIGTERM, and the three-scheduler race with kill -9. The very same test
 * bodies as on SQLite (kill9, fencing, sigterm, scheduler-race .test.ts), each on a fresh schema
 * of the test PostgreSQL (SPOOL_TEST_POSTGRES_URL), with workers on a postgres:// URL.
 *
 * No PostgreSQL reachable: skipped loudly, except under CI=true, where it fails.
 */
import { describe } from "vitest";
import { postgresReachable, requirePostgres } from "../support/postgres.js";
import { useChaosBackend } from "./helpers.js";

requirePostgres("the PostgreSQL chaos tests");

if (postgresReachable) {
  describe("on PostgreSQL", async () => {
    useChaosBackend("postgres");
    await import("./kill9.test.js");
    await import("./fencing.test.js");
    await import("./sigterm.test.js");
    await import("./scheduler-race.test.js");
  });
}
