// biome-ignore-all lint/suspicious/noThenProperty: `then` is the follow-up option (an options object, never awaited)
/**
 * The dashboard in real Chromium, the links between jobs and the queues' limit waits:
 *
 * - a standalone spawn parent's page lists its children with their states, and a child that
 *   finishes turns `completed` there live (no reload), then the parent completes;
 * - a child links back to the parent that spawned it; a `then` and a `catch` follow-up link back
 *   to the job whose outcome made them, and that job's page lists them;
 * - a running job's page lists its then / catch follow-ups as pending; when it completes the
 *   `then` row turns into the job it made (live, no reload), whose page links back;
 * - the queues view shows how many queued jobs wait on a limit and which limits hold them, and
 *   the figure follows new jobs live.
 *
 * Every wait is for a fact that stays true once reached (a final state, a count that only grows).
 */
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type SpoolServer } from "../../src/http/index.js";
import { createSpool, type Spool, type Task, type Worker } from "../../src/index.js";
import { chromiumAvailable, launchChromium, requireChromium, screenshotDir } from "../support/chromium.js";
import { deferred, waitFor } from "../support/wait-for.js";
import { ensureDashboardBuilt } from "./build.js";

requireChromium("the dashboard job-family browser tests");

const ADMIN = "admin-family-token-0123456789";
const WAIT = { timeout: 30_000 };

let spool: Spool;
let server: SpoolServer;
let worker: Worker;
let url = "";
let browser: Browser;
let shots = "";
const gate = deferred<void>();
const reportGate = deferred<void>();
let gated: Task<null, number>;
let after: Task<null, string>;
let parent: Task<number, { sum: number }>;
let ok: Task<null, { rows: number }>;
let bad: Task<null, null>;
let limited: Task<{ customer: string }, null>;

beforeAll(async () => {
  if (!chromiumAvailable) return;
  ensureDashboardBuilt();
  shots = screenshotDir();
  spool = createSpool({ backend: "memory://", logger: { level: "silent" } });
  const quick = spool.task({ name: "part.quick", queue: "parts", run: (n: number) => n * 10 });
  const slow = spool.task({
    name: "part.slow",
    queue: "parts",
    run: async (n: number) => {
      await gate.promise;
      return n * 10;
    },
  });
  parent = spool.task({
    name: "batch.sum",
    queue: "parts",
    run: (n: number, ctx) => {
      if (!ctx.children) return ctx.spawn([quick.with(n), quick.with(n + 1), slow.with(n + 2)]);
      const parts = [...ctx.children.resultsOf(quick), ...ctx.children.resultsOf(slow)];
      return { sum: parts.reduce((a, b) => a + b, 0) };
    },
  });
  after = spool.task({ name: "after.note", queue: "parts", run: () => "noted" });
  gated = spool.task({
    name: "report.gated",
    queue: "parts",
    run: async () => {
      await reportGate.promise;
      return 1;
    },
  });
  ok = spool.task({ name: "report.make", queue: "parts", run: () => ({ rows: 3 }) });
  bad = spool.task({
    name: "report.broken",
    queue: "parts",
    retry: 1,
    run: (): null => {
      throw new Error("no template");
    },
  });
  await ok.enqueue(null, { then: after.with() });
  await bad.enqueue(null, { catch: after.with() });
  // One running per customer, and no worker serves "limited": its jobs stay queued.
  limited = spool.task({
    name: "limited.send",
    queue: "limited",
    concurrency: { limit: 1, key: (i: { customer: string }) => i.customer },
    run: async () => null,
  });
  server = createServer(spool, {
    port: 0,
    tokens: [{ token: ADMIN, role: "admin", name: "alice" }],
    processMetrics: false,
  });
  url = (await server.listen()).url;
  worker = spool.worker({ queues: ["parts"], concurrency: 4 });
  await worker.start();
  await waitFor(
    async () => (await spool.jobs.list({ task: "after.note", state: "completed" })).jobs.length === 2,
    {
      timeout: 30_000,
      message: "both follow-ups completed",
    },
  );
  browser = await launchChromium();
});

