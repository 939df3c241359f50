// biome-ignore-all lint/suspicious/noThenProperty: `then` is the follow-up option the API takes (request bodies, never awaited)
/**
 * `GET /api/jobs/{id}/follow-ups` over a real server on a SQLite temp file: a parent's then /
 * catch templates while its outcome is to come, the job its outcome made (with that job's
 * state) after, [] for a job without any, 404 for an unknown job.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Worker } from "../../src/worker/worker.js";
import { waitFor } from "../support/wait-for.js";
import { READ, startTestServer, type TestServer } from "./helpers.js";

let t: TestServer;
let tmp: string;
let worker: Worker;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), "spool-http-follow-ups-"));
  t = await startTestServer({}, `sqlite://${join(tmp, "spool.db")}`);
  // Only `default` is served: a parent on "parked" keeps its templates; follow-ups on "echo" stay queued.
  worker = t.spool.worker({ queues: ["default"], pollInterval: "50ms" });
  await worker.start();
});
afterAll(async () => {
  await worker.stop();
  await t.close();
  rmSync(tmp, { recursive: true, force: true });
});

const followUps = { then: { task: "echo", input: "done" }, catch: { task: "echo" } };

describe("GET /api/jobs/:id/follow-ups", () => {
  it("lists the templates before the outcome and the job it made after, with its state", async () => {
    const parked = await t.api("/api/jobs", {
      body: { task: "add", input: { a: 1, b: 1 }, options: { queue: "parked", ...followUps } },
    });
    expect(parked.status).toBe(201);
    const pending = await t.api(`/api/jobs/${parked.body.id}/follow-ups`, { token: READ });
    expect(pending.status).toBe(200);
    expect(pending.body.followUps).toMatchObject([
      { outcome: "completed", task: "echo", queue: "echo", made: false, state: null },
      { outcome: "failed", task: "echo", queue: "echo", made: false, state: null },
    ]);

    const ran = await t.api("/api/jobs", {
      body: { task: "add", input: { a: 2, b: 3 }, options: followUps },
    });
    const id = ran.body.id as string;
    await waitFor(async () => (await t.api(`/api/jobs/${id}`)).body.state === "completed", {
      timeout: 30_000,
      message: "the parent completed",
    });
    const made = await t.api(`/api/jobs/${id}/follow-ups`, { token: READ });
    expect(made.body.followUps).toHaveLength(1);
    const [then] = made.body.followUps;
    expect(then).toMatchObject({
      outcome: "completed",
      task: "echo",
      made: true,
      state: "queued",
      attempt: 0,
    });
    // Both ways: the made job names its parent.
    expect((await t.api(`/api/jobs/${then.id}`)).body.meta.parent).toEqual({ id, outcome: "completed" });
    expect((await t.api(`/api/jobs/${then.id}/follow-ups`)).body).toEqual({ followUps: [] });
    expect((await t.api("/api/jobs/no-such-job/follow-ups", { token: READ })).status).toBe(404);
  }, 60_000);
});
