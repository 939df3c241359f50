/**
 * The 101 SQLite databases of the analytics page: one per customer site, each a table of QR
 * scans (`rows` per site, default 40,000: ~1.5 MB a file), generated on first run. A report
 * aggregates each database (one job per database) and then merges the 101 results.
 */
import { existsSync, mkdirSync, renameSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";

export const SITES = 101;
export const COUNTRIES = ["DE", "FR", "US", "BR", "JP", "IN", "GB", "ES", "NG", "CA", "MX", "KR"];
export const DEVICES = ["ios", "android", "desktop"];
export const TEMPLATE_NAMES = ["classic", "forest", "sunset"];

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

export function siteFile(dir: string, site: number): string {
  return join(dir, `site-${String(site).padStart(3, "0")}.db`);
}

/** Creates the site's database if missing (a temp file renamed into place: never half a file). */
export function ensureSite(dir: string, site: number, rows: number): string {
  const file = siteFile(dir, site);
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  const db = new Database(tmp);
  db.pragma("journal_mode = OFF");
  db.exec(
    "CREATE TABLE scans (id INTEGER PRIMARY KEY, day TEXT NOT NULL, country TEXT NOT NULL, " +
      "device TEXT NOT NULL, template TEXT NOT NULL, ms INTEGER NOT NULL)",
  );
  const insert = db.prepare("INSERT INTO scans (day, country, device, template, ms) VALUES (?, ?, ?, ?, ?)");
  const next = rng(site * 7919 + 17);
  // Sites differ in size (±50 %) and in audience, so the report has something to show.
  const n = Math.round(rows * (0.5 + next()));
  const home = Math.floor(next() * COUNTRIES.length);
  db.transaction(() => {
    for (let i = 0; i < n; i++) {
      const r = next();
      const country = r < 0.4 ? home : Math.floor(next() * COUNTRIES.length);
      const day = `2026-11-${String(1 + Math.floor(next() * 30)).padStart(2, "0")}`;
      insert.run(
        day,
        COUNTRIES[country],
        DEVICES[Math.floor(next() * 3)],
        TEMPLATE_NAMES[Math.floor(next() * 3)],
        Math.floor(40 + next() * next() * 2000),
      );
    }
  })();
  db.close();
  renameSync(tmp, file);
  return file;
}

/** Every site database, created where missing; `onSite` reports progress. */
export function ensureSites(dir: string, rows: number, onSite?: (site: number) => void): void {
  for (let site = 0; site < SITES; site++) {
    ensureSite(dir, site, rows);
    onSite?.(site);
  }
}

export interface SiteReport {
  site: number;
  scans: number;
  byCountry: Record<string, number>;
  byDevice: Record<string, number>;
  byTemplate: Record<string, number>;
  p50Ms: number;
  p95Ms: number;
  busiestDay: string;
}

export function aggregateSite(dir: string, site: number): SiteReport {
  const file = siteFile(dir, site);
  if (!existsSync(file)) throw new Error(`no database for site ${site} at ${file}`);
  const db = new Database(file, { readonly: true });
  try {
    const group = (col: string) =>
      Object.fromEntries(
        (
          db.prepare(`SELECT ${col} AS k, COUNT(*) AS n FROM scans GROUP BY ${col}`).all() as {
            k: string;
            n: number;
          }[]
        ).map((r) => [r.k, r.n]),
      );
    const { scans } = db.prepare("SELECT COUNT(*) AS scans FROM scans").get() as { scans: number };
    const quantile = (q: number) =>
      (
        db.prepare("SELECT ms FROM scans ORDER BY ms LIMIT 1 OFFSET ?").get(Math.floor(scans * q)) as {
          ms: number;
        }
      ).ms;
    const busiest = db
      .prepare("SELECT day, COUNT(*) AS n FROM scans GROUP BY day ORDER BY n DESC, day LIMIT 1")
      .get() as { day: string };
    return {
      site,
      scans,
      byCountry: group("country"),
      byDevice: group("device"),
      byTemplate: group("template"),
      p50Ms: quantile(0.5),
      p95Ms: quantile(0.95),
      busiestDay: busiest.day,
    };
  } finally {
    db.close();
  }
}

export interface Report {
  sites: number;
  scans: number;
  countries: { country: string; scans: number; share: number }[];
  devices: Record<string, number>;
  templates: Record<string, number>;
  topSites: { site: number; scans: number; p50Ms: number; p95Ms: number }[];
  p50MsMedian: number;
}

/** The aggregate over every site's report (the chord's callback). */
export function mergeReports(reports: readonly SiteReport[]): Report {
  const add = (into: Record<string, number>, from: Record<string, number>) => {
    for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
  };
  const countries: Record<string, number> = {};
  const devices: Record<string, number> = {};
  const templates: Record<string, number> = {};
  let scans = 0;
  for (const r of reports) {
    scans += r.scans;
    add(countries, r.byCountry);
    add(devices, r.byDevice);
    add(templates, r.byTemplate);
  }
  const p50s = reports.map((r) => r.p50Ms).sort((a, b) => a - b);
  return {
    sites: reports.length,
    scans,
    countries: Object.entries(countries)
      .map(([country, n]) => ({ country, scans: n, share: Math.round((n / Math.max(1, scans)) * 1000) / 10 }))
      .sort((a, b) => b.scans - a.scans || a.country.localeCompare(b.country)),
    devices,
    templates,
    topSites: [...reports]
      .sort((a, b) => b.scans - a.scans)
      .slice(0, 10)
      .map((r) => ({ site: r.site, scans: r.scans, p50Ms: r.p50Ms, p95Ms: r.p95Ms })),
    p50MsMedian: p50s[Math.floor(p50s.length / 2)] ?? 0,
  };
}

/** The nightly backup: an online SQLite backup of every site database into `<backupDir>/<stamp>/`. */
export async function backupSites(
  dir: string,
  backupDir: string,
  stamp: string,
  onSite: (done: number) => Promise<void>,
): Promise<{ dir: string; files: number }> {
  const target = join(backupDir, stamp);
  mkdirSync(target, { recursive: true });
  let files = 0;
  for (let site = 0; site < SITES; site++) {
    const file = siteFile(dir, site);
    if (!existsSync(file)) continue;
    const db = new Database(file, { readonly: true });
    try {
      await db.backup(join(target, `site-${String(site).padStart(3, "0")}.db`));
    } finally {
      db.close();
    }
    files++;
    await onSite(site + 1);
  }
  return { dir: target, files };
}