afterAll(async () => {
  gate.resolve();
  reportGate.resolve();
  await browser?.close();
  await worker?.stop();
  await server?.close();
  await spool?.close();
});

async function withAdmin(run: (page: Page) => Promise<void>): Promise<void> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await context.newPage();
    await page.goto(url);
    await page.getByLabel("API token").fill(ADMIN);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("navigation", { name: "Main" }).waitFor(WAIT);
    await run(page);
  } finally {
    await context.close();
  }
}

describe.skipIf(!chromiumAvailable)("dashboard: parents, children, follow-ups, limit waits", () => {
  it("a spawn parent lists its children live; a child links back to its parent", async () => {
    const job = await parent.enqueue(1);
    await waitFor(async () => (await spool.jobs.children(job.id))?.counts.completed === 2, {
      timeout: 30_000,
      message: "the two quick children completed",
    });
    await withAdmin(async (page) => {
      await page.goto(`${url}/#/jobs/${job.id}`);
      const rows = page.locator("tr[data-child]");
      await page.locator('tr[data-child][data-state="completed"]').nth(1).waitFor(WAIT);
      expect(await rows.count()).toBe(3);
      const kids = (await spool.jobs.children(job.id))!;
      expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-child")))).toEqual(
        kids.jobs.map((k) => k.id),
      );
      expect(await page.locator(".facts .badge").first().textContent()).toBe("waiting");
      expect(await page.getByRole("heading", { name: "Children (3)" }).count()).toBe(1);
      await page.screenshot({ path: join(shots, "job-children.png") });
      // Live: the slow child finishes, its row turns completed and the parent completes, no reload.
      await page.evaluate("window.marker = 42");
      gate.resolve();
      await page.locator('tr[data-child][data-state="completed"]').nth(2).waitFor(WAIT);
      await page.locator(".facts .badge.state-completed").waitFor(WAIT);
      expect(await page.evaluate("window.marker")).toBe(42);
      expect((await spool.jobs.get(job.id))?.result).toEqual({ sum: 10 + 20 + 30 });
      // A child's page links back to its parent.
      const slowKid = kids.jobs[2]!;
      await rows.nth(2).getByRole("link").click();
      await page.waitForFunction(`location.hash === "#/jobs/${slowKid.id}"`, null, WAIT);
      const back = page.locator('a[data-parent="spawn"]');
      await back.waitFor(WAIT);
      expect(await back.textContent()).toBe(job.id);
      await back.click();
      await page.locator("tr[data-child]").first().waitFor(WAIT);
      expect(await page.evaluate("location.hash")).toBe(`#/jobs/${job.id}`);
    });
  });

  it("then and catch follow-ups link back to the job whose outcome made them", async () => {
    const follows = (await spool.jobs.list({ task: "after.note" })).jobs;
    expect(follows).toHaveLength(2);
    const made = await Promise.all(
      follows.map(async (f) => ({ f, from: await spool.jobs.get((f.meta.parent as { id: string }).id) })),
    );
    await withAdmin(async (page) => {
      for (const { f, from } of made) {
        await page.goto(`${url}/#/jobs/${f.id}`);
        const link = page.locator('a[data-parent="follow-up"]');
        await link.waitFor(WAIT);
        expect(await link.textContent()).toBe(from!.id);
        const dd = await page.locator("dd", { has: link }).textContent();
        expect(dd).toContain(from!.task === ok.name ? "then: it completed" : "catch: it failed");
        await link.click();
        await page.waitForFunction(`location.hash === "#/jobs/${from!.id}"`, null, WAIT);
        await page.getByRole("heading", { name: `Job ${from!.task}` }).waitFor(WAIT);
        // And forward: the parent's page lists the follow-up its outcome made, its only one.
        const row = page.locator(`tr[data-follow-up="${f.id}"][data-made="true"]`);
        await row.waitFor(WAIT);
        expect(await row.getAttribute("data-outcome")).toBe(from!.task === ok.name ? "completed" : "failed");
        expect(await page.locator("tr[data-follow-up]").count()).toBe(1);
      }
      expect(made.map((m) => m.from!.task).sort()).toEqual([bad.name, ok.name].sort());
    });
  });

  it("a job's page lists its follow-ups pending, then the job its outcome made, live", async () => {
    const job = await gated.enqueue(null, { then: after.with(), catch: after.with() });
    await waitFor(async () => (await spool.jobs.get(job.id))?.state === "running", {
      timeout: 30_000,
      message: "the gated job runs",
    });
    const [then, onFail] = (await spool.jobs.followUps(job.id))!;
    await withAdmin(async (page) => {
      await page.goto(`${url}/#/jobs/${job.id}`);
      await page.getByRole("heading", { name: "Follow-ups" }).waitFor(WAIT);
      const rows = page.locator("tr[data-follow-up]");
      await rows.nth(1).waitFor(WAIT);
      expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.dataset.followUp + tr.dataset.made))).toEqual(
        [`${then!.id}false`, `${onFail!.id}false`],
      );
      expect(await rows.first().locator("td").first().textContent()).toBe("then: when it completes");
      await page.evaluate("window.marker = 42");
      reportGate.resolve();
      // Live: the completion makes the then job (the catch template goes), and it runs to completed.
      const made = page.locator(`tr[data-follow-up="${then!.id}"][data-made="true"]`);
      await made.locator('td[data-follow-up-state="completed"]').waitFor(WAIT);
      expect(await rows.count()).toBe(1);
      expect(await page.evaluate("window.marker")).toBe(42);
      await page.screenshot({ path: join(shots, "job-follow-ups.png") });
      await made.getByRole("link").click();
      await page.waitForFunction(`location.hash === "#/jobs/${then!.id}"`, null, WAIT);
      const back = page.locator('a[data-parent="follow-up"]');
      await back.waitFor(WAIT);
      expect(await back.textContent()).toBe(job.id);
    });
  });

  it("the queues view shows the jobs waiting on a limit, which limits hold them, live", async () => {
    for (let i = 0; i < 4; i++) await limited.enqueue({ customer: "acme" });
    await limited.enqueue({ customer: "globex" });
    await withAdmin(async (page) => {
      await page.goto(`${url}/#/queues`);
      const cell = page.locator('tr[data-queue="limited"] td.col-queued');
      await cell.waitFor(WAIT);
      const listed = (await spool.queues.list()).find((q) => q.name === "limited")!;
      // One acme job may start (the key's cap is 1), the other three wait on the key's cap.
      expect(listed.waitingOnLimit).toBe(3);
      expect(await cell.getAttribute("data-on-limit")).toBe("3");
      expect(await cell.textContent()).toBe("53 on a limit");
      const acme = page.locator('tr[data-limit-wait="limited/key/limited.send/acme"]');
      await acme.waitFor(WAIT);
      expect(await acme.locator("td").allTextContents()).toEqual([
        "limited",
        "the key's",
        "limited.send",
        "acme",
        "at its concurrency cap",
        "3",
      ]);
      await page.screenshot({ path: join(shots, "queues-limits.png") });
      // Live: two more acme jobs wait on the same cap; the figures follow without a reload.
      await page.evaluate("window.marker = 42");
      await limited.enqueue({ customer: "acme" });
      await limited.enqueue({ customer: "acme" });
      await page.locator('tr[data-queue="limited"] td[data-on-limit="5"]').waitFor(WAIT);
      await acme.locator('td[data-waiting="5"]').waitFor(WAIT);
      expect(await page.evaluate("window.marker")).toBe(42);
    });
  });
});
