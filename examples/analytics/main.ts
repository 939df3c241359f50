/**
 * The seeds' analytics use case as a workflow: fan out over 101 small SQLite databases (one per
 * site, generated here on first run), aggregate in a chord callback, report progress.
 *
 *   npx tsx examples/analytics/main.ts            # embedded SQLite under .spool/examples/
 *   SPOOL_URL=redis://127.0.0.1:6379/0 npx tsx examples/analytics/main.ts
 *
 * Prints the time to enqueue the workflow (one atomic write of 102 jobs) and to run it.
 */
import { mkdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import Database from "better-sqlite3";
import { createSpool, type TaskContext } from "../../src/index.js";

const SITES = 101;
const ROWS_PER_SITE = 20_000;
const DATA_DIR = resolve(".spool/examples/analytics");
const COUNTRIES = ["DE", "FR", "US", "BR", "JP", "IN", "GB", "ES", "NG", "CA"];

interface SiteStats {
  site: number;
  scans: number;
  byCountry: Record<string, number>;
  p95Ms: number;
}

interface Report {
  sites: number;
  scans: number;
  topCountries: { country: string; scans: number }[];
  slowestSite: { site: number; p95Ms: number };
}

/** One SQLite file per site with a table of QR scans (deterministic data). */
function generateSites(): number {
  const started = performance.now();
  mkdirSync(DATA_DIR, { recursive: true });
  for (let site = 0; site < SITES; site++) {
    const file = join(DATA_DIR, `site-${site}.db`);
    rmSync(file, { force: true });
    const db = new Database(file);
    db.exec("CREATE TABLE scans (id INTEGER PRIMARY KEY, country TEXT NOT NULL, ms INTEGER NOT NULL)");
    const insert = db.prepare("INSERT INTO scans (country, ms) VALUES (?, ?)");
    let s = site * 7919 + 1;
    const next = () => {
      s = (s * 1103515245 + 12345) % 2 ** 31;
      return s / 2 ** 31;
    };
    db.transaction(() => {
      for (let i = 0; i < ROWS_PER_SITE; i++)
        insert.run(COUNTRIES[Math.floor(next() * COUNTRIES.length)], Math.floor(next() * next() * 2000));
    })();
    db.close();
  }
  return performance.now() - started;
}

const spool = createSpool({
  backend: process.env.SPOOL_URL ?? `sqlite://${resolve(".spool/examples/analytics-spool.db")}`,
  logger: { level: "warn" },
});

const scanSite = spool.task({
  name: "analytics.scanSite",
  queue: "analytics",
  async run(input: { site: number }, ctx: TaskContext): Promise<SiteStats> {
    const db = new Database(join(DATA_DIR, `site-${input.site}.db`), { readonly: true });
    try {
      await ctx.progress(10, "counting");
      const byCountry: Record<string, number> = {};
      for (const row of db.prepare("SELECT country, count(*) AS n FROM scans GROUP BY country").all() as {
        country: string;
        n: number;
      }[])
        byCountry[row.country] = row.n;
      await ctx.progress(60, "latency");
      const total = (db.prepare("SELECT count(*) AS n FROM scans").get() as { n: number }).n;
      const p95 = db
        .prepare("SELECT ms FROM scans ORDER BY ms LIMIT 1 OFFSET ?")
        .get(Math.floor(total * 0.95)) as { ms: number };
      return { site: input.site, scans: total, byCountry, p95Ms: p95.ms };
    } finally {
      db.close();
    }
  },
});

const aggregate = spool.task({
  name: "analytics.aggregate",
  queue: "analytics",
  run(sites: SiteStats[]): Report {
    const byCountry: Record<string, number> = {};
    let scans = 0;
    for (const s of sites) {
      scans += s.scans;
      for (const [c, n] of Object.entries(s.byCountry)) byCountry[c] = (byCountry[c] ?? 0) + n;
    }
    const slowest = sites.reduce((a, b) => (b.p95Ms > a.p95Ms ? b : a));
    return {
      sites: sites.length,
      scans,
      topCountries: Object.entries(byCountry)
        .map(([country, n]) => ({ country, scans: n }))
        .sort((a, b) => b.scans - a.scans)
        .slice(0, 3),
      slowestSite: { site: slowest.site, p95Ms: slowest.p95Ms },
    };
  },
});

const genMs = generateSites();
console.log(`generated ${SITES} site databases (${ROWS_PER_SITE} scans each) in ${genMs.toFixed(0)} ms`);

const worker = spool.worker({ queues: ["analytics"], concurrency: 8 });
await worker.start();

const t0 = performance.now();
const wf = await spool
  .chord(
    Array.from({ length: SITES }, (_, site) => scanSite.with({ site })),
    aggregate.with(),
  )
  .enqueue({ name: "analytics.daily", policy: "failFast" });
const enqueueMs = performance.now() - t0;

let lastPrinted = -1;
for await (const event of wf.events()) {
  const pct = Math.floor(event.progress.percent / 25) * 25;
  if (event.type === "workflow:progress" && pct !== lastPrinted) {
    lastPrinted = pct;
    console.log(
      `progress ${event.progress.completed}/${event.progress.total} nodes (${event.progress.percent}%)`,
    );
  }
  if (event.type.startsWith("workflow:") && event.type !== "workflow:progress") console.log(event.type);
}
const report = await wf.result();
const runMs = performance.now() - t0;
console.log(JSON.stringify(report));
console.log(
  `analytics: enqueue ${SITES + 1} jobs in ${enqueueMs.toFixed(1)} ms; ran ${SITES} scans + aggregate in ${runMs.toFixed(0)} ms (backend ${(await spool.backend()).kind})`,
);
await spool.close();
