import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "src/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Two cores: chaos tests spawn their own worker processes, so keep the fan-out modest.
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
});
