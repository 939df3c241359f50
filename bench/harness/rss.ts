/** Resident memory of a process, read from /proc/<pid>/status (Linux). */
import { readFileSync } from "node:fs";

export interface MemorySample {
  /** Current resident set, MiB. */
  rssMiB: number;
  /** Peak resident set since the process started, MiB. */
  hwmMiB: number;
}

function field(status: string, name: string): number {
  const m = new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status);
  if (!m) throw new Error(`/proc status has no ${name}`);
  return Number(m[1]) / 1024;
}

export function readMemory(pid: number = process.pid): MemorySample {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return { rssMiB: field(status, "VmRSS"), hwmMiB: field(status, "VmHWM") };
}
