import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../support/wait-for.js";
import { gates, startTestServer, type TestServer } from "./helpers.js";

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.close();
});

describe("HTTP jobs API", () => {
  it("POST /api/jobs enqueues with options and GET /api/jobs/:id reads it back decoded", async () => {
    const res = await t.api("/api/jobs", {
      body: {
        task: "add",
        input: { a: 2, b: 3 },
        options: { delay: "1h", priority: 7, key: "k-1", attempts: 2, meta: { source: "test" } },
      },
    });
    expect(res.status).toBe(201);
    expect(res.body.created).toBe(true);
    expect(res.headers.get("location")).toBe(`/api/jobs/${res.body.id}`);
    const job = await t.api(`/api/jobs/${res.body.id}`);
    expect(job.status).toBe(200);
    expect(job.body).toMatchObject({
      id: res.body.id,
      task: "add",
      queue: "default",
      state: "scheduled",
      priority: 7,
      maxAttempts: 2,
      key: "k-1",
      input: { a: 2, b: 3 },
      result: null,
      meta: { source: "test" },
    });
    expect(job.body.runAt).toBeGreaterThan(Date.now() + 3_500_000);
  });

  it("an idempotency key returns the existing job with 200 and created: false", async () => {
    const a = await t.api("/api/jobs", {
      body: { task: "add", input: { a: 1, b: 1 }, options: { key: "same" } },
    });
    const b = await t.api("/api/jobs", {
      body: { task: "add", input: { a: 9, b: 9 }, options: { key: "same" } },
    });
    expect(a.status).toBe(201);
    expect(b.status).toBe(200);
    expect(b.body).toEqual({ id: a.body.id, created: false });
  });

  it("runAt accepts ISO dates and epoch ms; queue overrides the task's", async () => {
    const iso = new Date(Date.now() + 60_000).toISOString();
    const a = await t.api("/api/jobs", {
      body: { task: "echo", input: 1, options: { runAt: iso, queue: "other" } },
    });
    const b = await t.api("/api/jobs", {
      body: { task: "echo", input: 2, options: { runAt: Date.now() + 60_000 } },
    });
    expect((await t.api(`/api/jobs/${a.body.id}`)).body).toMatchObject({
      queue: "other",
      state: "scheduled",
      runAt: Date.parse(iso),
    });
    expect((await t.api(`/api/jobs/${b.body.id}`)).body.queue).toBe("echo");
  });

  it("POST /api/jobs/bulk enqueues all in order, or nothing when one job is bad", async () => {
    const ok = await t.api("/api/jobs/bulk", {
      body: {
        jobs: [
          { task: "add", input: { a: 1, b: 2 } },
          { task: "echo", input: "x", options: { queue: "bulk" } },
        ],
      },
    });
    expect(ok.status).toBe(201);
    expect(ok.body.jobs).toHaveLength(2);
    expect((await t.api(`/api/jobs/${ok.body.jobs[1].id}`)).body).toMatchObject({
      task: "echo",
      queue: "bulk",
    });

    const before = (await t.api("/api/jobs?limit=1000")).body.jobs.length;
    const bad = await t.api("/api/jobs/bulk", {
      body: {
        jobs: [
          { task: "add", input: {} },
          { task: "missing", input: {} },
        ],
      },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error).toMatchObject({ code: "UNKNOWN_TASK", details: { task: "missing", index: 1 } });
    const badQueue = await t.api("/api/jobs/bulk", {
      body: {
        jobs: [
          { task: "add", input: {} },
          { task: "add", input: {}, options: { queue: "bad queue!" } },
        ],
      },
    });
    expect(badQueue.status).toBe(400);
    expect(badQueue.body.error).toMatchObject({ code: "INVALID_ARGUMENT", details: { index: 1 } });
    expect((await t.api("/api/jobs?limit=1000")).body.jobs.length).toBe(before);
  });

  it("bulk refuses more jobs than the limit", async () => {
    const jobs = Array.from({ length: 1001 }, () => ({ task: "add", input: { a: 1, b: 1 } }));
    const res = await t.api("/api/jobs/bulk", { body: { jobs } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("INVALID_ARGUMENT");
  });

  it("GET /api/jobs filters by queue, state (multi), task, key, dates and search, with cursor pages", async () => {
    const s = await startTestServer();
    try {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++)
        ids.push(
          (await s.api("/api/jobs", { body: { task: "echo", input: i, options: { key: `key-${i}` } } })).body
            .id,
        );
      const delayed = (
        await s.api("/api/jobs", { body: { task: "add", input: { a: 0, b: 0 }, options: { delay: "1h" } } })
      ).body.id;
      const all = await s.api("/api/jobs");
      expect(all.body.jobs.map((j: { id: string }) => j.id)).toEqual([delayed, ...ids.slice().reverse()]);

      expect((await s.api("/api/jobs?queue=echo")).body.jobs).toHaveLength(5);
      expect((await s.api("/api/jobs?state=scheduled")).body.jobs.map((j: { id: string }) => j.id)).toEqual([
        delayed,
      ]);
      expect((await s.api("/api/jobs?state=scheduled&state=queued")).body.jobs).toHaveLength(6);
      expect((await s.api("/api/jobs?state=scheduled,queued")).body.jobs).toHaveLength(6);
      expect((await s.api("/api/jobs?task=add")).body.jobs).toHaveLength(1);
      expect((await s.api("/api/jobs?key=key-3")).body.jobs[0].id).toBe(ids[3]);
      expect((await s.api("/api/jobs?search=KEY-4")).body.jobs[0].id).toBe(ids[4]);
      expect((await s.api(`/api/jobs?search=${ids[2]!.slice(-12)}`)).body.jobs[0].id).toBe(ids[2]);
      const future = new Date(Date.now() + 60_000).toISOString();
      expect((await s.api(`/api/jobs?createdAfter=${encodeURIComponent(future)}`)).body.jobs).toHaveLength(0);
      expect((await s.api(`/api/jobs?createdBefore=${Date.now() + 60_000}`)).body.jobs).toHaveLength(6);

      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { body: { jobs: { id: string }[]; nextCursor: string | null } } = await s.api(
          `/api/jobs?order=asc&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
        );
        seen.push(...page.body.jobs.map((j) => j.id));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(seen).toEqual([...ids, delayed]);

      const bad = await s.api("/api/jobs?state=active");
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toContain('unknown state "active"');
    } finally {
      await s.close();
    }
  });

  it("GET /api/jobs/:id/result long-polls until the job completes", async () => {
    const worker = t.spool.worker({ queues: ["default"] });
    try {
      const { body } = await t.api("/api/jobs", { body: { task: "add", input: { a: 20, b: 22 } } });
      const pending = t.api(`/api/jobs/${body.id}/result?wait=10s`);
      await worker.start();
      const res = await pending;
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ id: body.id, state: "completed", done: true, result: 42 });

      const failed = await t.api("/api/jobs", { body: { task: "boom", input: null } });
      const out = await t.api(`/api/jobs/${failed.body.id}/result?wait=10s`);
      expect(out.status).toBe(200);
      expect(out.body).toMatchObject({
        state: "failed",
        done: true,
        error: { message: "boom!", attempt: 1 },
      });
    } finally {
      await worker.stop();
    }
  });

  it("result answers 202 with done: false when the wait runs out, and 404 for an unknown job", async () => {
    const { body } = await t.api("/api/jobs", {
      body: { task: "add", input: { a: 1, b: 1 }, options: { delay: "1h" } },
    });
    const started = Date.now();
    const res = await t.api(`/api/jobs/${body.id}/result?wait=200ms`);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ id: body.id, state: "scheduled", done: false });
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect((await t.api(`/api/jobs/${body.id}/result?wait=0`)).status).toBe(202);
    expect((await t.api("/api/jobs/nope/result?wait=0")).status).toBe(404);
    expect((await t.api(`/api/jobs/${body.id}/result?wait=forever`)).body.error.code).toBe(
      "INVALID_ARGUMENT",
    );
  });

  it("GET /api/jobs/:id/logs returns the handler's log lines; progress shows on the job", async () => {
    const worker = t.spool.worker({ queues: ["default"] });
    await worker.start();
    try {
      const { body } = await t.api("/api/jobs", { body: { task: "logs", input: null } });
      await t.api(`/api/jobs/${body.id}/result?wait=10s`);
      const logs = await waitFor(async () => {
        const r = await t.api(`/api/jobs/${body.id}/logs`);
        return r.body.logs?.length ? r : null;
      });
      expect(logs.body.logs[0]).toMatchObject({ level: "info", attempt: 1 });
      expect(logs.body.logs[0].message).toContain("hello from the handler");
      expect((await t.api(`/api/jobs/${body.id}`)).body.progress.message).toBe("half");
      expect((await t.api("/api/jobs/missing/logs")).status).toBe(404);
    } finally {
      await worker.stop();
    }
  });

  it("cancel, retry and delete act, and answer 404 / 409 when they cannot", async () => {
    const { body } = await t.api("/api/jobs", {
      body: { task: "add", input: { a: 1, b: 2 }, options: { delay: "1h" } },
    });
    const id = body.id;
    const cancel = await t.api(`/api/jobs/${id}/cancel`, { body: { reason: "not needed" } });
    expect(cancel.status).toBe(200);
    expect(cancel.body).toMatchObject({ id, state: "cancelled", cancelled: [id] });
    const again = await t.api(`/api/jobs/${id}/cancel`, { method: "POST" });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: "INVALID_STATE", details: { state: "cancelled" } });

    const retry = await t.api(`/api/jobs/${id}/retry`, { method: "POST" });
    expect(retry.status).toBe(200);
    expect(["queued", "scheduled"]).toContain(retry.body.state);
    expect((await t.api(`/api/jobs/${id}/retry`, { method: "POST" })).status).toBe(409);

    const del = await t.api(`/api/jobs/${id}`, { method: "DELETE" });
    expect(del.status).toBe(200);
    expect(del.body).toEqual({ id, state: null });
    expect((await t.api(`/api/jobs/${id}`)).status).toBe(404);
    for (const [path, method] of [
      [`/api/jobs/${id}/cancel`, "POST"],
      [`/api/jobs/${id}/retry`, "POST"],
      [`/api/jobs/${id}`, "DELETE"],
    ] as const) {
      const r = await t.api(path, { method });
      expect(r.status).toBe(404);
      expect(r.body.error).toMatchObject({ code: "NOT_FOUND", details: { kind: "job", id } });
    }
  });

  it("deleting a running job is refused with 409 until it is cancelled", async () => {
    const worker = t.spool.worker({ queues: ["gated"] });
    await worker.start();
    try {
      const { body } = await t.api("/api/jobs", { body: { task: "gate", input: { name: "del" } } });
      await waitFor(async () => (await t.api(`/api/jobs/${body.id}`)).body.state === "running");
      const del = await t.api(`/api/jobs/${body.id}`, { method: "DELETE" });
      expect(del.status).toBe(409);
      expect(del.body.error.details).toMatchObject({ state: "running", action: "delete" });
      expect((await t.api(`/api/jobs/${body.id}/cancel`, { method: "POST" })).status).toBe(200);
      await waitFor(async () => (await t.api(`/api/jobs/${body.id}`, { method: "DELETE" })).status === 200);
    } finally {
      gates.get("del")?.resolve();
      await worker.stop();
    }
  });

  it("bad enqueue input gets typed 4xx errors and writes nothing", async () => {
    const before = (await t.api("/api/jobs?limit=1000")).body.jobs.length;
    const cases: [unknown, number, string][] = [
      [{ task: "nope", input: 1 }, 422, "UNKNOWN_TASK"],
      [{ input: 1 }, 400, "INVALID_ARGUMENT"],
      [{ task: "add", options: { delay: "soon" } }, 400, "INVALID_ARGUMENT"],
      [{ task: "add", options: { priority: 1.5 } }, 400, "INVALID_ARGUMENT"],
      [{ task: "add", options: { attempts: 0 } }, 400, "INVALID_ARGUMENT"],
      [{ task: "add", options: { queue: "has space" } }, 400, "INVALID_ARGUMENT"],
      [{ task: "add", options: { unknown: 1 } }, 400, "INVALID_ARGUMENT"],
      [{ task: "add", extra: true }, 400, "INVALID_ARGUMENT"],
      [{ task: "add", input: "x".repeat(1024 * 1024 + 10) }, 413, "PAYLOAD_TOO_LARGE"],
      [[1, 2], 400, "INVALID_ARGUMENT"],
      ["{not json", 400, "MALFORMED_JSON"],
    ];
    for (const [body, status, code] of cases) {
      const res = await t.api("/api/jobs", { body });
      expect({ status: res.status, code: res.body.error?.code }).toEqual({ status, code });
      expect(typeof res.body.error.message).toBe("string");
    }
    expect((await t.api("/api/jobs?limit=1000")).body.jobs.length).toBe(before);
  });
});
