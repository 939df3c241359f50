/**
 * `npm start`: the spool demo. On a fresh embedded SQLite database it enqueues a few hundred
 * jobs of the demo app's tasks (PDF/QR generation, analytics over SQLite, email with
 * transient failures, a dead webhook, a delayed backup, a high-priority order), runs one
 * worker in this process, shows live progress, and ends with a summary table and the
 * maintenance schedules (nightly backup, log rotation, cleanup) with their next fire times.
 *
 * Environment: `DEMO_JOBS` (default 300), `SPOOL_DEMO_DIR` (default `.spool`: the database
 * is `<dir>/demo.db`, output under `<dir>/demo/`), `DEMO_CONCURRENCY` (default 16),
 * `DEMO_TIMEOUT` (default 60s; exit 1 if the jobs are not all finished by then).
 */
import { existsSync, readdirSync, rmSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { schedulesTable } from "../../src/cli/commands/schedules-ls.js";
import { type EnqueueOptions, formatMs, type TaskCall } from "../../src/index.js";
import { createDemoApp, type DemoApp } from "./app.js";
import { allJobs, summaryTable } from "./summary.js";
import { Tracker } from "./tracker.js";

const JOBS = Math.max(20, Number(process.env.DEMO_JOBS ?? 300) || 300);
const CONCURRENCY = Number(process.env.DEMO_CONCURRENCY ?? 16) || 16;
const TIMEOUT_MS = Number(process.env.DEMO_TIMEOUT ?? 60_000) || 60_000;
const DIR = resolve(process.env.SPOOL_DEMO_DIR ?? ".spool");
const DB = join(DIR, "demo.db");
const BACKUP_DELAY = "2s";
const SITES = 12;

function show(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith("..") ? rel : path;
}

function freshStart(): void {
  for (const f of [DB, `${DB}-wal`, `${DB}-shm`]) rmSync(f, { force: true });
  rmSync(join(DIR, "demo", "out"), { recursive: true, force: true });
  rmSync(join(DIR, "demo", "backups"), { recursive: true, force: true });
}

/** The mix: mostly QR codes and emails, some PDFs and analytics, a few dead webhooks. */
function plan(app: DemoApp, n: number): TaskCall[] {
  const t = app.tasks;
  const calls: TaskCall[] = [];
  for (let i = 0; i < n; i++) {
    const slot = i % 20;
    if (slot < 8) calls.push(t.generateQr.with({ batch: "acme-2025", serial: i }));
    else if (slot < 14) {
      // Every 4th email fails once, every 13th twice; every 37th never gets through (dead-letter).
      const failTimes = i % 37 === 0 ? 99 : i % 13 === 0 ? 2 : i % 4 === 0 ? 1 : 0;
      calls.push(
        t.sendEmail.with({
          to: `user${i}@example.com`,
          subject: "Your QR card is ready",
          failTimes,
          latencyMs: 10 + ((i * 7) % 40),
        }),
      );
    } else if (slot < 17) {
      const orderId = `order-${String(i).padStart(4, "0")}`;
      calls.push(
        t.renderPdf.with({ orderId, customer: `Customer ${i}`, url: `https://qrcards.example/c/${orderId}` }),
      );
    } else if (slot < 19) calls.push(t.aggregate.with({ site: i % SITES }));
    else calls.push(t.deliverWebhook.with({ url: `https://hooks.example/${i}`, gone: i % 100 === 19 }));
  }
  return calls;
}

async function main(): Promise<number> {
  freshStart();
  const app = createDemoApp({
    backend: `sqlite://${DB}`,
    dir: DIR,
    logger: { level: process.env.SPOOL_LOG_LEVEL ?? "silent" },
  });
  const { spool, tasks } = app;
  const out = process.stdout;
  out.write(`spool demo: ${JOBS} jobs on sqlite://${show(DB)}, one worker with concurrency ${CONCURRENCY}\n`);

  const calls = plan(app, JOBS);
  await spool.enqueueMany(calls);
  const enqueuedAt = Date.now();
  const backupOpts: EnqueueOptions = { delay: BACKUP_DELAY };
  const backup = await tasks.backup.enqueue({ site: 0 }, backupOpts);
  // Enqueued last, but priority 10 puts it ahead of every other PDF still queued.
  const vip = await tasks.renderPdf.enqueue(
    { orderId: "order-vip", customer: "VIP Customer", url: "https://qrcards.example/c/order-vip" },
    { priority: 10 },
  );
  const total = calls.length + 2;

  const tracker = new Tracker(total, out);
  const worker = spool.worker({ concurrency: CONCURRENCY, lease: "30s" });
  tracker.attach(worker);
  tracker.startDisplay();
  await worker.start();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = await Promise.race([
    tracker.allFinished().then(() => false),
    new Promise<boolean>((r) => (timer = setTimeout(() => r(true), TIMEOUT_MS))),
  ]);
  clearTimeout(timer);
  tracker.stopDisplay();
  await worker.stop({ grace: "5s" });

  const jobs = await allJobs(spool);
  out.write(`\n${summaryTable(jobs, tracker)}\n`);

  const outDir = app.outDir;
  const pdfs = existsSync(outDir) ? readdirSync(outDir).filter((f) => f.endsWith(".pdf")) : [];
  out.write(
    `PDFs: ${pdfs.length} written to ${show(outDir)}/ (e.g. ${pdfs.includes("order-vip.pdf") ? "order-vip.pdf" : pdfs[0]})\n`,
  );
  const pdfOrder = tracker.startOrder.get("pdf.render") ?? [];
  const vipRank = pdfOrder.indexOf(vip.id) + 1;
  if (vipRank > 0)
    out.write(
      `priority: the VIP order (priority 10, enqueued last) started #${vipRank} of ${pdfOrder.length} PDF jobs\n`,
    );
  const backupJob = jobs.find((j) => j.id === backup.id);
  if (backupJob?.startedAt)
    out.write(
      `delay: maintenance.backup (delay ${BACKUP_DELAY}) started ${formatMs(backupJob.startedAt - enqueuedAt)} after enqueue\n`,
    );
  const dead = jobs.filter((j) => j.state === "failed");
  out.write(
    `dead-letter set: ${dead.length} failed jobs (${[...new Set(dead.map((j) => j.task))].join(", ") || "none"}); ` +
      `inspect: npx spool jobs ls --state failed --backend sqlite://${show(DB)}\n`,
  );
  // The seeds' maintenance (backup, log rotation, cleanup) as stored schedules: this run has
  // no scheduler, so they only show their next fire times; `spool dev` or `spool scheduler` fires them.
  const schedules = await spool.schedules.list();
  out.write(
    `\nschedules (fired by \`spool scheduler\` or \`spool dev\`):\n${schedulesTable(schedules, Date.now())}`,
  );
  out.write(`inspect: npx spool schedules ls --backend sqlite://${show(DB)}\n`);
  await spool.close();
  if (timedOut) {
    process.stderr.write(
      `error [TIMEOUT]: only ${tracker.finished} of ${total} jobs finished within ${formatMs(TIMEOUT_MS)}\n`,
    );
    return 1;
  }
  out.write(`done: ${total} jobs in ${formatMs(tracker.elapsedMs)}\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
