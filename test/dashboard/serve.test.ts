/**
 * How the dashboard is served: at `/` without a token (the page holds no data), fingerprinted
 * assets cached for a year, index revalidated, compressed, under the strict CSP; under a base
 * path; embedded as a Hono sub-app in someone else's server; a clear 503 when not built.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dashboardApp } from "../../src/http/dashboard.js";
import { createServer } from "../../src/http/index.js";
import { ADMIN, login, startTestServer, type TestServer } from "../http/helpers.js";
import { ensureDashboardBuilt } from "./build.js";

let t: TestServer;
beforeAll(async () => {
  ensureDashboardBuilt();
  t = await startTestServer();
});
afterAll(async () => {
  await t.close();
});

const assetsOf = (html: string) =>
  [...html.matchAll(/(?:src|href)="\.\/(assets\/[^"]+)"/g)].map((m) => m[1]!);

describe("serving the dashboard", () => {
  it("serves the page without a token, revalidated, and its fingerprinted assets cached for a year", async () => {
    const page = await fetch(`${t.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(page.headers.get("cache-control")).toBe("no-cache");
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
    const html = await page.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script (the CSP forbids it)
    const assets = assetsOf(html);
    expect(assets.some((a) => /^assets\/index-[\w-]{8,}\.js$/.test(a))).toBe(true);
    expect(assets.some((a) => /^assets\/index-[\w-]{8,}\.css$/.test(a))).toBe(true);
    for (const asset of assets) {
      const res = await fetch(`${t.url}/${asset}`, { headers: { "accept-encoding": "gzip, br" } });
      expect(res.status).toBe(200);
      expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
      expect(res.headers.get("content-encoding")).toBe("br");
      const again = await fetch(`${t.url}/${asset}`, {
        headers: { "if-none-match": res.headers.get("etag")! },
      });
      expect(again.status).toBe(304);
    }
    const etag = page.headers.get("etag")!;
    expect((await fetch(`${t.url}/`, { headers: { "if-none-match": etag } })).status).toBe(304);
    expect((await fetch(`${t.url}/assets/nope-12345678.js`)).status).toBe(404);
  });

  it("serves the page but no data without a session", async () => {
    expect((await fetch(`${t.url}/api/jobs`)).status).toBe(401);
    expect((await fetch(`${t.url}/api/session`)).status).toBe(401);
  });

  it("can be turned off", async () => {
    const s = await startTestServer({ dashboard: false });
    try {
      expect((await s.api("/")).status).toBe(404);
    } finally {
      await s.close();
    }
  });

  it("answers 503 with what to run when the build is missing", async () => {
    const empty = mkdtempSync(join(tmpdir(), "spool-no-dashboard-"));
    try {
      const res = await dashboardApp(null).request("/");
      expect(res.status).toBe(503);
      expect(await res.text()).toContain("npm run build");
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it("serves everything under a base path, with the cookie scoped to it", async () => {
    const s = await startTestServer({ basePath: "/spool" });
    try {
      const bare = await fetch(`${s.url}/spool`, { redirect: "manual" });
      expect(bare.status).toBe(308);
      expect(bare.headers.get("location")).toBe("/spool/");
      const page = await fetch(`${s.url}/spool/`);
      expect(page.status).toBe(200);
      for (const asset of assetsOf(await page.text()))
        expect((await fetch(`${s.url}/spool/${asset}`)).status).toBe(200);
      expect((await s.api("/spool/api/jobs")).status).toBe(200);
      expect((await s.api("/api/jobs")).status).toBe(404);
      const session = await login(`${s.url}/spool`, ADMIN);
      expect(session.setCookie).toContain("Path=/spool;");
      expect(
        (await fetch(`${s.url}/spool/api/session`, { headers: { cookie: session.cookie } })).status,
      ).toBe(200);
      expect((await fetch(`${s.url}/spool/api/health`)).status).toBe(200);
    } finally {
      await s.close();
    }
  });

  it("mounts as a Hono sub-app in another server", async () => {
    const spoolApi = createServer(t.spool, {
      basePath: "/admin/jobs",
      tokens: [{ token: ADMIN, role: "admin" }],
      processMetrics: false,
    });
    const app = new Hono();
    app.get("/", (c) => c.text("the host app"));
    app.route("/", spoolApi.app);
    // A host route registered after the mount is not behind spool's auth.
    app.get("/later", (c) => c.text("still the host's"));
    const host = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" });
    await new Promise<void>((resolve) => host.once("listening", () => resolve()));
    const port = (host.address() as { port: number }).port;
    const base = `http://127.0.0.1:${port}`;
    try {
      expect(await (await fetch(`${base}/`)).text()).toBe("the host app");
      expect(await (await fetch(`${base}/later`)).text()).toBe("still the host's");
      expect((await fetch(`${base}/admin/jobs/`)).headers.get("content-type")).toContain("text/html");
      const jobs = await fetch(`${base}/admin/jobs/api/jobs`, {
        headers: { authorization: `Bearer ${ADMIN}` },
      });
      expect(jobs.status).toBe(200);
      expect((await fetch(`${base}/admin/jobs/api/jobs`)).status).toBe(401);
    } finally {
      await new Promise<void>((resolve) => host.close(() => resolve()));
      await spoolApi.close();
    }
  });
});
