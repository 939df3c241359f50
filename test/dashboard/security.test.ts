/**
 * Dashboard sessions and the audit log over real HTTP: cookie flags, read-only sessions refused
 * server-side, logout revoking the cookie on every server sharing the store, the failed-login
 * limit, and one audit entry per admin action (with who, what, when, how it ended).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeClock } from "../../src/core/clock.js";
import { uuidv7 } from "../../src/core/ids.js";
import { createServer } from "../../src/http/index.js";
import { sessionKeys, signSession, verifySession } from "../../src/http/session.js";
import { createSpool } from "../../src/index.js";
import { ADMIN, login, READ, startTestServer, type TestServer } from "../http/helpers.js";
import { waitFor } from "../support/wait-for.js";

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({
    tokens: [
      { token: ADMIN, role: "admin", name: "alice" },
      { token: READ, role: "read" },
    ],
  });
  await t.spool.schedule("sec-sched", { cron: "0 0 1 1 *" }, { task: "echo", input: "s" }).ready;
});
afterAll(async () => {
  await t.close();
});

const SAME = { "sec-fetch-site": "same-origin" };
const asSession = (s: { cookie: string; csrfToken: string }, extra: Record<string, string> = {}) => ({
  token: null,
  headers: { cookie: s.cookie, ...SAME, "x-spool-request": s.csrfToken, ...extra },
});
const audit = async () => (await t.api("/api/audit?limit=1000")).body.entries as Record<string, unknown>[];
const delayed = async () =>
  (await t.api("/api/jobs", { body: { task: "add", input: { a: 1, b: 1 }, options: { delay: "1h" } } })).body
    .id as string;

describe("dashboard sessions", () => {
  it("login sets an HttpOnly, SameSite=Strict, expiring cookie; Secure only over TLS", async () => {
    const s = await login(t.url, ADMIN);
    const attrs = s.setCookie.split(";").map((a) => a.trim());
    expect(attrs[0]).toMatch(/^spool_session=v1\.[\w-]+\.[\w-]+$/);
    expect(attrs).toEqual(expect.arrayContaining(["Path=/", "HttpOnly", "SameSite=Strict", "Max-Age=43200"]));
    expect(attrs).not.toContain("Secure");
    expect(s.body).toMatchObject({ actor: "alice", role: "admin", via: "session" });
    expect(s.body.expiresAt).toBeGreaterThan(Date.now() + 43_000_000);
    const tls = await login(t.url, ADMIN, { "x-forwarded-proto": "https" });
    expect(tls.setCookie.split(";").map((a) => a.trim())).toContain("Secure");
  });

  it("a session reads everything a token does, and says who it is", async () => {
    const s = await login(t.url, READ);
    for (const path of ["/api/jobs", "/api/queues", "/api/schedules", "/api/workers", "/api/workflows"])
      expect((await t.api(path, asSession(s))).status).toBe(200);
    const me = await t.api("/api/session", asSession(s));
    expect(me.body).toMatchObject({ role: "read", via: "session", csrfToken: s.csrfToken });
    expect(me.body.actor).toMatch(/^token:[0-9a-f]{8}$/);
  });

  it("a read-only session is refused every state change server-side, and the refusal is audited", async () => {
    const s = await login(t.url, READ);
    const id = await delayed();
    const before = (await t.api(`/api/jobs/${id}`)).body.state;
    for (const [method, path] of [
      ["POST", `/api/jobs/${id}/cancel`],
      ["DELETE", `/api/jobs/${id}`],
      ["POST", "/api/queues/default/pause"],
      ["POST", "/api/schedules/sec-sched/run"],
    ]) {
      const res = await t.api(path!, { method: method!, ...asSession(s) });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe("FORBIDDEN");
    }
    expect((await t.api(`/api/jobs/${id}`)).body.state).toBe(before);
    expect((await t.api("/api/audit", asSession(s))).status).toBe(403);
    const refused = (await audit()).find((e) => e.action === "job.cancel" && e.target === id);
    expect(refused).toMatchObject({ role: "read", via: "session", outcome: "FORBIDDEN" });
  });

  it("no state change without a session or a token", async () => {
    const id = await delayed();
    for (const headers of [
      {},
      { cookie: "spool_session=v1.forged.sig" },
      { cookie: "spool_session=" },
    ] as Record<string, string>[]) {
      const res = await t.api(`/api/jobs/${id}/cancel`, { method: "POST", token: null, headers });
      expect(res.status).toBe(401);
    }
    // A valid cookie with its payload edited (role read → admin) fails the signature.
    const s = await login(t.url, READ);
    const [v, payload, sig] = s.cookie.slice("spool_session=".length).split(".");
    const claims = JSON.parse(Buffer.from(payload!, "base64url").toString());
    const forged = `${v}.${Buffer.from(JSON.stringify({ ...claims, rol: "admin" })).toString("base64url")}.${sig}`;
    const res = await t.api(`/api/jobs/${id}/cancel`, {
      method: "POST",
      ...asSession({ cookie: `spool_session=${forged}`, csrfToken: s.csrfToken }),
    });
    expect(res.status).toBe(401);
    expect((await t.api(`/api/jobs/${id}`)).body.state).toBe("scheduled");
  });

  it("logout ends the session on every server sharing the store, and any role may log out", async () => {
    const other = createServer(t.spool, {
      port: 0,
      tokens: [
        { token: ADMIN, role: "admin", name: "alice" },
        { token: READ, role: "read" },
      ],
      processMetrics: false,
    });
    const { url: otherUrl } = await other.listen();
    try {
      for (const token of [ADMIN, READ]) {
        const s = await login(t.url, token);
        // The second server accepts the first one's cookie: same tokens, same signing key.
        expect((await fetch(`${otherUrl}/api/session`, { headers: { cookie: s.cookie } })).status).toBe(200);
        const noCsrf = await t.api("/api/session", {
          method: "DELETE",
          token: null,
          headers: { cookie: s.cookie },
        });
        expect(noCsrf.status).toBe(403);
        const out = await t.api("/api/session", { method: "DELETE", ...asSession(s) });
        expect(out.status).toBe(200);
        expect(out.headers.get("set-cookie")).toMatch(
          /^spool_session=; Path=\/; Max-Age=0; HttpOnly; SameSite=Strict/,
        );
        expect((await t.api("/api/jobs", asSession(s))).status).toBe(401);
        expect((await fetch(`${otherUrl}/api/jobs`, { headers: { cookie: s.cookie } })).status).toBe(401);
      }
      const entries = await audit();
      expect(
        entries.filter((e) => e.action === "session.logout" && e.outcome === "ok").map((e) => e.role),
      ).toEqual(expect.arrayContaining(["admin", "read"]));
    } finally {
      await other.close();
    }
  });

  it("a session ends when its token is no longer configured, or when it expires", async () => {
    const secret = "s".repeat(40);
    const a = await startTestServer({ sessionSecret: secret });
    try {
      const s = await login(a.url, ADMIN);
      const b = createServer(a.spool, {
        port: 0,
        sessionSecret: secret,
        tokens: [{ token: "a-different-admin-token", role: "admin" }],
        processMetrics: false,
      });
      const { url } = await b.listen();
      try {
        expect((await fetch(`${a.url}/api/jobs`, { headers: { cookie: s.cookie } })).status).toBe(200);
        expect((await fetch(`${url}/api/jobs`, { headers: { cookie: s.cookie } })).status).toBe(401);
      } finally {
        await b.close();
      }
    } finally {
      await a.close();
    }
    const keys = sessionKeys(secret);
    const value = signSession(keys, {
      id: "x",
      role: "admin",
      tokenFingerprint: "f",
      issuedAt: 0,
      expiresAt: 1000,
    });
    expect(verifySession(keys, value, 999)).toMatchObject({ id: "x", role: "admin" });
    expect(verifySession(keys, value, 1000)).toBeNull();
    expect(verifySession(sessionKeys("t".repeat(40)), value, 0)).toBeNull();
  });

  it("login from another origin is refused", async () => {
    const res = await fetch(`${t.url}/api/session`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        origin: "https://evil.example",
        "sec-fetch-site": "cross-site",
      },
      body: JSON.stringify({ token: ADMIN }),
    });
    expect(res.status).toBe(403);
    expect(res.headers.get("set-cookie")).toBeNull();
  });
});

describe("failed-authentication limit", () => {
  it("after max failures from an address, every credential from it gets 429 until the window passes", async () => {
    const s = await startTestServer({ authFailureLimit: { max: 3, window: "10m" } });
    try {
      const attempt = (token: string) =>
        fetch(`${s.url}/api/session`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ token }),
        });
      expect((await attempt(ADMIN)).status).toBe(200);
      expect((await attempt("wrong-guess-1")).status).toBe(401);
      expect((await attempt("wrong-guess-2")).status).toBe(401);
      // Bearer guesses count too.
      expect(
        (await fetch(`${s.url}/api/jobs`, { headers: { authorization: "Bearer wrong-guess-3" } })).status,
      ).toBe(401);
      for (const res of [
        await attempt("wrong-guess-4"),
        await attempt(ADMIN),
        await fetch(`${s.url}/api/jobs`, { headers: { authorization: `Bearer ${ADMIN}` } }),
      ]) {
        expect(res.status).toBe(429);
        expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(500);
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe("RATE_LIMITED");
      }
      const logins = await s.api("/api/audit", { token: null });
      expect(logins.status).toBe(401); // (no credential at all is not a guess, and not served either)
    } finally {
      await s.close();
    }
  });
});

describe("audit log", () => {
  it("is pruned past its retention when a server starts", async () => {
    const clock = new FakeClock(Date.UTC(2026, 5, 1));
    const spool = createSpool({ backend: "memory://", clock, logger: { level: "silent" } });
    const backend = await spool.backend();
    const day = 86_400_000;
    const entry = (at: number, target: string) => ({
      id: uuidv7(at),
      at,
      actor: "alice",
      role: "admin",
      via: "bearer",
      action: "job.retry",
      target,
      outcome: "ok",
      address: null,
      details: {},
    });
    await backend.auditAppend({
      entries: [entry(clock.now() - 40 * day, "old"), entry(clock.now() - 10 * day, "recent")],
    });
    const server = createServer(spool, {
      tokens: [{ token: ADMIN, role: "admin" }],
      auditRetention: "30d",
      processMetrics: false,
    });
    try {
      const left = await waitFor(async () => {
        const { entries } = await backend.auditList({});
        return entries.length === 1 ? entries : null;
      });
      expect(left.map((e) => e.target)).toEqual(["recent"]);
    } finally {
      await server.close();
      await spool.close();
    }
  });

  it("records each admin action with who, what, when and outcome; enqueues are not audited", async () => {
    const since = Date.now();
    const s = await login(t.url, ADMIN);
    const id = await delayed();
    const failed = await delayed();
    await t.api(`/api/jobs/${failed}/cancel`, { method: "POST", body: { reason: "operator says so" } });
    const actions: [string, string, string, unknown?][] = [
      ["job.retry", "POST", `/api/jobs/${failed}/retry`],
      ["job.cancel", "POST", `/api/jobs/${id}/cancel`],
      ["job.delete", "DELETE", `/api/jobs/${id}`],
      ["queue.pause", "POST", "/api/queues/audited/pause"],
      ["queue.resume", "POST", "/api/queues/audited/resume"],
      ["schedule.pause", "POST", "/api/schedules/sec-sched/pause"],
      ["schedule.resume", "POST", "/api/schedules/sec-sched/resume"],
      ["schedule.run", "POST", "/api/schedules/sec-sched/run"],
    ];
    for (const [, method, path] of actions) {
      const res = await t.api(path, { method, ...asSession(s) });
      expect(res.status, `${path} ${JSON.stringify(res.body)}`).toBeLessThan(300);
    }
    const refused = await t.api(`/api/jobs/${id}/retry`, { method: "POST" });
    expect(refused.status).toBe(404);
    const entries = (await audit()).filter((e) => (e.at as number) >= since);
    for (const [action, method, path] of actions) {
      const e = entries.find((x) => x.action === action && (x.details as { path: string }).path === path);
      expect(e, action).toMatchObject({ actor: "alice", role: "admin", via: "session", outcome: "ok" });
      expect(e!.details).toMatchObject({ method, status: expect.any(Number) });
      expect(e!.address).toMatch(/127\.0\.0\.1/);
      expect(e!.at).toBeLessThanOrEqual(Date.now());
    }
    expect(entries.find((e) => e.action === "job.cancel" && e.target === failed)).toMatchObject({
      via: "bearer",
      details: { reason: "operator says so" },
    });
    expect(entries.find((e) => e.action === "job.retry" && e.target === id)).toMatchObject({
      outcome: "NOT_FOUND",
    });
    expect(entries.find((e) => e.action === "session.login" && e.via === "session")).toMatchObject({
      actor: "alice",
    });
    expect(entries.some((e) => (e.details as { path: string }).path === "/api/jobs")).toBe(false);
    // Newest first, and pages follow the cursor.
    const ids = entries.map((e) => e.id as string);
    expect([...ids].sort().reverse()).toEqual(ids);
    const page = await t.api("/api/audit?limit=2");
    expect(page.body.entries).toHaveLength(2);
    const next = await t.api(`/api/audit?limit=2&cursor=${page.body.nextCursor}`);
    expect(next.body.entries[0].id < page.body.entries[1].id).toBe(true);
  });

  it("records failed logins without a name", async () => {
    const res = await fetch(`${t.url}/api/session`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token: "not-a-token-at-all" }),
    });
    expect(res.status).toBe(401);
    expect((await audit())[0]).toMatchObject({
      action: "session.login",
      actor: "unknown",
      outcome: "UNAUTHORIZED",
    });
  });
});
