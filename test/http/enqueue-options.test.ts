/**
 * POST /api/jobs takes every option a producer needs without the task's code at hand (a Python
 * or curl producer cannot pass a key function): `lease`, `limitKey`, `dedupe`, `dependsOn`. Each
 * reaches the store with the library's meaning, and a bad value gets the library's typed error
 * with nothing written.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./helpers.js";

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
  // Per-key concurrency whose key comes from the input: an HTTP producer may override it.
  t.spool.task({
    name: "capped",
    queue: "idle",
    concurrency: { limit: 1, key: (i: { customer: string }) => i.customer },
    run: () => "ok",
  });
});
afterAll(() => t.close());

async function count(task: string): Promise<number> {
  return (await t.api(`/api/jobs?task=${task}&limit=1000`)).body.jobs.length;
}

describe("enqueue options over HTTP", () => {
  it("lease is stored as the job's lease", async () => {
    const res = await t.api("/api/jobs", { body: { task: "echo", input: 1, options: { lease: "45s" } } });
    expect(res.status).toBe(201);
    expect((await t.api(`/api/jobs/${res.body.id}`)).body.leaseMs).toBe(45_000);
  });

  it("limitKey wins over the task's key function", async () => {
    const res = await t.api("/api/jobs", {
      body: { task: "capped", input: { customer: "from-input" }, options: { limitKey: "acme" } },
    });
    expect(res.status).toBe(201);
    expect((await t.api(`/api/jobs/${res.body.id}`)).body.limitKey).toBe("acme");
    const plain = await t.api("/api/jobs", { body: { task: "capped", input: { customer: "globex" } } });
    expect((await t.api(`/api/jobs/${plain.body.id}`)).body.limitKey).toBe("globex");
  });

  it("limitKey on a task without a keyed limit is refused and writes nothing", async () => {
    const before = await count("echo");
    const res = await t.api("/api/jobs", { body: { task: "echo", input: 1, options: { limitKey: "x" } } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("INVALID_ARGUMENT");
    expect(res.body.error.message).toMatch(/limitKey/);
    expect(await count("echo")).toBe(before);
  });

  it("dedupe throttle: a second call in the window returns the first job", async () => {
    const dedupe = { key: "user-7", window: "1m", mode: "throttle" };
    const a = await t.api("/api/jobs", { body: { task: "add", input: { a: 1, b: 1 }, options: { dedupe } } });
    const b = await t.api("/api/jobs", { body: { task: "add", input: { a: 2, b: 2 }, options: { dedupe } } });
    expect(a.status).toBe(201);
    expect(b.status).toBe(200);
    expect(b.body).toMatchObject({ id: a.body.id, created: false });
    expect((await t.api(`/api/jobs/${a.body.id}`)).body.input).toEqual({ a: 1, b: 1 });
  });

  it("dedupe replace keeps one pending job per key with the latest input", async () => {
    const dedupe = { key: "doc-3", mode: "replace" };
    const a = await t.api("/api/jobs", { body: { task: "echo", input: "first", options: { dedupe } } });
    const b = await t.api("/api/jobs", { body: { task: "echo", input: "second", options: { dedupe } } });
    expect(b.body.id).toBe(a.body.id);
    expect((await t.api(`/api/jobs/${a.body.id}`)).body.input).toBe("second");
  });

  it("a bad dedupe is refused with the library's typed error and writes nothing", async () => {
    const before = await count("add");
    const missingWindow = await t.api("/api/jobs", {
      body: { task: "add", input: { a: 1, b: 1 }, options: { dedupe: { key: "k", mode: "debounce" } } },
    });
    expect(missingWindow.status).toBe(400);
    expect(missingWindow.body.error.message).toMatch(/window/);
    const badMode = await t.api("/api/jobs", {
      body: {
        task: "add",
        input: { a: 1, b: 1 },
        options: { dedupe: { key: "k", window: "1s", mode: "never" } },
      },
    });
    expect(badMode.status).toBe(400);
    const unknownKey = await t.api("/api/jobs", {
      body: { task: "add", input: { a: 1, b: 1 }, options: { dedupe: { key: "k", window: "1s", keep: 1 } } },
    });
    expect(unknownKey.status).toBe(400);
    expect(await count("add")).toBe(before);
  });

  it("dependsOn holds a job until its dependency completes", async () => {
    const first = await t.api("/api/jobs", { body: { task: "echo", input: "dep" } });
    const second = await t.api("/api/jobs", {
      body: { task: "echo", input: "after", options: { dependsOn: [first.body.id] } },
    });
    expect(second.status).toBe(201);
    const job = (await t.api(`/api/jobs/${second.body.id}`)).body;
    expect(job.dependsOn).toEqual([first.body.id]);
    expect(job.pendingDependencies).toBe(1);
    expect(job.state).toBe("waiting");
  });

  it("dependsOn naming no job is refused and writes nothing", async () => {
    const before = await count("echo");
    const res = await t.api("/api/jobs", {
      body: { task: "echo", input: "orphan", options: { dependsOn: ["no-such-job"] } },
    });
    expect(res.status).toBe(404);
    expect(await count("echo")).toBe(before);
  });
});

describe("bulk enqueue takes the same options", () => {
  it("a dependsOn naming no job fails the whole batch and writes nothing", async () => {
    const before = await count("echo");
    const res = await t.api("/api/jobs/bulk", {
      body: {
        jobs: [
          { task: "echo", input: "fine", options: { lease: "10s" } },
          { task: "echo", input: "orphan", options: { dependsOn: ["no-such-job"] } },
        ],
      },
    });
    expect(res.status).toBe(404);
    expect(await count("echo")).toBe(before);
  });

  it("dedupe and limitKey apply per job of a batch", async () => {
    const res = await t.api("/api/jobs/bulk", {
      body: {
        jobs: [
          { task: "capped", input: { customer: "a" }, options: { limitKey: "tenant-1" } },
          { task: "echo", input: "x", options: { dedupe: { key: "bulk-d", window: "1m" } } },
        ],
      },
    });
    expect(res.status).toBe(201);
    const [capped, echoed] = res.body.jobs;
    expect((await t.api(`/api/jobs/${capped.id}`)).body.limitKey).toBe("tenant-1");
    const again = await t.api("/api/jobs", {
      body: { task: "echo", input: "y", options: { dedupe: { key: "bulk-d", window: "1m" } } },
    });
    expect(again.body).toMatchObject({ id: echoed.id, created: false });
  });
});
