import { createSqliteBackend } from "../src/backend/sqlite/index.js";
import * as SQL from "../src/backend/sqlite/generated/sql.js";
const file = process.argv[2] ?? "/tmp/dash4/exp.db";
const b = await createSqliteBackend(`sqlite://${file}`);
const db = (b as any).store.db;
const time = async (name: string, fn: () => unknown, n = 15) => {
  await fn();
  const t: number[] = [];
  for (let i = 0; i < n; i++) { const s = performance.now(); await fn(); t.push(performance.now() - s); }
  t.sort((a, b) => a - b);
  console.log(name.padEnd(40), "p50", t[Math.floor(n / 2)]!.toFixed(2), "min", t[0]!.toFixed(2));
};
await time("list newest 50", () => b.jobList({ limit: 50 }));
await time("search paper jam", () => b.jobList({ search: "paper jam", limit: 50 }));
await time("search zanzibar", () => b.jobList({ search: "zanzibar", limit: 50 }));
const cand = db.prepare(SQL.SEARCH_CANDIDATES);
await time("candidates paper jam", () => cand.get({ phrase: '"paper jam"', cap: 2000 }));
const scan = db.prepare(SQL.JOB_SEARCH_SCAN_DESC);
const args = { search: "paper jam", queue: null, states: null, task: null, key: null, created_after: null, created_before: null, after: null, limit: 51 };
await time("scan stmt paper jam", () => scan.all(args));
const fts = db.prepare(SQL.JOB_SEARCH_DESC);
await time("fts stmt paper jam", () => fts.all({ ...args, phrase: '"paper jam"' }), 3);
const ftsOrder = db.prepare(`SELECT rowid FROM spool_jobs_search WHERE spool_jobs_search MATCH :phrase ORDER BY rowid DESC LIMIT 200`);
await time("fts rowid desc limit 200", () => ftsOrder.all({ phrase: '"paper jam"' }));
const ftsAll = db.prepare(`SELECT count(*) FROM spool_jobs_search WHERE spool_jobs_search MATCH :phrase`);
await time("fts count all", () => ftsAll.get({ phrase: '"paper jam"' }), 3);
console.log("pending", db.prepare("SELECT count(*) n FROM spool_jobs_search_pending").get());
for (const sql of [SQL.JOB_SEARCH_SCAN_DESC, SQL.JOB_SEARCH_DESC, SQL.JOB_LIST_DESC])
  console.log((db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all({ ...args, phrase: "x" }) as any[]).map((r) => r.detail).join(" | "));
await b.close();
