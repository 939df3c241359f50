import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Task } from "../../src/index.js";
import { ADMIN, READ, startTestServer, type TestServer } from "./helpers.js";

let t: TestServer;
let wfTask: Task<number, number>;
beforeAll(async () => {
  t = await startTestServer({ bodyLimit: 64 * 1024 });
  await t.spool.schedule("auth-sched", { cron: "0 0 1 1 *" }, { task: "echo", input: "s" }).ready;
  wfTask = t.spool.task({ name: "auth.wf", run: (i: number) => i });
});
afterAll(async () => {
  await t.close();
});

const count = async () => (await t.api("/api/jobs?limit=1000")).body.jobs.length as number;
/** Every job's state and the schedule's state: a refused call must change none of them. */
const snapshot = async () => {
  const jobs = (await t.api("/api/jobs?limit=1000")).body.jobs.map(
    (j: { id: string; state: string }) => `${j.id}:${j.state}`,
  );
  const s = await t.spool.schedules.get("auth-sched");
  return { jobs, schedule: { paused: s?.paused, lastJobId: s?.lastJobId } };
};
const delayed = async () =>
  (await t.api("/api/jobs", { body: { task: "add", input: { a: 1, b: 1 }, options: { delay: "1h" } } })).body
    .id as string;

/** Every mutating route, with a fresh target so an admin call succeeds. */
const MUTATING: { name: string; setup: () => Promise<{ method: string; path: string; body?: unknown }> }[] = [
  {
    name: "POST /api/jobs",
    setup: async () => ({ method: "POST", path: "/api/jobs", body: { task: "echo", input: 1 } }),
  },
  {
    name: "POST /api/jobs/bulk",
    setup: async () => ({
      method: "POST",
      path: "/api/jobs/bulk",
      body: { jobs: [{ task: "echo", input: 1 }] },
    }),
  },
  {
    name: "POST /api/jobs/:id/cancel",
    setup: async () => ({ method: "POST", path: `/api/jobs/${await delayed()}/cancel` }),
  },
  {
    name: "POST /api/jobs/:id/retry",
    setup: async () => {
      const id = await delayed();
      await t.api(`/api/jobs/${id}/cancel`, { method: "POST" });
      return { method: "POST", path: `/api/jobs/${id}/retry` };
    },
  },
  {
    name: "DELETE /api/jobs/:id",
    setup: async () => ({ method: "DELETE", path: `/api/jobs/${await delayed()}` }),
  },
  {
    name: "POST /api/queues/:name/pause",
    setup: async () => ({ method: "POST", path: "/api/queues/authq/pause" }),
  },
  {
    name: "POST /api/queues/:name/resume",
    setup: async () => ({ method: "POST", path: "/api/queues/authq/resume" }),
  },
  {
    name: "POST /api/schedules/:name/pause",
    setup: async () => ({ method: "POST", path: "/api/schedules/auth-sched/pause" }),
  },
  {
    name: "POST /api/schedules/:name/resume",
    setup: async () => ({ method: "POST", path: "/api/schedules/auth-sched/resume" }),
  },
  {
    name: "POST /api/schedules/:name/run",
    setup: async () => ({ method: "POST", path: "/api/schedules/auth-sched/run" }),
  },
  {
    name: "POST /api/workflows/:id/cancel",
    setup: async () => {
      const wf = await t.spool.chain(wfTask.with(1, { delay: "1h" }), wfTask.with(2)).enqueue();
      return { method: "POST", path: `/api/workflows/${wf.id}/cancel` };
    },
  },
];

const READS = [
  "/api/jobs",
  "/api/queues",
  "/api/workers",
  "/metrics",
  "/api/jobs/unknown-id", // 404 for read, 401 for none
  "/api/schedules",
  "/api/schedules/auth-sched",
  "/api/schedules/unknown",
  "/api/workflows",
  "/api/workflows/unknown",
  "/api/workflows/unknown/graph",
];

