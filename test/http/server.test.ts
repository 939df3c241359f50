import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, startServer } from "../../src/http/index.js";
import { createSpool } from "../../src/index.js";
import { waitFor } from "../support/wait-for.js";
import { ADMIN, gates, startTestServer, type TestServer } from "./helpers.js";

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.close();
});

describe("HTTP queues, workers, health and the OpenAPI document", () => {
  it("GET /api/queues lists counts per state, the oldest queued age and per-minute throughput", async () => {
    await t.api("/api/jobs", { body: { task: "echo", input: 1 } });
    await t.api("/api/jobs", { body: { task: "echo", input: 2, options: { delay: "1h" } } });
    const worker = t.spool.worker({ queues: ["default"] });
    await worker.start();
    const done = await t.api("/api/jobs", { body: { task: "add", input: { a: 1, b: 1 } } });
    await t.api(`/api/jobs/${done.body.id}/result?wait=10s`);
    await worker.stop();
    const res = await t.api("/api/queues");
    expect(res.status).toBe(200);
    const echo = res.body.queues.find((q: { name: string }) => q.name === "echo");
    expect(echo).toMatchObject({ paused: false, counts: { queued: 1, scheduled: 1, completed: 0 } });
    expect(echo.oldestQueuedAgeMs).toBeGreaterThanOrEqual(0);
    expect(echo.throughput.completedPerMinute).toHaveLength(15);
    const def = res.body.queues.find((q: { name: string }) => q.name === "default");
    await waitFor(async () => {
      const q = (await t.api("/api/queues")).body.queues.find((x: { name: string }) => x.name === "default");
      return q.throughput.completedPerMinute.at(-1) === 1;
    });
    expect(def.oldestQueuedAgeMs).toBeNull();
    expect(res.body.throughputSince).toBeLessThanOrEqual(Date.now());
  });

  it("POST /api/queues/:name/pause and resume flip the paused flag", async () => {
    const pause = await t.api("/api/queues/echo/pause", { method: "POST" });
    expect(pause).toMatchObject({ status: 200, body: { name: "echo", paused: true } });
    let echo = (await t.api("/api/queues")).body.queues.find((q: { name: string }) => q.name === "echo");
    expect(echo.paused).toBe(true);
    expect((await t.api("/api/queues/echo/resume", { method: "POST" })).body).toEqual({
      name: "echo",
      paused: false,
    });
    echo = (await t.api("/api/queues")).body.queues.find((q: { name: string }) => q.name === "echo");
    expect(echo.paused).toBe(false);
    const bad = await t.api(`/api/queues/${encodeURIComponent("no spaces")}/pause`, { method: "POST" });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("INVALID_ARGUMENT");
  });

  it("POST /api/queues/:name/limits sets and removes limits; bad limits are 400 and change nothing", async () => {
    const set = await t.api("/api/queues/pdf/limits", {
      method: "POST",
      body: { concurrency: 4, rateLimit: { limit: 50, per: "1m", burst: 5 } },
    });
    expect(set).toMatchObject({
      status: 200,
      body: { name: "pdf", limits: { concurrency: 4, rateLimit: { limit: 50, perMs: 60_000, burst: 5 } } },
    });
    const pdf = (await t.api("/api/queues")).body.queues.find((q: { name: string }) => q.name === "pdf");
    expect(pdf.limits).toEqual({ concurrency: 4, rateLimit: { limit: 50, perMs: 60_000, burst: 5 } });
    for (const body of [
      { concurrency: 0 },
      { concurrency: 2.5 },
      { rateLimit: { limit: -1, per: "1s" } },
      { rateLimit: { limit: 1, per: "soon" } },
      { speed: 3 },
    ]) {
      const bad = await t.api("/api/queues/pdf/limits", { method: "POST", body });
      expect(bad.status, JSON.stringify(body)).toBe(400);
    }
    const again = (await t.api("/api/queues")).body.queues.find((q: { name: string }) => q.name === "pdf");
    expect(again.limits).toEqual(pdf.limits);
    const cleared = await t.api("/api/queues/pdf/limits", {
      method: "POST",
      body: { concurrency: null, rateLimit: null },
    });
    expect(cleared.body).toEqual({ name: "pdf", limits: { concurrency: null, rateLimit: null } });
  });

  it("GET /api/queues shows how many queued jobs wait on a limit and which limit holds them", async () => {
    for (let i = 0; i < 3; i++)
      expect(
        (await t.api("/api/jobs", { body: { task: "echo", input: i, options: { queue: "lim" } } })).status,
      ).toBe(201);
    await t.api("/api/queues/lim/limits", { method: "POST", body: { concurrency: 1 } });
    const lim = (await t.api("/api/queues")).body.queues.find((q: { name: string }) => q.name === "lim");
    expect(lim).toMatchObject({ counts: { queued: 3 }, waitingOnLimit: 2 });
    expect(lim.limitWaits).toEqual([
      { scope: "queue", task: null, key: null, reason: "concurrency", waiting: 2 },
    ]);
  });

  it("GET /api/workers shows live workers and the jobs they run", async () => {
    const worker = t.spool.worker({ queues: ["gated"], concurrency: 3 });
    await worker.start();
    try {
      const { body } = await t.api("/api/jobs", { body: { task: "gate", input: { name: "workers" } } });
      const res = await waitFor(async () => {
        const r = await t.api("/api/workers");
        const w = r.body.workers.find((x: { id: string }) => x.id === worker.id);
        return w?.running.includes(body.id) ? w : null;
      });
      expect(res).toMatchObject({ alive: true, concurrency: 3, queues: ["gated"], pid: process.pid });
    } finally {
      gates.get("workers")?.resolve();
      await worker.stop();
    }
    expect((await t.api("/api/workers")).body.workers.some((w: { id: string }) => w.id === worker.id)).toBe(
      false,
    );
  });

  it("GET /api/health answers without a token", async () => {
    const res = await t.api("/api/health", { token: null });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: "ok", backend: "memory" });
  });

  it("serves an OpenAPI 3.1 document generated from the request schemas", async () => {
    const res = await t.api("/api/openapi.json", { token: null });
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe("3.1.0");
    const paths = Object.keys(res.body.paths);
    for (const p of [
      "/api/jobs",
      "/api/jobs/bulk",
      "/api/jobs/{id}",
      "/api/jobs/{id}/logs",
      "/api/jobs/{id}/result",
      "/api/jobs/{id}/cancel",
      "/api/jobs/{id}/retry",
      "/api/queues",
      "/api/queues/{name}/pause",
      "/api/queues/{name}/resume",
      "/api/queues/{name}/limits",
      "/api/workers",
      "/api/health",
      "/api/events",
    ])
      expect(paths).toContain(p);
    const enqueue = res.body.paths["/api/jobs"].post;
    expect(enqueue.requestBody.content["application/json"].schema.$ref).toBe(
      "#/components/schemas/EnqueueRequest",
    );
    const options = res.body.components.schemas.EnqueueOptions;
    expect(Object.keys(options.properties)).toEqual(
      expect.arrayContaining(["delay", "runAt", "priority", "key", "queue", "attempts", "meta"]),
    );
    expect(res.body.components.securitySchemes.bearer).toMatchObject({ type: "http", scheme: "bearer" });
    expect(res.body.paths["/api/jobs"].get.parameters.map((p: { name: string }) => p.name)).toContain(
      "state",
    );
  });

  it("unknown routes answer a JSON 404", async () => {
    const res = await t.api("/api/nothing-here");
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("ROUTE_NOT_FOUND");
  });

  it("refuses to start without tokens unless insecure: true is explicit", async () => {
    const spool = createSpool({ backend: "memory://", logger: { level: "silent" } });
    try {
      expect(() => createServer(spool, { port: 0 })).toThrow(/needs at least one token/);
      expect(() => createServer(spool, { port: 0, tokens: [{ token: "short", role: "admin" }] })).toThrow(
        /at least 8 characters/,
      );
      const open = await startServer(spool, { port: 0, insecure: true, processMetrics: false });
      try {
        const res = await fetch(`${open.url}/api/jobs`, { headers: {} });
        expect(res.status).toBe(200);
      } finally {
        await open.close();
      }
    } finally {
      await spool.close();
    }
  });

  it("reads tokens from SPOOL_API_TOKENS", async () => {
    const previous = process.env.SPOOL_API_TOKENS;
    process.env.SPOOL_API_TOKENS = `admin:${ADMIN}, read:reader-secret-1`;
    const spool = createSpool({ backend: "memory://", logger: { level: "silent" } });
    try {
      const server = await startServer(spool, { port: 0, processMetrics: false });
      try {
        const ok = await fetch(`${server.url}/api/queues`, {
          headers: { authorization: "Bearer reader-secret-1" },
        });
        expect(ok.status).toBe(200);
        const no = await fetch(`${server.url}/api/queues`, {
          headers: { authorization: "Bearer reader-secret-2" },
        });
        expect(no.status).toBe(401);
      } finally {
        await server.close();
      }
      process.env.SPOOL_API_TOKENS = "owner:xyz";
      expect(() => createServer(spool, { port: 0 })).toThrow(/SPOOL_API_TOKENS must look like/);
    } finally {
      if (previous === undefined) delete process.env.SPOOL_API_TOKENS;
      else process.env.SPOOL_API_TOKENS = previous;
      await spool.close();
    }
  });
});
