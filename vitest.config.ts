import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    testTimeout: 60_000,
    // Checks every answer of a spool server under /api/ against its OpenAPI document.
    setupFiles: ["test/support/openapi-fetch-setup.ts"],
    // Under CI also write a JSON report; .ci/run prints its closing "N passed, N failed" line.
    reporters: process.env.CI ? ["default", "json"] : ["default"],
    outputFile: process.env.CI ? { json: ".ci/test-report.json" } : undefined,
    hookTimeout: 60_000,
    pool: "forks",
    // Two cores: chaos tests spawn their own worker processes, so keep the fan-out modest.
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    projects: [
      {
        extends: true,
        test: {
          name: "suite",
          include: ["test/**/*.test.ts", "src/**/*.test.ts"],
          exclude: ["test/package/**", "test/chaos/pg-restart.test.ts"],
        },
      },
      // The pack-and-install test compiles better-sqlite3 for minutes: it runs after the rest,
      // alone, so it never starves the timing-sensitive chaos tests of CPU.
      {
        extends: true,
        test: { name: "package", include: ["test/package/**/*.test.ts"], sequence: { groupOrder: 1 } },
      },
      // Restarts the shared PostgreSQL server: alone and last, so no other file's connections
      // are cut mid-test.
      {
        extends: true,
        test: { name: "pg-restart", include: ["test/chaos/pg-restart.test.ts"], sequence: { groupOrder: 2 } },
      },
    ],
  },
});
