/**
 * QRCards end to end (examples/qrcards): the whole app as a user starts it (main.ts: spool's
 * API and scheduler, a worker process, the Flask app), driven in real Chromium:
 *
 * - orders a PDF, watches its live progress, downloads it and decodes a QR code from it
 *   (pdftoppm rasterises the page, zbarimg reads the codes);
 * - runs the analytics report over the 101 databases and reads the result table;
 * - orders a bulk batch of 10,000 QR codes and cancels it while it runs, then a small batch
 *   to the end and checks its zip;
 * - runs the nightly backup schedule now and sees its result;
 * - then checks that no job was lost: every job enqueued is accounted for, final, and none failed.
 *
 * On SQLite (the default), and on Redis and PostgreSQL (`SPOOL_URL=…`, no code change). Small site
 * databases (QRCARDS_ROWS) keep the CPU cost modest. Screenshots of each page go to
 * `.screenshots/` (or `docs/img/` with SPOOL_UPDATE_SCREENSHOTS=1). Every wait is for a fact
 * that stays true once reached.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { promisify } from "node:util";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumAvailable, launchChromium, requireChromium, screenshotDir } from "../support/chromium.js";
import { postgresReachable, postgresUrl, requirePostgres } from "../support/postgres.js";
import { flaskAvailable, PYTHON, requireCommands, requireFlask } from "../support/python.js";
import { redisReachable, redisUrl, requireRedis } from "../support/redis.js";
import { waitFor } from "../support/wait-for.js";

const run = promisify(execFile);
const root = resolve(import.meta.dirname, "../..");
const TOKEN = "qrcards-e2e-admin-token";
const WAIT = { timeout: 90_000 };
const BULK = 10_000;
/** Jobs of a 10,000-code batch: 1,000 jobs of 10 codes, and the bundle. */
const BULK_JOBS = 1_001;

requireChromium("the QRCards end-to-end test");
requireFlask("the QRCards end-to-end test");
const tools = requireCommands("the QRCards end-to-end test", ["pdftoppm", "zbarimg"]);
const ready = chromiumAvailable && flaskAvailable && tools;

interface Running {
  web: string;
  api: string;
  dir: string;
  main: ChildProcess;
  output: string[];
}

