/**
 * How the dashboard loads, in real Chromium (the overview's cold load; no speed is asserted,
 * `npm run bench:dashboard` measures it):
 *
 * - the overview's data is asked for beside the session check, not a round trip after it, and
 *   the view takes that answer instead of asking again;
 * - the first load fetches only the first chunk; another view's code is fetched when it opens;
 * - signed out, the early requests are refused and forgotten: after signing in the overview asks
 *   again and shows its counts, with no stale refusal on screen.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type SpoolServer } from "../../src/http/index.js";
import { createSpool, type Spool } from "../../src/index.js";
import { chromiumAvailable, launchChromium, requireChromium } from "../support/chromium.js";
import { ensureDashboardBuilt } from "./build.js";

requireChromium("the dashboard load browser tests");

const ADMIN = "admin-load-token-0123456789";
const WAIT = { timeout: 30_000 };

let spool: Spool;
let server: SpoolServer;
let url = "";
let browser: Browser;

beforeAll(async () => {
  if (!chromiumAvailable) return;
  ensureDashboardBuilt();
  spool = createSpool({ backend: "memory://", logger: { level: "silent" } });
  spool.task({ name: "load.noop", queue: "loads", run: async () => null });
  for (let i = 0; i < 3; i++) await spool.enqueue("load.noop", null);
  server = createServer(spool, {
    port: 0,
    tokens: [{ token: ADMIN, role: "admin", name: "alice" }],
    processMetrics: false,
  });
  url = (await server.listen()).url;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await spool?.close();
});

/** What the page asked for, in order: "send api/session", "done api/session", "send assets/…". */
function record(page: Page): string[] {
  const log: string[] = [];
  const name = (u: string) => u.slice(url.length + 1);
  page.on("request", (r) => log.push(`send ${name(r.url())}`));
  page.on("requestfinished", (r) => log.push(`done ${name(r.url())}`));
  return log;
}

const queuedTile = (page: Page) => page.locator(".state-queued .tile-value", { hasText: /\d/ });

describe.skipIf(!chromiumAvailable)("dashboard: the cold load", () => {
  it("asks for the overview's data beside the session check, once, and loads other views on use", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const page = await context.newPage();
      await page.goto(url);
      await page.getByLabel("API token").fill(ADMIN);
      await page.getByRole("button", { name: "Sign in" }).click();
      await queuedTile(page).waitFor(WAIT);
      const log = record(page);
      await page.reload();
      await queuedTile(page).waitFor(WAIT);
      expect(await queuedTile(page).textContent()).toBe("3");
      const at = (entry: string) => log.indexOf(entry);
      expect(at("done api/session")).toBeGreaterThan(0);
      // Both data requests left before the session's answer came back.
      expect(at("send api/queues")).toBeGreaterThan(-1);
      expect(at("send api/queues")).toBeLessThan(at("done api/session"));
      expect(at("send api/workers")).toBeLessThan(at("done api/session"));
      // The view took the early answer: one request for the queues on this load (nothing moved).
      expect(log.filter((e) => e === "send api/queues")).toHaveLength(1);
      // Only the first chunk's script: no view's code besides the overview's.
      const scripts = log.filter((e) => e.startsWith("send assets/") && e.endsWith(".js"));
      expect(scripts).toHaveLength(1);
      expect(scripts[0]).toMatch(/^send assets\/index-[\w-]+\.js$/);
      // Opening the jobs list fetches its chunk, then shows the rows.
      await page.getByRole("link", { name: "Jobs" }).click();
      await page.locator("tr[data-job]").first().waitFor(WAIT);
      expect(log.some((e) => /^send assets\/jobs-[\w-]+\.js$/.test(e))).toBe(true);
      expect(await page.locator("tr[data-job]").count()).toBe(3);
    } finally {
      await context.close();
    }
  });

  it("signed out, the early requests are refused and forgotten; after sign-in the counts show", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const page = await context.newPage();
      const log = record(page);
      await page.goto(url);
      await page.getByLabel("API token").waitFor(WAIT);
      expect(log).toContain("send api/queues"); // asked early, refused (401): not signed in yet
      await page.getByLabel("API token").fill(ADMIN);
      await page.getByRole("button", { name: "Sign in" }).click();
      await queuedTile(page).waitFor(WAIT);
      expect(log.filter((e) => e === "send api/queues").length).toBeGreaterThanOrEqual(2);
      expect(await page.locator(".error-note").count()).toBe(0);
    } finally {
      await context.close();
    }
  });
});
