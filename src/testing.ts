/**
 * `spool/testing`: helpers for testing apps and backends.
 */

export { createMemoryBackend } from "./backend/memory/index.js";
export { MemoryBackend } from "./backend/memory/memory-backend.js";
export { FakeClock } from "./core/clock.js";
