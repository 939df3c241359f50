/**
 * The spool side of QRCards: the tasks the Flask app enqueues, the workflows they start, and
 * the nightly maintenance schedules. The Flask app (web/app.py) talks to it over the HTTP API
 * with the Python client; workers run it with `spool worker --app examples/qrcards/spool-app.ts`.
 *
 * - `cards.render` (queue `pdf`): a PDF of N QR cards for an order; progress per card.
 * - `analytics.report` (queue `control`) starts the report workflow, a chord: one
 *   `analytics.site` job per database (101, queue `analytics`), then `analytics.merge`.
 * - `bulk.start` (queue `control`) starts an enterprise batch, a chord: `qr.codes` jobs of 10
 *   codes each (1,000 for 10,000 codes, queue `qr`), then `bulk.bundle` zips the PNGs.
 *   (The HTTP API enqueues jobs, not workflows; these starter jobs build the workflow in the
 *   worker and return its id. Their key makes a resubmitted form start nothing twice.)
 * - `maintenance.backup`, `maintenance.rotate-logs`, `maintenance.cleanup` (queue
 *   `maintenance`) on the schedules `nightly-backup`, `log-rotation` and `cleanup`.
 *
 * Environment: `SPOOL_URL` (backend; default `sqlite://<dir>/spool.db`), `QRCARDS_DIR`
 * (data, default `.spool/qrcards`).
 */
