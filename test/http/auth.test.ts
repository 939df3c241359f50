import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer } from "../../src/http/index.js";
import type { Task } from "../../src/index.js";
import { ADMIN, login, READ, startTestServer, type TestServer } from "./helpers.js";

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
  const q = (await t.spool.queues.list()).find((x) => x.name === "authq");
  return {
    jobs,
    schedule: { paused: s?.paused, lastJobId: s?.lastJobId },
    queue: { paused: q?.paused ?? false, limits: q?.limits ?? null },
  };
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
    name: "POST /api/jobs/:id/promote",
    setup: async () => ({ method: "POST", path: `/api/jobs/${await delayed()}/promote` }),
  },
  {
    name: "POST /api/jobs/:id/priority",
    setup: async () => ({
      method: "POST",
      path: `/api/jobs/${await delayed()}/priority`,
      body: { priority: 7 },
    }),
  },
  {
    name: "POST /api/jobs/:id/input",
    setup: async () => ({
      method: "POST",
      path: `/api/jobs/${await delayed()}/input`,
      body: { input: { a: 2, b: 2 } },
    }),
  },
  {
    name: "POST /api/jobs/retry-matching",
    setup: async () => {
      const id = await delayed();
      await t.api(`/api/jobs/${id}/cancel`, { method: "POST" });
      return { method: "POST", path: "/api/jobs/retry-matching", body: { search: id } };
    },
  },
  {
    name: "POST /api/jobs/cancel-matching",
    setup: async () => ({
      method: "POST",
      path: "/api/jobs/cancel-matching",
      body: { search: await delayed() },
    }),
  },
  {
    name: "POST /api/jobs/delete-matching",
    setup: async () => ({
      method: "POST",
      path: "/api/jobs/delete-matching",
      body: { search: await delayed() },
    }),
  },
  {
    name: "POST /api/jobs/retry-selected",
    setup: async () => {
      const id = await delayed();
      await t.api(`/api/jobs/${id}/cancel`, { method: "POST" });
      return { method: "POST", path: "/api/jobs/retry-selected", body: { ids: [id] } };
    },
  },
  {
    name: "POST /api/jobs/cancel-selected",
    setup: async () => ({
      method: "POST",
      path: "/api/jobs/cancel-selected",
      body: { ids: [await delayed()] },
    }),
  },
  {
    name: "POST /api/jobs/delete-selected",
    setup: async () => ({
      method: "POST",
      path: "/api/jobs/delete-selected",
      body: { ids: [await delayed()] },
    }),
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
    name: "POST /api/queues/:name/limits",
    setup: async () => ({ method: "POST", path: "/api/queues/authq/limits", body: { concurrency: 3 } }),
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

describe("CSRF: bearer needs nothing, cookie sessions and no-auth need the header and the same origin", () => {
  const SAME = { "sec-fetch-site": "same-origin" };
  const CROSS = { "sec-fetch-site": "cross-site", origin: "https://evil.example" };
  /** Older browsers send no Sec-Fetch-Site: the Origin header decides. */
  const CROSS_ORIGIN_ONLY = { origin: "https://evil.example" };

  for (const route of MUTATING) {
    it(`${route.name}: bearer from any origin, with or without the header → 2xx`, async () => {
      for (const headers of [{}, SAME, CROSS, { "x-spool-request": "0" }] as Record<string, string>[]) {
        const { method, path, body } = await route.setup();
        const res = await t.api(path, { method, body, headers });
        expect(res.status, `${JSON.stringify(headers)} ${JSON.stringify(res.body)}`).toBeLessThan(300);
      }
    });

    it(`${route.name}: cookie session → 2xx only with its token from the same origin`, async () => {
      const session = await login(t.url, ADMIN);
      const { method, path, body } = await route.setup();
      const before = await snapshot();
      const cases: [Record<string, string>, string][] = [
        [SAME, "CSRF_HEADER_REQUIRED"],
        [{ ...SAME, "x-spool-request": "1" }, "CSRF_HEADER_REQUIRED"],
        [{ ...SAME, "x-spool-request": `${session.csrfToken}x` }, "CSRF_HEADER_REQUIRED"],
        [{ ...CROSS, "x-spool-request": session.csrfToken }, "CSRF_ORIGIN_REFUSED"],
        [{ ...CROSS_ORIGIN_ONLY, "x-spool-request": session.csrfToken }, "CSRF_ORIGIN_REFUSED"],
        [{ "sec-fetch-site": "same-site", "x-spool-request": session.csrfToken }, "CSRF_ORIGIN_REFUSED"],
      ];
      for (const [headers, code] of cases) {
        const res = await t.api(path, {
          method,
          body,
          token: null,
          headers: { cookie: session.cookie, ...headers },
        });
        expect(res.status, JSON.stringify(headers)).toBe(403);
        expect(res.body.error.code).toBe(code);
      }
      expect(await snapshot()).toEqual(before);
      const ok = await t.api(path, {
        method,
        body,
        token: null,
        headers: { cookie: session.cookie, ...SAME, "x-spool-request": session.csrfToken },
      });
      expect(ok.status, JSON.stringify(ok.body)).toBeLessThan(300);
    });
  }

  it("no-auth server: 2xx only with X-Spool-Request: 1 from the same origin and a loopback Host", async () => {
    const open = await startTestServer({ tokens: [], insecure: true });
    try {
      const enqueue = (headers: Record<string, string>) =>
        open.api("/api/jobs", { body: { task: "echo", input: 1 }, token: null, headers });
      const jobs = async () => (await open.api("/api/jobs", { token: null })).body.jobs.length as number;
      for (const [headers, code] of [
        [{}, "CSRF_HEADER_REQUIRED"],
        [{ "x-spool-request": "0" }, "CSRF_HEADER_REQUIRED"],
        [{ ...CROSS, "x-spool-request": "1" }, "CSRF_ORIGIN_REFUSED"],
        [{ ...CROSS_ORIGIN_ONLY, "x-spool-request": "1" }, "CSRF_ORIGIN_REFUSED"],
      ] as [Record<string, string>, string][]) {
        const res = await enqueue(headers);
        expect(res.status, JSON.stringify(headers)).toBe(403);
        expect(res.body.error.code).toBe(code);
      }
      expect(await jobs()).toBe(0);
      // DNS rebinding: another site's name pointed at 127.0.0.1 arrives with that name in Host.
      // (fetch will not send a foreign Host header, so node:http does.)
      const withHost = (method: string, host: string) =>
        new Promise<number>((resolve, reject) => {
          const req = request(`${open.url}/api/jobs`, {
            method,
            headers: { host, "content-type": "application/json", "x-spool-request": "1" },
          });
          req.on("response", (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          });
          req.on("error", reject);
          req.end(method === "POST" ? JSON.stringify({ task: "echo", input: 1 }) : undefined);
        });
      expect(await withHost("POST", "evil.example")).toBe(403);
      expect(await withHost("GET", "evil.example:80")).toBe(403);
      expect(await withHost("GET", `localhost:${new URL(open.url).port}`)).toBe(200);
      expect(await jobs()).toBe(0);
      // The dashboard learns the value from GET /api/session.
      expect((await open.api("/api/session", { token: null })).body).toMatchObject({
        via: "insecure",
        role: "admin",
        actor: "anonymous",
        csrfToken: "1",
      });
      expect((await enqueue({ ...SAME, "x-spool-request": "1" })).status).toBe(201);
      expect((await enqueue({ "x-spool-request": "1" })).status).toBe(201);
      expect(await jobs()).toBe(2);
    } finally {
      await open.close();
    }
  });

  it("a server without auth refuses to listen beyond loopback", () => {
    for (const host of ["0.0.0.0", "::", "192.0.2.1"]) {
      expect(() => createServer(t.spool, { tokens: [], insecure: true, host })).toThrow(/loopback/);
    }
  });

  it("refuses what a cross-site HTML form can send", async () => {
    const before = await count();
    const session = await login(t.url, ADMIN);
    for (const headers of [
      { authorization: `Bearer ${ADMIN}` },
      { cookie: session.cookie, "sec-fetch-site": "cross-site", origin: "https://evil.example" },
    ] as Record<string, string>[]) {
      const form = await fetch(`${t.url}/api/jobs`, {
        method: "POST",
        headers: { ...headers, "content-type": "application/x-www-form-urlencoded" },
        body: "task=echo&input=1",
      });
      expect(form.status).toBe(headers.cookie ? 403 : 415);
    }
    const text = await fetch(`${t.url}/api/jobs`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN}`, "content-type": "text/plain" },
      body: JSON.stringify({ task: "echo", input: 1 }),
    });
    expect(text.status).toBe(415);
    expect(((await text.json()) as { error: { code: string } }).error.code).toBe("UNSUPPORTED_MEDIA_TYPE");
    expect(await count()).toBe(before);
  });
});

describe("HTTP browser safety", () => {
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

describe("the OpenAPI document declares browser auth", () => {
  it("lists the session cookie scheme and X-Spool-Request on every state-changing operation", async () => {
    const doc = (await t.api("/api/openapi.json", { token: null })).body;
    expect(doc.components.securitySchemes.session).toMatchObject({
      type: "apiKey",
      in: "cookie",
      name: "spool_session",
    });
    expect(doc.security).toEqual([{ bearer: [] }, { session: [] }]);
    let mutating = 0;
    for (const [path, ops] of Object.entries(
      doc.paths as Record<string, Record<string, { parameters?: unknown[] }>>,
    )) {
      for (const [method, op] of Object.entries(ops)) {
        if (method === "get") continue;
        const refs = (op.parameters ?? []).map((p) => (p as { $ref?: string }).$ref);
        if (path === "/api/session" && method === "post")
          expect(refs).not.toContain("#/components/parameters/SpoolRequest");
        else {
          expect(refs, `${method} ${path}`).toContain("#/components/parameters/SpoolRequest");
          mutating++;
        }
      }
    }
    expect(mutating).toBeGreaterThanOrEqual(MUTATING.length);
  });

  it("the role matrix above covers every state-changing operation (login and logout aside)", async () => {
    const doc = (await t.api("/api/openapi.json", { token: null })).body;
    const ops: string[] = [];
    for (const [path, methods] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
      if (path === "/api/session") continue;
      for (const method of Object.keys(methods))
        if (method !== "get") ops.push(`${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ":$1")}`);
    }
    expect(ops.sort()).toEqual(MUTATING.map((r) => r.name).sort());
    expect(doc.components.parameters.SpoolRequest).toMatchObject({
      name: "X-Spool-Request",
      in: "header",
      required: false,
    });
  });
});
