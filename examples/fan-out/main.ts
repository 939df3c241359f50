/**
 * Dynamic children (docs/children.md): a nightly report that does not know its work up front.
 * The parent lists the site databases it finds on disk (101, generated here on first run),
 * spawns one child per database, and waits for them WITHOUT holding a worker slot; when every
 * child is final it runs again with their results and combines them.
 *
 *   npx tsx examples/fan-out/main.ts            # embedded SQLite under .spool/examples/
 *   SPOOL_URL=redis://127.0.0.1:6379/0 npx tsx examples/fan-out/main.ts
 */
import { mkdirSync, readdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import Database from "better-sqlite3";
import { createSpool } from "../../src/index.js";

const DIR = resolve(".spool/examples/fan-out");
const SITES = 101;

// 101 small SQLite files, one per site (deterministic rows: site n has 100 + n scans).
rmSync(DIR, { recursive: true, force: true });
mkdirSync(DIR, { recursive: true });
for (let site = 0; site < SITES; site++) {
  const db = new Database(join(DIR, `site-${String(site).padStart(3, "0")}.db`));
  db.exec("CREATE TABLE scans (id INTEGER PRIMARY KEY, ms INTEGER NOT NULL)");
  const insert = db.prepare("INSERT INTO scans (ms) VALUES (?)");
  db.transaction(() => {
    for (let i = 0; i < 100 + site; i++) insert.run((i * 37) % 500);
  })();
  db.close();
}

const spool = createSpool({
  backend: process.env.SPOOL_URL ?? `sqlite://${resolve(".spool/examples/fan-out-spool.db")}`,
  logger: { level: "warn" },
});

const countScans = spool.task({
  name: "fanout.countScans",
  run(input: { file: string }): number {
    const db = new Database(input.file, { readonly: true });
    try {
      return (db.prepare("SELECT count(*) AS n FROM scans").get() as { n: number }).n;
    } finally {
      db.close();
    }
  },
});

const nightly = spool.task({
  name: "fanout.nightly",
  async run(dir: string, ctx) {
    if (!ctx.children) {
      // First run: discover the work, spawn it, and end this attempt (the slot is freed).
      const files = readdirSync(dir).filter((f) => f.endsWith(".db"));
      return ctx.spawn(files.map((f) => countScans.with({ file: join(dir, f) })));
    }
    // Resumed once every child completed: results come in the order they were spawned,
    // typed by countScans's result type (number[]).
    const counts = ctx.children.resultsOf(countScans);
    return { sites: counts.length, scans: counts.reduce((a, b) => a + b, 0) };
  },
});

// One slot is enough: the waiting parent does not occupy it.
const worker = spool.worker({ concurrency: 1 });
await worker.start();
const t0 = performance.now();
const job = await nightly.enqueue(DIR);
const report = await job.result({ timeout: "2m" });
const info = await job.get();
console.log(
  `report: ${report.sites} sites, ${report.scans} scans in ${(performance.now() - t0).toFixed(0)} ms ` +
    `(parent ${info.state}, attempt ${info.attempt}, ${info.dependsOn.length} children)`,
);
await worker.stop();
await spool.close();
