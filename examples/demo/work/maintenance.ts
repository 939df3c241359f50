/**
 * The seeds' scheduled maintenance, for real: rotating a log file (app.log → app.log.1 … keep
 * N) and cleaning up old generated files. The nightly backup is `backupSite` (analytics.ts),
 * an online SQLite backup.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Rotates `<dir>/<name>`: name.(keep-1) is dropped, each name.i moves to name.(i+1), name becomes name.1. */
export function rotateLog(dir: string, name: string, keep: number): { rotated: boolean; files: string[] } {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, name);
  if (!existsSync(file) || statSync(file).size === 0) return { rotated: false, files: [] };
  rmSync(`${file}.${keep}`, { force: true });
  for (let i = keep - 1; i >= 1; i--)
    if (existsSync(`${file}.${i}`)) renameSync(`${file}.${i}`, `${file}.${i + 1}`);
  renameSync(file, `${file}.1`);
  writeFileSync(file, "");
  return {
    rotated: true,
    files: readdirSync(dir)
      .filter((f) => f.startsWith(name))
      .sort(),
  };
}

/** Removes files older than `maxAgeMs` under each directory (not recursive). */
export function removeOlderThan(dirs: readonly string[], maxAgeMs: number, now = Date.now()): string[] {
  const removed: string[] = [];
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      const stat = statSync(path);
      if (stat.isFile() && now - stat.mtimeMs > maxAgeMs) {
        rmSync(path, { force: true });
        removed.push(path);
      }
    }
  }
  return removed;
}