async function startApp(dir: string, backend?: string): Promise<Running> {
  const output: string[] = [];
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.SPOOL_URL;
  const main = spawn(process.execPath, ["--import", "tsx", "examples/qrcards/main.ts"], {
    cwd: root,
    env: {
      ...env,
      QRCARDS_DIR: dir,
      QRCARDS_ROWS: "1500",
      QRCARDS_PORT: "0",
      QRCARDS_API_PORT: "0",
      QRCARDS_CONCURRENCY: "4",
      SPOOL_API_TOKENS: `admin:${TOKEN}`,
      PYTHON,
      ...(backend ? { SPOOL_URL: backend } : {}),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  main.stderr?.on("data", (d: Buffer) => output.push(d.toString()));
  const urls = await new Promise<{ web: string; api: string }>((ok, fail) => {
    let web = "";
    const lines = createInterface({ input: main.stdout! });
    lines.on("line", (line) => {
      output.push(line);
      const w = /^QRCards:\s+(\S+?)\/$/.exec(line);
      if (w) web = w[1]!;
      const a = /^spool API:\s+(\S+?)\/api/.exec(line);
      if (a && web) ok({ web, api: a[1]! });
    });
    main.once("exit", (code) => fail(new Error(`main.ts exited (${code}):\n${output.join("\n")}`)));
    setTimeout(() => fail(new Error(`main.ts did not start:\n${output.join("\n")}`)), 120_000).unref();
  });
  return { ...urls, dir, main, output };
}

async function stopApp(app: Running | undefined): Promise<void> {
  if (!app || app.main.exitCode !== null) return;
  const exited = new Promise((r) => app.main.once("exit", r));
  app.main.kill("SIGTERM");
  await exited;
}

// biome-ignore lint/suspicious/noExplicitAny: the test reads API answers loosely
async function api(app: Running, path: string): Promise<any> {
  const res = await fetch(app.api + path, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.status, path).toBe(200);
  return res.json();
}

function suite(
  label: string,
  enabled: boolean,
  backend: () => { url?: string; cleanup?: () => Promise<void> },
  shots: boolean,
) {
  describe.skipIf(!ready || !enabled)(`QRCards on ${label}`, () => {
    let app: Running;
    let browser: Browser;
    let page: Page;
    let tmp: string;
    let cleanup: (() => Promise<void>) | undefined;
    const shot = (name: string) =>
      shots ? page.screenshot({ path: join(screenshotDir(), name), fullPage: true }) : Promise.resolve();

    beforeAll(async () => {
      tmp = mkdtempSync(join(tmpdir(), "spool-qrcards-"));
      const b = backend();
      cleanup = b.cleanup;
      app = await startApp(join(tmp, "data"), b.url);
      browser = await launchChromium();
      page = await browser.newPage({ viewport: { width: 1100, height: 760 }, acceptDownloads: true });
    }, 180_000);

    afterAll(async () => {
      await browser?.close();
      await stopApp(app);
      await cleanup?.();
      if (tmp) rmSync(tmp, { recursive: true, force: true });
    }, 60_000);

    it("orders a PDF, follows its progress, downloads it and decodes a QR code from it", async () => {
      await page.goto(`${app.web}/`);
      await page.fill("input[name=customer]", "Grace Hopper");
      await page.selectOption("select[name=template]", "forest");
      await page.fill("input[name=count]", "10");
      await shot("qrcards-order.png");
      await page.click("#order-form button[type=submit]");
      await page.waitForURL(/\/orders\/[\w-]+$/, WAIT);
      // The handler answered at once: the page is there before the PDF is.
      await page.locator("#download").waitFor({ state: "visible", ...WAIT });
      await expect.poll(() => page.locator("#state").textContent(), WAIT).toBe("completed");
      expect(await page.locator("#pdf-info").textContent()).toContain("10 cards, 2 pages");
      await shot("qrcards-order-done.png");
      const [download] = await Promise.all([page.waitForEvent("download"), page.click("#download-link")]);
      const pdf = join(tmp, "order.pdf");
      await download.saveAs(pdf);
      const orderId = /order-[\w]+/.exec(download.suggestedFilename())![0];
      // Each card on its own: pdftoppm crops the card's cell of the A4 grid (2 x 4 cards a page,
      // see examples/qrcards/work/cards.ts) at 150 dpi, zbarimg decodes it; card n holds code n.
      const { stdout: info } = await run("pdfinfo", [pdf]);
      expect(info).toMatch(/Pages:\s+2/);
      const scale = 150 / 72;
      for (let n = 1; n <= 10; n++) {
        const slot = (n - 1) % 8;
        const [x, y] = [
          Math.round((30 + (slot % 2) * 277) * scale),
          Math.round((30 + Math.floor(slot / 2) * 196) * scale),
        ];
        const page = String(Math.ceil(n / 8));
        const png = join(tmp, `card-${n}`);
        await run(
          "pdftoppm",
          ["-f", page, "-l", page, "-r", "150", "-x", String(x), "-y", String(y)]
            .concat(["-W", String(Math.round(277 * scale)), "-H", String(Math.round(196 * scale))])
            .concat(["-png", "-singlefile", pdf, png]),
        );
        const { stdout } = await run("zbarimg", ["-q", "--raw", `${png}.png`]);
        expect(stdout.trim(), `card ${n}`).toBe(`https://qrcards.example/c/${orderId}/${n}`);
      }
    }, 180_000);

    it("runs the analytics report over 101 databases with per-database progress", async () => {
      await page.goto(`${app.web}/analytics`);
      await page.click("#run-report");
      await page.waitForURL(/\/analytics\/[\w-]+$/, WAIT);
      await page.locator("#grid .cell").nth(100).waitFor(WAIT);
      expect(await page.locator("#grid .cell").count()).toBe(101);
      await page.locator("#report").waitFor({ state: "visible", ...WAIT });
      expect(await page.locator("#counter").textContent()).toBe("101 / 101 databases");
      expect(await page.locator("#grid .cell.completed").count()).toBe(101);
      expect(await page.locator("#total-sites").textContent()).toBe("101");
      expect(await page.locator("#countries tr").count()).toBeGreaterThan(5);
      await shot("qrcards-analytics.png");
      const scans = Number((await page.locator("#total-scans").textContent())!.replace(/,/g, ""));
      expect(scans).toBeGreaterThan(101 * 1500 * 0.5);
    }, 240_000);

    it("orders a bulk batch of 10,000 QR codes and cancels it while it runs", async () => {
      await page.goto(`${app.web}/bulk`);
      expect(await page.inputValue("input[name=count]")).toBe(String(BULK));
      await page.click("#order-bulk");
      await page.waitForURL(/\/bulk\/[\w-]+$/, WAIT);
      // Cancel once some codes are done (a count that only grows).
      await waitFor(
        async () =>
          Number(/^(\d+)/.exec((await page.locator("#counter").textContent()) ?? "")?.[1] ?? 0) >= 20,
        { ...WAIT, message: "20 QR codes done" },
      );
      await page.click("#cancel");
      await expect.poll(() => page.locator("#state").textContent(), WAIT).toBe("cancelled");
      await shot("qrcards-bulk.png");
      const starter = page.url().split("/").pop()!;
      const { result } = await api(app, `/api/jobs/${starter}`);
      // Every one of the 1,001 jobs ends final: completed before the cancel, or cancelled.
      const wf = await waitFor(
        async () => {
          const w = await api(app, `/api/workflows/${result.workflowId}`);
          const c = w.counts;
          return (c.completed ?? 0) + (c.cancelled ?? 0) === BULK_JOBS ? w : null;
        },
        { ...WAIT, message: "every bulk job final" },
      );
      expect(wf.total).toBe(BULK_JOBS);
      expect(wf.counts.completed).toBeGreaterThanOrEqual(5);
      expect(wf.counts.cancelled).toBeGreaterThan(0);
      expect(wf.counts.failed ?? 0).toBe(0);
      expect(await page.locator("#download").isHidden()).toBe(true);
    }, 240_000);

    it("delivers a finished batch as a zip of every code", async () => {
      await page.goto(`${app.web}/bulk`);
      await page.fill("input[name=count]", "25");
      await page.click("#order-bulk");
      await page.waitForURL(/\/bulk\/[\w-]+$/, WAIT);
      await page.locator("#download").waitFor({ state: "visible", ...WAIT });
      expect(await page.locator("#codes").textContent()).toBe("(25 of 25 QR codes)");
      const [download] = await Promise.all([page.waitForEvent("download"), page.click("#download-link")]);
      const zip = join(tmp, "batch.zip");
      await download.saveAs(zip);
      const { stdout } = await run(PYTHON, [
        "-c",
        "import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; print(len(z.namelist()))",
        zip,
      ]);
      expect(Number(stdout.trim())).toBe(25);
    }, 180_000);

    it("lists the maintenance schedules and runs the nightly backup now", async () => {
      await page.goto(`${app.web}/maintenance`);
      for (const name of ["nightly-backup", "log-rotation", "cleanup"])
        expect(await page.locator(`tr[data-schedule="${name}"]`).count()).toBe(1);
      const nightly = page.locator('tr[data-schedule="nightly-backup"]');
      expect(await nightly.textContent()).toMatch(/cron 0 3 \* \* \*/);
      expect(await nightly.locator("td").nth(3).textContent()).toMatch(
        /\d{4}-\d\d-\d\d \d\d:\d\d:00 UTC.*\d{4}-/,
      );
      await nightly.locator("button.run-now").click();
      await page.waitForURL(/\/maintenance\?ran=/, WAIT);
      await page.locator("#result").waitFor({ state: "visible", ...WAIT });
      const result = JSON.parse((await page.locator("#result").textContent())!);
      expect(result.files).toBe(101);
      expect(readdirSync(result.dir)).toHaveLength(101);
      await page.reload();
      await shot("qrcards-maintenance.png");
    }, 180_000);

    it("lost no job: every job enqueued is final and none failed", async () => {
      type Queue = { counts?: Record<string, number> };
      const queues: Queue[] = await waitFor(
        async () => {
          const { queues: now } = await api(app, "/api/queues");
          return (now as Queue[]).every((q) => !q.counts?.running && !q.counts?.queued) ? now : null;
        },
        { ...WAIT, message: "no job queued or running" },
      );
      const count = (state: string) => queues.reduce((n, q) => n + (q.counts?.[state] ?? 0), 0);
      // Whatever the scheduler fired meanwhile (`runs` counts its fires, not "run now"): a
      // schedule's time may come during the test (cleanup is hourly, log rotation at midnight).
      const { schedules } = await api(app, "/api/schedules?next=0");
      const fired = (schedules as { runs: number }[]).reduce((n, sc) => n + sc.runs, 0);
      // 1 order; report starter + 101 sites + merge; bulk starter + 1,000 code jobs + bundle;
      // the 25-code batch (starter + 3 code jobs + bundle); 1 backup run now.
      const expected = 1 + 1 + 102 + 1 + BULK_JOBS + 5 + 1 + fired;
      const all = Object.keys(queues[0]?.counts ?? {}).reduce((n, state) => n + count(state), 0);
      expect(all).toBe(expected);
      expect(count("failed")).toBe(0);
      expect(count("completed") + count("cancelled")).toBe(all);
    }, 120_000);
  });
}

suite("SQLite", true, () => ({}), true);

requireRedis("the QRCards end-to-end test on Redis");
suite("Redis", redisReachable, () => redisUrl(), false);

requirePostgres("the QRCards end-to-end test on PostgreSQL");
suite("PostgreSQL", postgresReachable, () => postgresUrl(), false);
