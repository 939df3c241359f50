/**
 * A process's answer to the "mem" command (bench/rss-idle.ts). node:v8 is imported only when
 * asked, after the orchestrator has read VmRSS, so measuring does not add to what is measured.
 */
import type { MemReport } from "./protocol.js";

const MIB = 1024 * 1024;

export async function memReport(): Promise<MemReport> {
  const v8 = await import("node:v8");
  const spaces = v8.getHeapSpaceStatistics();
  const mu = process.memoryUsage();
  return {
    ev: "mem",
    heapPhysicalMiB: spaces.reduce((a, s) => a + s.physical_space_size, 0) / MIB,
    heapUsedMiB: mu.heapUsed / MIB,
    newSpacePhysicalMiB: (spaces.find((s) => s.space_name === "new_space")?.physical_space_size ?? 0) / MIB,
    externalMiB: mu.external / MIB,
  };
}
