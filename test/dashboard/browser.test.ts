/**
 * The dashboard in real Chromium against a real spool server, worker and scheduler store:
 *
 * - a read-only session sees jobs but no action controls;
 * - an admin finds a failed job by a word in its input (search box), opens it, sees its stack,
 *   retries it, and watches it turn `completed` live, without a reload;
 * - bulk-retries all failed jobs of a task through a filter (a count, a confirmation), changes a
 *   waiting job's priority and input, and runs a delayed job now;
 * - picks rows by keyboard and with the page's checkbox, and cancels, retries and deletes them;
 * - cancels every unfinished job matching a filter (a count, a confirmation, dependents too);
 * - pauses and resumes a queue; runs a schedule now and sees the run's outcome in its last runs;
 * - opens a chord's graph and watches its nodes complete;
 * - logs out (the old cookie is refused afterwards).
 *
 * Every wait is for a fact that stays true once reached (a state that is final, a badge that
 * says "completed"), never for a moment. Screenshots of each main view go to `.screenshots/`
 * (or `docs/img/` with SPOOL_UPDATE_SCREENSHOTS=1).
 */
import { join } from "node:path";
import type { Browser, BrowserContext, BrowserContextOptions, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type SpoolServer } from "../../src/http/index.js";
import { createSpool, type Spool, type Task, type Worker } from "../../src/index.js";
import { chromiumAvailable, launchChromium, requireChromium, screenshotDir } from "../support/chromium.js";
import { deferred } from "../support/wait-for.js";
import { ensureDashboardBuilt } from "./build.js";

requireChromium("the dashboard browser tests");

const ADMIN = "admin-browser-token-0123456789";
const READ = "read-browser-token-0123456789";
/** Generous: the machine is shared and often busy. Waits end as soon as their fact holds. */
const WAIT = { timeout: 30_000 };

let spool: Spool;
let server: SpoolServer;
let worker: Worker;
let url = "";
let browser: Browser;
let shots = "";
/** The report task fails until this is set: the failed job succeeds once retried. */
let reportsHealthy = false;
/** Same for the invoice task, which the bulk retry test fails three times. */
let invoicesHealthy = false;
const gates = new Map<number, ReturnType<typeof deferred<void>>>();
let scan: Task<number, number>;
let aggregate: Task<number[], number>;

beforeAll(async () => {
  if (!chromiumAvailable) return;
  ensureDashboardBuilt();
  shots = screenshotDir();
  spool = createSpool({ backend: "memory://", logger: { level: "silent" } });
  spool.task({
    name: "report.render",
    queue: "reports",
    retry: { attempts: 1 },
    run: async (input: { customer: string }, ctx) => {
      ctx.log.info(`rendering the report of ${input.customer}`);
      if (!reportsHealthy) throw new Error(`template missing for ${input.customer}`);
      return { url: `/files/${input.customer}.pdf` };
    },
  });
  spool.task({
    name: "invoice.render",
    queue: "reports",
    retry: { attempts: 1 },
    run: async (input: { n: number }) => {
      if (!invoicesHealthy) throw new Error(`no printer for invoice ${input.n}`);
      return { printed: input.n };
    },
  });
  spool.task({
    name: "mail.send",
    queue: "mail",
    run: async (input: { to: string }) => ({ sent: input.to }),
  });
  scan = spool.task({
    name: "scan.db",
    queue: "scans",
    run: async (i: number, ctx) => {
      await ctx.progress(50, `scanning db ${i}`);
      let gate = gates.get(i);
      if (!gate) gates.set(i, (gate = deferred<void>()));
      await gate.promise;
      return i * 10;
    },
  });
  // Never worked on (no worker serves its queue): its jobs stay queued for the selection test.
  spool.task({ name: "pick.me", queue: "picks", run: async () => null });
  spool.task({ name: "hold.me", queue: "picks", run: async () => null });
  aggregate = spool.task({
    name: "scan.aggregate",
    queue: "scans",
    run: async (parts: number[]) => parts.reduce((a, b) => a + b, 0),
  });
  await spool.schedule(
    "nightly-digest",
    { cron: "0 3 * * *", tz: "Europe/Berlin" },
    { task: "mail.send", input: { to: "ops@example.com" } },
  ).ready;
  server = createServer(spool, {
    port: 0,
    tokens: [
      { token: ADMIN, role: "admin", name: "alice" },
      { token: READ, role: "read", name: "viewer" },
    ],
    processMetrics: false,
  });
  url = (await server.listen()).url;
  worker = spool.worker({ queues: ["reports", "mail", "scans"], concurrency: 8 });
  await worker.start();
  // Some history: completed mail, and one failed report.
  for (const to of ["a@example.com", "b@example.com", "c@example.com"])
    await spool.enqueue("mail.send", { to });
  const failed = await spool.enqueue("report.render", { customer: "acme" });
  await expect(failed.result({ timeout: 30_000 })).rejects.toMatchObject({ code: "JOB_FAILED" });
  browser = await launchChromium();
});

