/**
 * `GET /api/jobs/{id}/children` over a real server on a SQLite temp file: a standalone parent's
 * spawned children with states and counts, `limit`, 404 for an unknown job, an empty list for a
 * job that never spawned, 400 for a bad limit.
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
  tmp = mkdtempSync(join(tmpdir(), "spool-http-children-"));
  t = await startTestServer({}, `sqlite://${join(tmp, "spool.db")}`);
});
afterAll(async () => {
  await worker?.stop();
  await t.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe("GET /api/jobs/:id/children", () => {
  it("lists a waiting parent's children in spawn order with states and counts", async () => {
    const ok = t.spool.task({ name: "kid.ok", queue: "kids", run: (n: number) => n });
    // No worker serves "held": these stay queued and the parent stays waiting.
    const held = t.spool.task({ name: "kid.held", queue: "held", run: (n: number) => n });
    const parent = t.spool.task({
      name: "kid.parent",
      queue: "kids",
      run: (_: null, ctx) => ctx.spawn([ok.with(1), held.with(2), ok.with(3)]),
    });
    const job = await parent.enqueue(null);
    const plain = await ok.enqueue(7);
    worker = t.spool.worker({ queues: ["kids"], concurrency: 2, pollInterval: "50ms" });
    await worker.start();
    await waitFor(async () => (await t.spool.jobs.children(job.id))?.counts.completed === 2, {
      timeout: 30_000,
      message: "two children completed",
    });

    const res = await t.api(`/api/jobs/${job.id}/children`, { token: READ });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ round: 1, total: 3, counts: { completed: 2, queued: 1 } });
    const body = res.body as { children: { task: string; state: string; error: string | null }[] };
    expect(body.children.map((c) => [c.task, c.state])).toEqual([
      ["kid.ok", "completed"],
      ["kid.held", "queued"],
      ["kid.ok", "completed"],
    ]);

    const limited = await t.api(`/api/jobs/${job.id}/children?limit=1`, { token: READ });
    expect(limited.body).toMatchObject({ total: 3 });
    expect((limited.body as { children: unknown[] }).children).toHaveLength(1);
    expect((await t.api(`/api/jobs/${plain.id}/children`, { token: READ })).body).toEqual({
      round: 0,
      total: 0,
      counts: {},
      children: [],
    });
    expect((await t.api("/api/jobs/no-such-job/children", { token: READ })).status).toBe(404);
    expect((await t.api(`/api/jobs/${job.id}/children?limit=0`, { token: READ })).status).toBe(400);
  }, 60_000);
});
