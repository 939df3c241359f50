// biome-ignore-all lint/suspicious/noThenProperty: `then` is the follow-up option the API takes (request bodies, never awaited)
/**
 * Durable follow-ups over the HTTP API: `options.then` / `options.catch` on POST /api/jobs and
 * /api/jobs/bulk, with a real worker on a SQLite file. The follow-up is a by-name call
 * (`{ task, input?, options? }`; no `input`: the parent's outcome). Bad follow-ups get the
 * library's typed errors and write nothing.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { Worker } from "../../src/index.js";
import { waitFor } from "../support/wait-for.js";
import { startTestServer, type TestServer } from "./helpers.js";

// biome-ignore lint/suspicious/noExplicitAny: tests inspect JSON responses loosely
type Json = any;

let t: TestServer;
let worker: Worker;
let tmp: string;
beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), "spool-http-fu-"));
  t = await startTestServer({}, `sqlite://${join(tmp, "spool.db")}`);
  t.spool.task({ name: "typed", queue: "held", schema: z.object({ n: z.number() }), run: (i) => i.n });
  // Only `default` is served: follow-ups go to `echo` / `held` and stay there to be read.
  worker = t.spool.worker({ queues: ["default"] });
  await worker.start();
});
afterAll(async () => {
  await worker.stop();
  await t.close();
  rmSync(tmp, { recursive: true, force: true });
});

async function jobsOf(task: string): Promise<Json[]> {
  return (await t.api(`/api/jobs?task=${task}&limit=1000`)).body.jobs;
}

async function followUpOf(parent: string): Promise<Json[]> {
  const all = [...(await jobsOf("echo")), ...(await jobsOf("typed"))];
  return all.filter((j) => j.meta.parent?.id === parent);
}

async function total(): Promise<number> {
  return (await t.api("/api/jobs?limit=1000")).body.jobs.length;
}

describe("then / catch over HTTP", () => {
  it("then with a fixed input and options is written when the parent completes, catch is not", async () => {
    const res = await t.api("/api/jobs", {
      body: {
        task: "add",
        input: { a: 2, b: 3 },
        options: {
          then: {
            task: "typed",
            input: { n: 7 },
            options: { queue: "later", priority: 5, attempts: 4, timeout: "30s", meta: { from: "http" } },
          },
          catch: { task: "echo" },
        },
      },
    });
    expect(res.status).toBe(201);
    const parent = res.body.id;
    await waitFor(async () => (await followUpOf(parent)).length === 1, { timeout: 30_000 });
    expect((await t.api(`/api/jobs/${parent}`)).body).toMatchObject({ state: "completed", result: 5 });
    const [job] = await followUpOf(parent);
    expect(job).toMatchObject({
      task: "typed",
      queue: "later",
      state: "queued",
      priority: 5,
      maxAttempts: 4,
      timeoutMs: 30_000,
      input: { n: 7 },
      meta: { from: "http", parent: { id: parent, outcome: "completed" } },
    });
  });

  it("a catch without input gets the parent's last error record; then is not written", async () => {
    const res = await t.api("/api/jobs", {
      body: {
        task: "boom",
        input: null,
        options: { then: { task: "echo", input: "no" }, catch: { task: "echo" } },
      },
    });
    const parent = res.body.id;
    await waitFor(async () => (await followUpOf(parent)).length === 1, { timeout: 30_000 });
    const [job] = await followUpOf(parent);
    expect(job.meta.parent).toEqual({ id: parent, outcome: "failed" });
    expect(job.input).toMatchObject({ attempt: 1, name: "Error", message: "boom!" });
    expect(job.queue).toBe("echo");
  });

  it("a then without input gets the parent's result", async () => {
    const res = await t.api("/api/jobs", {
      body: { task: "add", input: { a: 20, b: 22 }, options: { then: { task: "echo" } } },
    });
    await waitFor(async () => (await followUpOf(res.body.id)).length === 1, { timeout: 30_000 });
    expect((await followUpOf(res.body.id))[0].input).toBe(42);
  });

  it("bad follow-ups get typed errors and write nothing", async () => {
    const before = await total();
    const post = (then: unknown) =>
      t.api("/api/jobs", { body: { task: "add", input: { a: 1, b: 1 }, options: { delay: "1h", then } } });

    const unknown = await post({ task: "missing", input: 1 });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error).toMatchObject({ code: "UNKNOWN_TASK", details: { task: "missing" } });

    const invalid = await post({ task: "typed", input: { n: "seven" } });
    expect(invalid.status).toBe(422);
    expect(invalid.body.error.code).toBe("VALIDATION_FAILED");

    // Options with no meaning at an outcome, a misspelt key, a bad value: refused by the schema.
    for (const bad of [
      { task: "echo", input: 1, options: { delay: "1m" } },
      { task: "echo", input: 1, options: { key: "k" } },
      { task: "echo", inptu: 1 },
      { task: "echo", input: 1, options: { queue: "bad queue!" } },
      { task: "echo", input: 1, options: { attempts: 0 } },
      { task: "" },
      "echo",
      { input: 1 },
      { task: "echo", options: { then: { task: "echo" } } },
    ]) {
      const res = await post(bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.body.error.code).toBe("INVALID_ARGUMENT");
    }
    const badCatch = await t.api("/api/jobs", {
      body: {
        task: "add",
        input: { a: 1, b: 1 },
        options: { catch: { task: "echo", options: { lease: "-1s" } } },
      },
    });
    expect(badCatch.status).toBe(400);
    expect(await total()).toBe(before);
  });

  it("bulk: each job takes its own follow-ups; one bad follow-up fails the whole call, with its index", async () => {
    const before = await total();
    const bad = await t.api("/api/jobs/bulk", {
      body: {
        jobs: [
          { task: "add", input: { a: 1, b: 1 }, options: { then: { task: "echo", input: "a" } } },
          { task: "add", input: { a: 1, b: 2 }, options: { catch: { task: "typed", input: {} } } },
        ],
      },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error).toMatchObject({ code: "VALIDATION_FAILED", details: { index: 1 } });
    expect(await total()).toBe(before);

    const ok = await t.api("/api/jobs/bulk", {
      body: {
        jobs: [
          { task: "add", input: { a: 1, b: 1 }, options: { then: { task: "echo", input: "first" } } },
          { task: "add", input: { a: 1, b: 2 }, options: { then: { task: "echo" } } },
          { task: "add", input: { a: 1, b: 3 } },
        ],
      },
    });
    expect(ok.status).toBe(201);
    const [a, b, c] = ok.body.jobs.map((j: { id: string }) => j.id);
    await waitFor(async () => (await followUpOf(a)).length === 1 && (await followUpOf(b)).length === 1, {
      timeout: 30_000,
    });
    expect((await followUpOf(a))[0].input).toBe("first");
    expect((await followUpOf(b))[0].input).toBe(3);
    await waitFor(async () => (await t.api(`/api/jobs/${c}`)).body.state === "completed", {
      timeout: 30_000,
    });
    expect(await followUpOf(c)).toEqual([]);
  });

  it("the OpenAPI document describes then / catch and their options", async () => {
    const doc = (await t.api("/api/openapi.json", { token: null })).body;
    const schemas = doc.components.schemas;
    expect(schemas.EnqueueOptions.properties.then).toBeDefined();
    expect(schemas.EnqueueOptions.properties.catch).toBeDefined();
    expect(schemas.FollowUp.required).toEqual(["task"]);
    expect(Object.keys(schemas.FollowUpOptions.properties).sort()).toEqual(
      ["attempts", "lease", "limitKey", "meta", "priority", "queue", "timeout"].sort(),
    );
    expect(schemas.FollowUpOptions.additionalProperties).toBe(false);
  });
});
