/**
 * The demo app: the four kinds of work from the seeds (QRCards) as spool tasks.
 *
 * - `pdf.render` — a real PDF with a QR code, written under `<dir>/demo/out/`
 * - `qr.generate` — one PNG QR code (the unit of an enterprise bulk batch)
 * - `analytics.aggregate` — GROUP BY queries over small per-site SQLite databases
 * - `email.send` — simulated SMTP latency and transient failures: retries with backoff
 * - `webhook.deliver` — an endpoint that is gone (410) fails with `NonRetriableError`: the
 *   job lands in the dead-letter set (`failed`) on its first attempt
 * - `maintenance.backup` — an online SQLite backup (the demo enqueues it with a delay)
 * - `maintenance.rotate-logs`, `maintenance.cleanup` — log rotation and removal of old files
 *
 * Schedules (the seeds' maintenance): `nightly-backup` (`0 3 * * *`, Europe/Berlin),
 * `log-rotation` (daily at midnight UTC) and `cleanup` (every hour). They are stored when the
 * app's spool first opens its backend; see them with
 * `npx spool schedules ls --app examples/demo/app.ts`, run them with `spool dev` or
 * `spool scheduler`, or fire one now with `spool schedules run nightly-backup`.
 *
 * `npm start` runs `main.ts`, which builds this app on a fresh demo database. The module also
 * exports a ready instance, so the CLI can run it: `npx spool worker --app examples/demo/app.ts`.
 */
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "pino";
import { createSpool, NonRetriableError, type Spool } from "../../src/index.js";
import { aggregateSite, backupSite } from "./work/analytics.js";
import { removeOlderThan, rotateLog } from "./work/maintenance.js";
import { qrPng, renderCardPdf } from "./work/pdf.js";

export interface DemoAppOptions {
  /** Backend URL; default `$SPOOL_URL`, else spool's default. */
  backend?: string;
  /** Where output and generated databases go. Default `.spool`. */
  dir?: string;
  logger?: Logger | { level?: string };
}

export function createDemoApp(options: DemoAppOptions = {}) {
  const dir = resolve(options.dir ?? ".spool");
  const outDir = join(dir, "demo", "out");
  const dataDir = join(dir, "demo", "analytics");
  const spool: Spool = createSpool({
    ...(options.backend ? { backend: options.backend } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });

  const renderPdf = spool.task({
    name: "pdf.render",
    queue: "pdf",
    retry: { attempts: 3, backoff: { type: "exponential", delay: "200ms", max: "2s", jitter: true } },
    timeout: "30s",
    async run(input: { orderId: string; customer: string; url: string }, ctx) {
      await ctx.progress(20, "rendering QR code");
      const out = await renderCardPdf(input, outDir);
      await ctx.progress(100, "written");
      return out;
    },
  });

  const generateQr = spool.task({
    name: "qr.generate",
    queue: "qr",
    async run(input: { batch: string; serial: number }) {
      const png = await qrPng(`https://qrcards.example/${input.batch}/${input.serial}`, 128);
      return { batch: input.batch, serial: input.serial, bytes: png.length };
    },
  });

  const aggregate = spool.task({
    name: "analytics.aggregate",
    queue: "analytics",
    run: (input: { site: number }) => aggregateSite(dataDir, input.site),
  });

  const sendEmail = spool.task({
    name: "email.send",
    queue: "email",
    retry: { attempts: 4, backoff: { type: "exponential", delay: "100ms", max: "1s", jitter: true } },
    async run(input: { to: string; subject: string; failTimes: number; latencyMs: number }, ctx) {
      await sleep(input.latencyMs, undefined, { signal: ctx.signal });
      if (ctx.attempt <= input.failTimes) {
        ctx.log.warn(`SMTP busy on attempt ${ctx.attempt}`);
        throw new Error("SMTP 421: service not available, try again later");
      }
      return { to: input.to, messageId: `<${ctx.id}@qrcards.example>` };
    },
  });

  const deliverWebhook = spool.task({
    name: "webhook.deliver",
    queue: "default",
    retry: 5,
    async run(input: { url: string; gone: boolean }, ctx) {
      await sleep(10, undefined, { signal: ctx.signal });
      // A 410 will never succeed: retrying would only delay the dead-letter entry.
      if (input.gone) throw new NonRetriableError(`POST ${input.url}: 410 Gone (endpoint removed)`);
      return { status: 204 };
    },
  });

  const backup = spool.task({
    name: "maintenance.backup",
    queue: "maintenance",
    run: async (input: { site: number }) => ({
      file: await backupSite(dataDir, input.site, join(dir, "demo", "backups")),
    }),
  });

  const logDir = join(dir, "demo", "logs");
  const rotateLogs = spool.task({
    name: "maintenance.rotate-logs",
    queue: "maintenance",
    run: (input: { keep: number }) => rotateLog(logDir, "app.log", input.keep),
  });

  const cleanup = spool.task({
    name: "maintenance.cleanup",
    queue: "maintenance",
    run: (input: { maxAgeDays: number }) => ({
      removed: removeOlderThan([outDir, join(dir, "demo", "backups")], input.maxAgeDays * 86_400_000).length,
    }),
  });

  // The seeds' maintenance as schedules. Every instance of the app defines them; the store
  // keeps one of each (an upsert by name), and any number of schedulers fire each time once.
  const schedules = {
    nightlyBackup: spool.schedule(
      "nightly-backup",
      { cron: "0 3 * * *", tz: "Europe/Berlin" },
      backup.with({ site: 0 }),
      // Missed while every scheduler was down (a deploy at 3 am)? Run it once when one is back.
      { misfire: "once", overlap: "skip" },
    ),
    logRotation: spool.schedule("log-rotation", { cron: "0 0 * * *" }, rotateLogs.with({ keep: 7 }), {
      misfire: "once",
    }),
    cleanup: spool.schedule("cleanup", { every: "1h" }, cleanup.with({ maxAgeDays: 7 }), {
      misfire: "skip",
      jitter: "1m",
    }),
  };

  return {
    spool,
    outDir,
    dataDir,
    logDir,
    schedules,
    tasks: { renderPdf, generateQr, aggregate, sendEmail, deliverWebhook, backup, rotateLogs, cleanup },
  };
}

export type DemoApp = ReturnType<typeof createDemoApp>;

/** For the CLI (`--app examples/demo/app.ts`): an instance on `$SPOOL_URL` or the default backend. */
export const spool = createDemoApp().spool;
export default spool;