describe("HTTP auth matrix", () => {
  for (const route of MUTATING) {
    it(`${route.name}: none → 401, read → 403, admin → 2xx`, async () => {
      const { method, path, body } = await route.setup();
      const before = await snapshot();
      const none = await t.api(path, { method, body, token: null });
      expect(none.status).toBe(401);
      expect(none.body.error.code).toBe("UNAUTHORIZED");
      expect(none.headers.get("www-authenticate")).toContain("Bearer");
      const wrong = await t.api(path, { method, body, token: "not-a-real-token" });
      expect(wrong.status).toBe(401);
      const read = await t.api(path, { method, body, token: READ });
      expect(read.status).toBe(403);
      expect(read.body.error).toMatchObject({
        code: "FORBIDDEN",
        details: { required: "admin", role: "read" },
      });
      expect(await snapshot()).toEqual(before);
      const admin = await t.api(path, { method, body, token: ADMIN });
      expect(admin.status, JSON.stringify(admin.body)).toBeGreaterThanOrEqual(200);
      expect(admin.status).toBeLessThan(300);
    });
  }

  for (const path of READS) {
    it(`GET ${path}: none → 401, read and admin → allowed`, async () => {
      expect((await t.api(path, { token: null })).status).toBe(401);
      for (const token of [READ, ADMIN]) {
        const res = await t.api(path, { token });
        expect([200, 404]).toContain(res.status);
      }
    });
  }

  it("accepts only the Bearer scheme, case-insensitively", async () => {
    const raw = (authorization: string) => fetch(`${t.url}/api/queues`, { headers: { authorization } });
    expect((await raw(`bearer ${READ}`)).status).toBe(200);
    expect((await raw(`Basic ${Buffer.from(`x:${READ}`).toString("base64")}`)).status).toBe(401);
    expect((await raw(`Bearer ${READ}x`)).status).toBe(401);
    expect((await raw(`Bearer ${READ.slice(0, -1)}`)).status).toBe(401);
    expect((await raw("Bearer")).status).toBe(401);
    expect((await raw(`Bearer ${"a".repeat(5000)}`)).status).toBe(401);
  });
});

describe("HTTP browser safety", () => {
  it("refuses mutating calls without X-Spool-Request: 1 (CSRF) and writes nothing", async () => {
    const before = await count();
    for (const route of MUTATING) {
      const { method, path, body } = await route.setup();
      const mid = await snapshot();
      for (const headers of [{}, { "x-spool-request": "0" }, { "x-spool-request": "true" }] as Record<
        string,
        string
      >[]) {
        const res = await t.api(path, { method, body, csrf: false, headers });
        expect(res.status, route.name).toBe(403);
        expect(res.body.error.code).toBe("CSRF_HEADER_REQUIRED");
      }
      expect(await snapshot()).toEqual(mid);
    }
    expect(await count()).toBeGreaterThanOrEqual(before);
  });

  it("refuses what a cross-site HTML form can send", async () => {
    const before = await count();
    const form = await fetch(`${t.url}/api/jobs`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/x-www-form-urlencoded" },
      body: "task=echo&input=1",
    });
    expect(form.status).toBe(403);
    const withHeader = await fetch(`${t.url}/api/jobs`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${ADMIN}`,
        "content-type": "text/plain",
        "x-spool-request": "1",
      },
      body: JSON.stringify({ task: "echo", input: 1 }),
    });
    expect(withHeader.status).toBe(415);
    expect(((await withHeader.json()) as { error: { code: string } }).error.code).toBe(
      "UNSUPPORTED_MEDIA_TYPE",
    );
    expect(await count()).toBe(before);
  });

  it("answers 413 for bodies over the limit, declared or chunked", async () => {
    const big = JSON.stringify({ task: "echo", input: "x".repeat(100 * 1024) });
    const declared = await t.api("/api/jobs", { body: big });
    expect(declared.status).toBe(413);
    expect(declared.body.error).toMatchObject({ code: "REQUEST_TOO_LARGE", details: { limit: 64 * 1024 } });
    const chunks = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < 10; i++) c.enqueue(new TextEncoder().encode("x".repeat(10 * 1024)));
        c.close();
      },
    });
    const chunked = await fetch(`${t.url}/api/jobs`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${ADMIN}`,
        "content-type": "application/json",
        "x-spool-request": "1",
      },
      body: chunks,
      duplex: "half",
    } as RequestInit);
    expect(chunked.status).toBe(413);
  });

  it("sets security headers on every response and no CORS headers by default", async () => {
    for (const res of [
      await fetch(`${t.url}/api/health`),
      await fetch(`${t.url}/api/jobs`, {
        headers: { authorization: `Bearer ${READ}`, origin: "https://evil.example" },
      }),
      await fetch(`${t.url}/api/jobs`),
    ]) {
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("x-frame-options")).toBe("DENY");
      expect(res.headers.get("referrer-policy")).toBe("no-referrer");
      expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
      expect(res.headers.get("access-control-allow-origin")).toBeNull();
    }
    const preflight = await fetch(`${t.url}/api/jobs`, {
      method: "OPTIONS",
      headers: { origin: "https://evil.example", "access-control-request-method": "POST" },
    });
    expect(preflight.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("grants CORS only to configured origins", async () => {
    const s = await startTestServer({ corsOrigins: ["https://dash.example"] });
    try {
      const ok = await fetch(`${s.url}/api/jobs`, {
        method: "OPTIONS",
        headers: { origin: "https://dash.example", "access-control-request-method": "POST" },
      });
      expect(ok.headers.get("access-control-allow-origin")).toBe("https://dash.example");
      const no = await fetch(`${s.url}/api/jobs`, {
        method: "OPTIONS",
        headers: { origin: "https://evil.example", "access-control-request-method": "POST" },
      });
      expect(no.headers.get("access-control-allow-origin")).toBeNull();
    } finally {
      await s.close();
    }
  });
});
