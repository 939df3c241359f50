// Builds a SQLite store shaped like bench/dashboard-scale.ts (95% completed, 5% failed with
// "printer on fire: paper jam") by raw SQL, fast, then indexes it for search.
import Database from "better-sqlite3";
import { rmSync } from "node:fs";
import { createSqliteBackend } from "../src/backend/sqlite/index.js";
const N = Number(process.argv[2] ?? 200000);
const file = process.argv[3] ?? "/tmp/dash4/exp.db";
for (const x of ["", "-wal", "-shm"]) rmSync(file + x, { force: true });
let b = await createSqliteBackend(`sqlite://${file}`);
await b.close();
const db = new Database(file);
db.pragma("journal_mode = WAL");
const t0 = performance.now();
db.exec(`
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ${N})
INSERT INTO spool_jobs (id, task, queue, state, priority, run_at, attempt, max_attempts, input, result, errors, key, meta, created_at, started_at, finished_at, updated_at)
SELECT printf('01a2%012x-0000-7000-8000-%012x', i, i),
  CASE i % 4 WHEN 0 THEN 'invoice.render' WHEN 1 THEN 'mail.send' WHEN 2 THEN 'report.build' ELSE 'image.resize' END,
  CASE i % 4 WHEN 0 THEN 'billing' WHEN 1 THEN 'mail' WHEN 2 THEN 'reports' ELSE 'images' END,
  CASE WHEN i % 20 = 19 THEN 'queued' WHEN i % 19 = 7 THEN 'failed' ELSE 'completed' END,
  0, 1700000000000 + i, 1, 1,
  json_object('customer', CASE WHEN i % 100000 = 4242 THEN 'zanzibar' ELSE 'acme' END, 'invoice', 'INV-' || i, 'amount', (i * 37) % 10000),
  CASE WHEN i % 20 = 19 OR i % 19 = 7 THEN NULL ELSE '{"ok":true,"pages":3}' END,
  CASE WHEN i % 20 <> 19 AND i % 19 = 7 THEN '[{"attempt":1,"name":"Error","message":"printer on fire: paper jam","stack":"","at":1}]' ELSE '[]' END,
  NULL, '{}', 1700000000000 + i, 1700000000000 + i, CASE WHEN i % 20 = 19 THEN NULL ELSE 1700000000000 + i END, 1700000000000 + i
FROM n;`);
db.close();
console.log("insert", ((performance.now() - t0) / 1000).toFixed(1), "s");
b = await createSqliteBackend(`sqlite://${file}`);
const t1 = performance.now();
await (b as unknown as { searchCatchUp(): Promise<number> }).searchCatchUp();
console.log("index", ((performance.now() - t1) / 1000).toFixed(1), "s");
await b.close();
