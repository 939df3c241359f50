/** Resident memory of a process, read from /proc/<pid>/status and /proc/<pid>/smaps (Linux). */
import { readFileSync, readlinkSync } from "node:fs";

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

/**
 * Where a process's resident pages are, MiB (bench/rss-idle.ts): file-backed pages are code and
 * read-only data (the node binary's pages are shared with every other Node process, but VmRSS
 * counts them all the same); anonymous pages are the V8 heap, malloc and thread stacks.
 */
export interface RssSplit {
  /** Pages of the node executable (V8, the built-in modules' code cache, ICU, OpenSSL...). */
  nodeBinaryMiB: number;
  /** Other file-backed pages: shared libraries and native addons (.node). */
  libsMiB: number;
  /** Native addons (.node files) among them. */
  addonsMiB: number;
  /** Anonymous mappings: the V8 heap, thread stacks, large malloc blocks. */
  anonMiB: number;
  /** The brk heap: malloc (SQLite's page cache, libuv, OpenSSL). */
  brkMiB: number;
}

export function readRssSplit(pid: number = process.pid): RssSplit {
  const text = readFileSync(`/proc/${pid}/smaps`, "utf8");
  const split: RssSplit = { nodeBinaryMiB: 0, libsMiB: 0, addonsMiB: 0, anonMiB: 0, brkMiB: 0 };
  let path = "";
  // The executable's mappings carry the path /proc/<pid>/exe points to.
  const exe = readlinkSync(`/proc/${pid}/exe`);
  for (const line of text.split("\n")) {
    const header = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (header) {
      path = header[1] ?? "";
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (!rss) continue;
    const mib = Number(rss[1]) / 1024;
    if (path === "[heap]") split.brkMiB += mib;
    else if (path === "" || path.startsWith("[")) split.anonMiB += mib;
    else if (path === exe) split.nodeBinaryMiB += mib;
    else {
      split.libsMiB += mib;
      if (path.endsWith(".node")) split.addonsMiB += mib;
    }
  }
  return split;
}