import { mkdirSync, readdirSync, rmSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { createSpool, type Spool } from "../../src/index.js";
import { removeOlderThan, rotateLog } from "../demo/work/maintenance.js";
import { qrPng } from "../demo/work/pdf.js";
import { type OrderInput, renderOrderPdf } from "./work/cards.js";
import { aggregateSite, backupSites, mergeReports, SITES, type SiteReport } from "./work/sites.js";
import { writeZip } from "./work/zip.js";

export interface QrcardsOptions {
  backend?: string;
  dir?: string;
  logger?: { level?: string };
}

/** QR codes per `qr.codes` job of a bulk batch. */
export const CODES_PER_JOB = 10;

export function qrcardsPaths(dir: string) {
  return {
    sites: join(dir, "sites"),
    orders: join(dir, "orders"),
    bulk: join(dir, "bulk"),
    backups: join(dir, "backups"),
    logs: join(dir, "logs"),
  };
}

export function createQrcardsApp(options: QrcardsOptions = {}) {
  const dir = resolve(options.dir ?? process.env.QRCARDS_DIR ?? ".spool/qrcards");
  const paths = qrcardsPaths(dir);
  const backend = options.backend || process.env.SPOOL_URL || `sqlite://${join(dir, "spool.db")}`;
  if (backend.startsWith("sqlite://")) mkdirSync(dir, { recursive: true });
  const spool: Spool = createSpool({ backend, ...(options.logger ? { logger: options.logger } : {}) });

  const render = spool.task({
    name: "cards.render",
    queue: "pdf",
    timeout: "30s", // the seeds' target: a PDF in under 30 s
    retry: { attempts: 3, backoff: { type: "exponential", delay: "500ms", max: "5s" } },
    async run(input: OrderInput, ctx) {
      if (!Number.isInteger(input.count) || input.count < 1 || input.count > 200)
        throw new RangeError(`count must be 1..200, got ${input.count}`);
      const out = await renderOrderPdf(
        input,
        paths.orders,
        (done) => ctx.progress(Math.round((done / input.count) * 95), `card ${done} of ${input.count}`),
        ctx.signal,
      );
      await ctx.progress(100, "written");
      return out;
    },
  });

  // ── analytics: 101 databases, then one aggregate ──────────────────────────────────────────
  const site = spool.task({
    name: "analytics.site",
    queue: "analytics",
    async run(input: { site: number }, ctx) {
      await ctx.progress(10, "querying");
      return aggregateSite(paths.sites, input.site);
    },
  });
  const merge = spool.task({
    name: "analytics.merge",
    queue: "analytics",
    run: (reports: SiteReport[]) => mergeReports(reports),
  });
  spool.task({
    name: "analytics.report",
    queue: "control",
    async run(input: { reportId: string }) {
      const sites = Array.from({ length: SITES }, (_, i) => site.with({ site: i }));
      const wf = await spool.chord(sites, merge.with()).enqueue({ name: `report:${input.reportId}` });
      return { workflowId: wf.id, sites: SITES };
    },
  });

  // ── enterprise bulk: 10,000 QR codes in jobs of 10, then one zip ─────────────────────────
  const codes = spool.task({
    name: "qr.codes",
    queue: "qr",
    async run(input: { batchId: string; from: number; to: number }, ctx) {
      for (let serial = input.from; serial <= input.to; serial++) {
        ctx.signal.throwIfAborted();
        const png = await qrPng(`https://qrcards.example/b/${input.batchId}/${serial}`, 160);
        await writeFile(join(paths.bulk, input.batchId, `${serial}.png`), png);
      }
      return input.to - input.from + 1;
    },
  });
  const bundle = spool.task({
    name: "bulk.bundle",
    queue: "qr",
    async run(counts: number[], ctx) {
      const batchId = String(ctx.meta.batchId);
      const total = counts.reduce((a, b) => a + b, 0);
      const folder = join(paths.bulk, batchId);
      const zip = join(paths.bulk, `${batchId}.zip`);
      const files = Array.from({ length: total }, (_, i) => ({
        name: `${batchId}/${String(i + 1).padStart(5, "0")}.png`,
        path: join(folder, `${i + 1}.png`),
      }));
      const bytes = writeZip(zip, files);
      rmSync(folder, { recursive: true, force: true });
      return { file: zip, codes: total, bytes };
    },
  });
  spool.task({
    name: "bulk.start",
    queue: "control",
    async run(input: { batchId: string; customer: string; count: number }) {
      if (!/^[\w-]{1,64}$/.test(input.batchId)) throw new RangeError(`bad batch id ${input.batchId}`);
      if (!Number.isInteger(input.count) || input.count < 1 || input.count > 50_000)
        throw new RangeError(`count must be 1..50000, got ${input.count}`);
      mkdirSync(join(paths.bulk, input.batchId), { recursive: true });
      // A workflow is one atomic enqueue of at most 10,000 jobs (ENQUEUE_JOBS_MAX), so the
      // codes go in jobs of CODES_PER_JOB: 10,000 codes are 1,000 jobs and the bundle.
      const jobs = [];
      for (let from = 1; from <= input.count; from += CODES_PER_JOB)
        jobs.push(
          codes.with({ batchId: input.batchId, from, to: Math.min(input.count, from + CODES_PER_JOB - 1) }),
        );
      const callback = { ...bundle.with(), options: { meta: { batchId: input.batchId } } };
      const wf = await spool
        .chord(jobs, callback)
        .enqueue({ name: `bulk:${input.customer}:${input.batchId}` });
      return { workflowId: wf.id, count: input.count, jobs: jobs.length + 1 };
    },
  });

  // ── nightly maintenance ───────────────────────────────────────────────────────────────────
  const backup = spool.task({
    name: "maintenance.backup",
    queue: "maintenance",
    async run(_: Record<string, never>, ctx) {
      const stamp = new Date().toISOString().replace(/[:.]/g, "-");
      return backupSites(paths.sites, paths.backups, stamp, (done) =>
        ctx.progress(Math.round((done / SITES) * 100), `${done} of ${SITES} databases`),
      );
    },
  });
  const rotate = spool.task({
    name: "maintenance.rotate-logs",
    queue: "maintenance",
    run: (input: { keep: number }) => rotateLog(paths.logs, "web.log", input.keep),
  });
  const cleanup = spool.task({
    name: "maintenance.cleanup",
    queue: "maintenance",
    run(input: { maxAgeDays: number }) {
      const maxAge = input.maxAgeDays * 86_400_000;
      const removed = removeOlderThan([paths.orders, paths.bulk], maxAge);
      // Keep the newest 3 backups; older backup folders go.
      mkdirSync(paths.backups, { recursive: true });
      const backups = readdirSync(paths.backups).sort();
      for (const old of backups.slice(0, -3))
        rmSync(join(paths.backups, old), { recursive: true, force: true });
      return { removed: removed.length, backupsRemoved: Math.max(0, backups.length - 3) };
    },
  });
  spool.schedule("nightly-backup", { cron: "0 3 * * *", tz: "Europe/Berlin" }, backup.with({}), {
    misfire: "once",
    overlap: "skip",
  });
  spool.schedule("log-rotation", { cron: "0 0 * * *" }, rotate.with({ keep: 7 }), { misfire: "once" });
  spool.schedule("cleanup", { every: "1h" }, cleanup.with({ maxAgeDays: 7 }), { misfire: "skip" });

  return {
    spool,
    dir,
    paths,
    backend,
    tasks: { render, site, merge, codes, bundle, backup, rotate, cleanup },
  };
}

export type QrcardsApp = ReturnType<typeof createQrcardsApp>;

/** For the CLI (`spool worker --app examples/qrcards/spool-app.ts`): on `$SPOOL_URL` and `$QRCARDS_DIR`. */
export const spool = createQrcardsApp().spool;
export default spool;
