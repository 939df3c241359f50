/**
 * `memory://` — the in-process reference backend (see memory-backend.ts for its limits).
 */
import { type Clock, systemClock } from "../../core/clock.js";
import { MemoryBackend } from "./memory-backend.js";

export { MemoryBackend };

export function createMemoryBackend(options: { clock?: Clock } = {}): MemoryBackend {
  return new MemoryBackend(options.clock ?? systemClock);
}
