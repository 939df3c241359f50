/**
 * Analytics over small SQLite databases (the seeds' "101 SQLite databases", scaled down):
 * one file per site with a table of QR scans, generated on first use, then aggregated.
 */
import { existsSync, mkdirSync, renameSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";

const COUNTRIES = ["DE", "FR", "US", "BR", "JP", "IN", "GB", "ES", "NG", "CA"];
const DEVICES = ["ios", "android", "desktop"];
const ROWS_PER_SITE = 5000;

/** A small deterministic generator, so every run aggregates the same numbers. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

/** Creates `site-N.db` if missing (written to a temp name, then renamed: readers never see half a file). */
export function ensureSiteDb(dir: string, site: number): string {
  const file = join(dir, `site-${site}.db`);
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  const db = new Database(tmp);
  db.exec(
    "CREATE TABLE scans (id INTEGER PRIMARY KEY, day TEXT NOT NULL, country TEXT NOT NULL, device TEXT NOT NULL, ms INTEGER NOT NULL)",
  );
  const insert = db.prepare("INSERT INTO scans (day, country, device, ms) VALUES (?, ?, ?, ?)");
  const next = rng(site * 7919 + 1);
  db.transaction(() => {
    for (let i = 0; i < ROWS_PER_SITE; i++) {
      const day = `2025-01-${String(1 + Math.floor(next() * 28)).padStart(2, "0")}`;
      insert.run(
        day,
        COUNTRIES[Math.floor(next() * COUNTRIES.length)],
        DEVICES[Math.floor(next() * 3)],
        Math.floor(next() * 900),
      );
    }
  })();
  db.close();
  renameSync(tmp, file);
  return file;
}

export interface SiteReport {
  site: number;
  scans: number;
  days: number;
  topCountries: { country: string; scans: number }[];
  byDevice: Record<string, number>;
  p50LatencyMs: number;
}

export function aggregateSite(dir: string, site: number): SiteReport {
  const db = new Database(ensureSiteDb(dir, site), { readonly: true });
  try {
    const totals = db.prepare("SELECT COUNT(*) AS scans, COUNT(DISTINCT day) AS days FROM scans").get() as {
      scans: number;
      days: number;
    };
    const topCountries = db
      .prepare(
        "SELECT country, COUNT(*) AS scans FROM scans GROUP BY country ORDER BY scans DESC, country LIMIT 3",
      )
      .all() as { country: string; scans: number }[];
    const devices = db.prepare("SELECT device, COUNT(*) AS n FROM scans GROUP BY device").all() as {
      device: string;
      n: number;
    }[];
    const median = db
      .prepare("SELECT ms FROM scans ORDER BY ms LIMIT 1 OFFSET (SELECT COUNT(*) / 2 FROM scans)")
      .get() as { ms: number };
    return {
      site,
      ...totals,
      topCountries,
      byDevice: Object.fromEntries(devices.map((d) => [d.device, d.n])),
      p50LatencyMs: median.ms,
    };
  } finally {
    db.close();
  }
}

/** Maintenance: an online backup of one site database (SQLite's backup API). */
export async function backupSite(dir: string, site: number, backupDir: string): Promise<string> {
  mkdirSync(backupDir, { recursive: true });
  const db = new Database(ensureSiteDb(dir, site), { readonly: true });
  try {
    const target = join(backupDir, `site-${site}.backup.db`);
    await db.backup(target);
    return target;
  } finally {
    db.close();
  }
}