afterAll(async () => {
  for (const g of gates.values()) g.resolve();
  await browser?.close();
  await worker?.stop();
  await server?.close();
  await spool?.close();
});

async function logIn(page: Page, token: string): Promise<void> {
  await page.goto(url);
  await page.getByLabel("API token").fill(token);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("navigation", { name: "Main" }).waitFor(WAIT);
}

/** A fresh browser context (its own cookies) with one page, closed afterwards whatever happens. */
async function withPage(
  options: BrowserContextOptions & { grant?: string[] },
  run: (ctx: { page: Page; context: BrowserContext }) => Promise<void>,
): Promise<void> {
  const { grant, ...contextOptions } = options;
  const context = await browser.newContext(contextOptions);
  try {
    if (grant) await context.grantPermissions(grant, { origin: url });
    await run({ page: await context.newPage(), context });
  } finally {
    await context.close();
  }
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: false });
}

describe.skipIf(!chromiumAvailable)("dashboard in Chromium", () => {
  it("a read-only session sees jobs but no action controls", async () => {
    await withPage({ viewport: { width: 1280, height: 800 } }, async ({ page }) => {
      await page.goto(url);
      await page.getByLabel("API token").waitFor(WAIT);
      await shot(page, "login");
      await logIn(page, READ);
      await page.locator(".actor").getByText("viewer").waitFor(WAIT);
      await page.goto(`${url}/#/jobs`);
      await page.locator("tr[data-job]").first().waitFor(WAIT);
      expect(await page.locator("tr[data-job]").count()).toBeGreaterThanOrEqual(4);
      await page.locator("tr[data-job]").first().click();
      await page.locator(".facts").waitFor(WAIT);
      expect(await page.locator("[data-action]").count()).toBe(0);
      await page.goBack();
      await page.locator("tr[data-job]").first().waitFor(WAIT);
      expect(await page.locator("[data-pick], [data-pick-all], [data-bulk]").count()).toBe(0);
      await page.goto(`${url}/#/queues`);
      await page.locator("tr[data-queue]").first().waitFor(WAIT);
      expect(await page.getByRole("button", { name: "Pause" }).count()).toBe(0);
      await page.goto(`${url}/#/schedules`);
      await page.locator("tr[data-schedule]").first().waitFor(WAIT);
      expect(await page.getByRole("button", { name: "Run now" }).count()).toBe(0);
      expect(await page.getByRole("link", { name: "Audit" }).count()).toBe(0);
      // The server refuses anyway: a state change from the read session's page is a 403.
      const status = await page.evaluate(async () => {
        const me = (await (await fetch("api/session")).json()) as { csrfToken: string };
        const res = await fetch("api/queues/reports/pause", {
          method: "POST",
          headers: { "X-Spool-Request": me.csrfToken },
        });
        return res.status;
      });
      expect(status).toBe(403);
      expect((await spool.queues.list()).find((q) => q.name === "reports")?.paused).toBe(false);
    });
  });

  it("an admin finds the failed job, sees its stack, retries it and watches it complete live", async () => {
    await withPage(
      { viewport: { width: 1280, height: 800 }, grant: ["clipboard-read", "clipboard-write"] },
      async ({ page }) => {
        await logIn(page, ADMIN);
        await page.locator(".tile-value").first().waitFor(WAIT);
        await page.locator(".chart").first().waitFor(WAIT);
        await shot(page, "overview");
        await page.getByRole("link", { name: "Jobs" }).click();
        await page.locator("tr[data-job]").first().waitFor(WAIT);
        await page.getByLabel("State").selectOption("failed");
        // A word of the job's input (customer "acme"), not its id, key or task.
        await page.getByLabel("Search").fill("ACME");
        await page.getByRole("button", { name: "Filter" }).click();
        // (Browser-side code is passed as strings: this project's types are Node's, not the DOM's.)
        await page.waitForFunction('location.hash.includes("search=ACME")', null, WAIT);
        const rows = page.locator("tr[data-job]");
        await rows.first().waitFor(WAIT);
        expect(await rows.count()).toBe(1);
        await shot(page, "jobs");
        // A marker on the window: if the page reloaded, it would be gone.
        await page.evaluate("window.marker = 42");
        await rows.first().click();
        await page.locator("pre.stack").waitFor(WAIT);
        // Copy to clipboard: the id's button puts the id there.
        const id = decodeURIComponent((await page.evaluate<string>("location.hash")).split("/").pop()!);
        await page
          .locator(".facts")
          .getByRole("button", { name: /^Copy: / })
          .first()
          .click();
        expect(await page.evaluate<string>("navigator.clipboard.readText()")).toBe(id);
        expect(await page.locator("pre.stack").textContent()).toContain("template missing for acme");
        expect(await page.locator("pre.stack").textContent()).toMatch(/\n\s+at /);
        await shot(page, "job");
        reportsHealthy = true;
        await page.locator('[data-action="retry"]').click();
        await page.locator(".facts .badge.state-completed").waitFor(WAIT);
        expect(await page.evaluate("window.marker")).toBe(42);
        await page.getByRole("heading", { name: "Result" }).waitFor(WAIT);
        expect(await page.locator(".json pre").nth(1).textContent()).toContain("/files/acme.pdf");
      },
    );
  });

  it("an admin retries all failed jobs of a task through a filter, re-prioritises one, runs another now", async () => {
    const failing = await Promise.all([1, 2, 3].map((n) => spool.enqueue("invoice.render", { n })));
    for (const h of failing)
      await expect(h.result({ timeout: 30_000 })).rejects.toMatchObject({ code: "JOB_FAILED" });
    await withPage({ viewport: { width: 1280, height: 800 } }, async ({ page }) => {
      await logIn(page, ADMIN);
      await page.goto(`${url}/#/jobs?state=failed&task=invoice.render`);
      await page.locator("tr[data-job]").first().waitFor(WAIT);
      expect(await page.locator("tr[data-job]").count()).toBe(3);
      await page.locator('[data-bulk="retry"]').click();
      const dialog = page.locator("dialog.confirm");
      await dialog.waitFor(WAIT);
      expect(await dialog.textContent()).toContain("3 jobs match these filters");
      await shot(page, "bulk-retry");
      invoicesHealthy = true;
      await dialog.getByRole("button", { name: "Retry 3" }).click();
      await page.locator("[data-bulk-note]").getByText("Retried 3 of 3 matching jobs").waitFor(WAIT);
      for (const [i, h] of failing.entries())
        await expect(h.result({ timeout: 30_000 })).resolves.toEqual({ printed: i + 1 });
      const res = await server.app.request("/api/audit", { headers: { authorization: `Bearer ${ADMIN}` } });
      const { entries } = (await res.json()) as {
        entries: { action: string; details: Record<string, unknown> }[];
      };
      const bulk = entries.find((e) => e.action === "job.retry-matching" && e.details.dryRun === false);
      expect(bulk?.details).toMatchObject({
        filter: { task: "invoice.render", state: ["failed"] },
        affected: 3,
      });

      // A delayed job: a new priority, then "Run now"; the page follows live.
      const later = await spool.enqueue("mail.send", { to: "later@example.com" }, { delay: "1h" });
      await page.goto(`${url}/#/jobs/${later.id}`);
      await page.locator(".facts .badge.state-scheduled").waitFor(WAIT);
      await page.getByLabel("New priority").fill("7");
      await page.getByRole("button", { name: "Set priority" }).click();
      await page.locator('.facts [data-priority="7"]').waitFor(WAIT);
      expect((await spool.jobs.get(later.id))?.priority).toBe(7);
      await page.locator('[data-action="edit-input"]').click();
      await page.getByLabel("New input (JSON)").fill("{ nope");
      await page.getByRole("button", { name: "Save input" }).click();
      await page.locator(".input-editor .error-note").getByText("not JSON").waitFor(WAIT);
      await page.getByLabel("New input (JSON)").fill('{"to":"sooner@example.com"}');
      await page.getByRole("button", { name: "Save input" }).click();
      await page.locator(".json pre").first().getByText("sooner@example.com").waitFor(WAIT);
      await page.locator('[data-action="promote"]').click();
      await page.locator(".facts .badge.state-completed").waitFor(WAIT);
      await expect(later.result({ timeout: 30_000 })).resolves.toEqual({ sent: "sooner@example.com" });
    });
  });

  it("an admin picks rows (keyboard, select-all-on-page) and cancels, retries and deletes just those", async () => {
    const picks: string[] = [];
    for (const n of [1, 2, 3, 4]) picks.push((await spool.enqueue("pick.me", { n })).id);
    const stateOf = async (id: string) => (await spool.jobs.get(id))?.state ?? null;
    await withPage({ viewport: { width: 1280, height: 800 } }, async ({ page }) => {
      await logIn(page, ADMIN);
      await page.goto(`${url}/#/jobs?task=pick.me`);
      const rows = page.locator("tr[data-job]");
      await page.locator("[data-pick-all]").waitFor(WAIT);
      expect(await rows.count()).toBe(4);
      const shown = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-job")!));
      const [first, second, third, fourth] = shown as [string, string, string, string];

      // Keyboard: x picks the row under the cursor, j moves down, x picks the next one.
      await page.keyboard.press("x");
      await page.locator(`tr[data-job="${first}"].picked`).waitFor(WAIT);
      await page.keyboard.press("j");
      await page.keyboard.press("x");
      await page.locator(`tr[data-job="${second}"].picked`).waitFor(WAIT);
      // Keys typed faster than the page renders: j and x arrive in one task, before any re-render,
      // so x must act on the row j just moved to (this once toggled the first row off instead).
      // (A string: this file's types have no DOM.)
      await page.evaluate(`for (const key of ["j", "x"])
        document.body.dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true }))`);
      await page.locator(`tr[data-job="${third}"].picked`).waitFor(WAIT);
      await page.keyboard.press("x");
      await page.locator(`tr[data-job="${third}"]:not(.picked)`).waitFor(WAIT);
      await page.locator('[data-picked-count="2"]').waitFor(WAIT);
      expect(
        await page.locator("tr.picked").evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-job"))),
      ).toEqual([first, second]);
      await shot(page, "bulk-selection");
      await page.locator('[data-selected-action="cancel"]').click();
      const dialog = page.locator("dialog.confirm");
      await dialog.waitFor(WAIT);
      expect(await dialog.textContent()).toContain("Cancel 2 of the 2 selected jobs?");
      await dialog.getByRole("button", { name: "Cancel 2" }).click();
      await page.locator("[data-selection-note]").getByText("Cancelled 2 of 2 selected jobs.").waitFor(WAIT);
      expect([await stateOf(first), await stateOf(second)]).toEqual(["cancelled", "cancelled"]);
      expect([await stateOf(third), await stateOf(fourth)]).toEqual(["queued", "queued"]);

      // The page was re-read: the cancelled rows say so. Pick the whole page; only those two can be retried.
      await page.locator(`tr[data-job="${second}"] .badge.state-cancelled`).waitFor(WAIT);
      await page.locator("[data-pick-all]").check();
      await page.locator('[data-picked-count="4"]').waitFor(WAIT);
      await page.locator('[data-selected-action="retry"]').click();
      await dialog.waitFor(WAIT);
      expect(await dialog.textContent()).toContain("Retry 2 of the 4 selected jobs?");
      expect(await dialog.textContent()).toContain("The other 2 are in a state that does not allow it");
      await dialog.getByRole("button", { name: "Retry 2" }).click();
      await page
        .locator("[data-selection-note]")
        .getByText("Retried 2 of 4 selected jobs (2 skipped: their state does not allow it).")
        .waitFor(WAIT);
      for (const id of shown) expect(await stateOf(id)).toBe("queued");

      // Escape drops the picks; then every row again, and delete them.
      await page.locator(`tr[data-job="${second}"] .badge.state-queued`).waitFor(WAIT);
      await page.locator("[data-pick-all]").check();
      await page.locator('[data-picked-count="4"]').waitFor(WAIT);
      await page.keyboard.press("Escape");
      await page.locator("[data-picked-count]").waitFor({ ...WAIT, state: "detached" });
      expect(await page.locator("tr.picked").count()).toBe(0);
      await page.locator("[data-pick-all]").check();
      await page.locator('[data-selected-action="delete"]').click();
      await dialog.getByRole("button", { name: "Delete 4" }).click();
      await page.locator("[data-selection-note]").getByText("Deleted 4 of 4 selected jobs.").waitFor(WAIT);
      await page.getByText("No jobs match these filters.").waitFor(WAIT);
      for (const id of picks) expect(await stateOf(id)).toBeNull();
    });
    const res = await server.app.request("/api/audit", { headers: { authorization: `Bearer ${ADMIN}` } });
    const { entries } = (await res.json()) as {
      entries: { action: string; details: Record<string, unknown> }[];
    };
    expect(entries.find((e) => e.action === "job.cancel-selected")?.details).toMatchObject({ affected: 2 });
    expect(entries.find((e) => e.action === "job.retry-selected")?.details).toMatchObject({ affected: 2 });
    expect(entries.find((e) => e.action === "job.delete-selected")?.details).toMatchObject({ affected: 4 });
  });

  it("an admin cancels every unfinished job matching a filter, after a count and a confirmation", async () => {
    const held = await Promise.all(
      [1, 2, 3].map(async (n) => (await spool.enqueue("hold.me", { batch: "stop-me", n })).id),
    );
    const dependent = (await spool.enqueue("hold.me", { batch: "follows" }, { dependsOn: [held[0]!] })).id;
    const kept = (await spool.enqueue("hold.me", { batch: "keep-me" })).id;
    const stateOf = async (id: string) => (await spool.jobs.get(id))?.state ?? null;
    await withPage({ viewport: { width: 1280, height: 800 } }, async ({ page }) => {
      await logIn(page, ADMIN);
      await page.goto(`${url}/#/jobs?task=hold.me&search=stop-me`);
      for (const id of held) await page.locator(`tr[data-job="${id}"]`).waitFor(WAIT);
      await page.locator('[data-bulk="cancel"]').click();
      const dialog = page.locator("dialog.confirm");
      await dialog.waitFor(WAIT);
      expect(await dialog.textContent()).toContain(
        "3 unfinished jobs match these filters. Cancel all of them?",
      );
      expect(await dialog.textContent()).toContain("jobs that depend on them are cancelled too");
      await dialog.getByRole("button", { name: "Cancel 3" }).click();
      await page
        .locator("[data-bulk-note]")
        .getByText("Cancelled 3 of 3 matching jobs. 1 job that depends on them was cancelled too.")
        .waitFor(WAIT);
      // The page is re-read: every row says cancelled.
      for (const id of held) await page.locator(`tr[data-job="${id}"] .badge.state-cancelled`).waitFor(WAIT);
    });
    expect(await Promise.all([...held, dependent, kept].map(stateOf))).toEqual([
      "cancelled",
      "cancelled",
      "cancelled",
      "cancelled",
      "queued",
    ]);
    const res = await server.app.request("/api/audit", { headers: { authorization: `Bearer ${ADMIN}` } });
    const { entries } = (await res.json()) as {
      entries: { action: string; details: Record<string, unknown> }[];
    };
    const entry = entries.find((e) => e.action === "job.cancel-matching" && e.details.dryRun === false);
    expect(entry?.details).toMatchObject({
      filter: { task: "hold.me", search: "stop-me" },
      affected: 3,
      cascaded: 1,
    });
  });

  it("an admin pauses and resumes a queue, and runs a schedule now", async () => {
    await withPage({ viewport: { width: 1280, height: 800 } }, async ({ page }) => {
      await spool.queues.limit("mail", { concurrency: 4, rateLimit: { limit: 50, per: "1s", burst: 10 } });
      await logIn(page, ADMIN);
      await page.goto(`${url}/#/queues`);
      const row = page.locator('tr[data-queue="mail"]');
      await row.waitFor(WAIT);
      expect(await row.locator("td.limits").textContent()).toBe("≤ 4 running · 50 per 1 s + 10 burst");
      await row.getByRole("button", { name: "Pause" }).click();
      await page.locator("dialog.confirm").getByRole("button", { name: "Pause" }).click();
      await row.locator(".badge.paused").waitFor(WAIT);
      expect((await spool.queues.list()).find((q) => q.name === "mail")?.paused).toBe(true);
      await shot(page, "queues");
      await row.getByRole("button", { name: "Resume" }).click();
      await row.locator(".badge.running-q").waitFor(WAIT);
      expect((await spool.queues.list()).find((q) => q.name === "mail")?.paused).toBe(false);

      await page.goto(`${url}/#/schedules`);
      const sched = page.locator('tr[data-schedule="nightly-digest"]');
      await sched.waitFor(WAIT);
      await sched.getByText("none yet").waitFor(WAIT);
      expect(await sched.locator("[data-run]").count()).toBe(0);
      await sched.getByRole("button", { name: "Run now" }).click();
      // The run appears in "last runs", then its job's outcome follows live (no reload).
      await sched.locator('[data-run-state="completed"]').waitFor(WAIT);
      const info = await spool.schedules.get("nightly-digest");
      expect(info?.lastJobId).not.toBeNull();
      expect(await sched.locator("[data-run]").getAttribute("data-run")).toBe(info!.lastJobId);
      expect(await sched.locator("[data-run]").textContent()).toContain("run now");
      await expect(spool.job(info!.lastJobId!).result({ timeout: 30_000 })).resolves.toEqual({
        sent: "ops@example.com",
      });
      await shot(page, "schedules");
      await page.goto(`${url}/#/workers`);
      await page.locator("table.list tbody tr").first().waitFor(WAIT);
      await shot(page, "workers");
    });
  });

  it("the jobs list does not jump: new jobs are counted in a banner until asked for", async () => {
    await withPage({ viewport: { width: 1280, height: 800 } }, async ({ page }) => {
      await logIn(page, ADMIN);
      await page.goto(`${url}/#/jobs`);
      const rows = page.locator("tr[data-job]");
      await rows.first().waitFor(WAIT);
      const before = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-job")));
      const added = [];
      for (const to of ["x@example.com", "y@example.com", "z@example.com"])
        added.push((await spool.enqueue("mail.send", { to })).id);
      await page.getByRole("button", { name: "3 new jobs: show" }).waitFor(WAIT);
      expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-job")))).toEqual(before);
      await page.getByRole("button", { name: "3 new jobs: show" }).click();
      await page.locator(`tr[data-job="${added[2]}"]`).waitFor(WAIT);
      expect(await rows.first().getAttribute("data-job")).toBe(added[2]);
    });
  });

  it("opens a chord's graph and watches its nodes complete", async () => {
    await withPage({ viewport: { width: 1280, height: 800 } }, async ({ page }) => {
      for (const i of [1, 2, 3]) gates.set(i, deferred<void>());
      const wf = await spool
        .chord(
          [1, 2, 3].map((i) => scan.with(i)),
          aggregate.with(),
        )
        .enqueue({ name: "nightly-scan" });
      await logIn(page, ADMIN);
      await page.goto(`${url}/#/workflows`);
      await page.locator(`tr[data-workflow="${wf.id}"]`).click();
      const nodes = page.locator("svg.graph .node");
      await nodes.first().waitFor(WAIT);
      expect(await nodes.count()).toBe(4);
      expect(await page.locator('svg.graph .node[data-state="completed"]').count()).toBe(0);
      await shot(page, "workflow");
      for (const g of gates.values()) g.resolve();
      await page.locator('svg.graph .node[data-node="callback"][data-state="completed"]').waitFor(WAIT);
      await page.waitForFunction(
        `document.querySelectorAll('svg.graph .node[data-state="completed"]').length === 4`,
        null,
        WAIT,
      );
      await expect(wf.result({ timeout: 30_000 })).resolves.toBe(60);
    });
  });

  it("shows the audit log, works on a phone-sized screen and in the dark theme, and logs out", async () => {
    await withPage(
      { viewport: { width: 1280, height: 800 }, colorScheme: "dark" },
      async ({ page, context }) => {
        await logIn(page, ADMIN);
        await page.goto(`${url}/#/audit`);
        await page.locator('tr[data-action="job.retry"]').first().waitFor(WAIT);
        for (const action of [
          "queue.pause",
          "queue.resume",
          "schedule.run",
          "session.login",
          "job.retry-matching",
          "job.priority",
          "job.input",
          "job.promote",
          "job.cancel-selected",
        ])
          expect(await page.locator(`tr[data-action="${action}"]`).count(), action).toBeGreaterThan(0);
        await shot(page, "audit");
        await page.goto(`${url}/#/jobs`);
        await page.locator("tr[data-job]").first().waitFor(WAIT);
        await shot(page, "jobs-dark");
        // Keyboard: j moves the selection, Enter opens the row, g q goes to Queues.
        await page.keyboard.press("j");
        await page.locator("tr[data-job].selected").nth(0).waitFor(WAIT);
        const second = await page.locator("tr[data-job]").nth(1).getAttribute("data-job");
        expect(await page.locator("tr[data-job]").nth(1).getAttribute("class")).toContain("selected");
        await page.keyboard.press("Enter");
        await page.waitForFunction(`location.hash === "#/jobs/${second}"`, null, WAIT);
        await page.keyboard.press("g");
        await page.keyboard.press("q");
        await page.locator("tr[data-queue]").first().waitFor(WAIT);

        await page.setViewportSize({ width: 390, height: 844 });
        await page.goto(`${url}/#/jobs`);
        await page.locator("tr[data-job]").first().waitFor(WAIT);
        const overflow = await page.evaluate<number>(
          "document.documentElement.scrollWidth - window.innerWidth",
        );
        expect(overflow).toBeLessThanOrEqual(1);
        await shot(page, "phone-jobs");

        await page.locator("[data-logout]").click();
        await page.getByLabel("API token").waitFor(WAIT);
        const cookies = await context.cookies();
        expect(cookies.find((c) => c.name === "spool_session")).toBeUndefined();
        const status = await page.evaluate(async () => (await fetch("api/jobs")).status);
        expect(status).toBe(401);
      },
    );
  });
});
