/**
 * The drop-newest strategy over the HTTP API: POST /api/jobs answers 200 with
 * `{ id, created: false, dropped: true }` for a job its full group dropped (nothing written),
 * and /api/jobs/bulk the same entry per dropped job.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./helpers.js";

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({});
  t.spool.task({
    name: "sync.user",
    queue: "nobody-serves-this",
    concurrency: { limit: 1, key: (input: { user: string }) => input.user, strategy: "drop-newest" },
    run: () => "ok",
  });
});
afterAll(async () => {
  await t.close();
});

describe("strategy at the cap over HTTP", () => {
  it("a dropped job is answered 200 with dropped: true and is not written", async () => {
    const first = await t.api("/api/jobs", { body: { task: "sync.user", input: { user: "u1" } } });
    expect(first.status).toBe(201);
    expect(first.body).toEqual({ id: expect.any(String), created: true });
    const second = await t.api("/api/jobs", { body: { task: "sync.user", input: { user: "u1" } } });
    expect(second.status).toBe(200);
    expect(second.body).toEqual({ id: expect.any(String), created: false, dropped: true });
    expect((await t.api(`/api/jobs/${second.body.id}`)).status).toBe(404);
    const bulk = await t.api("/api/jobs/bulk", {
      body: {
        jobs: [
          { task: "sync.user", input: { user: "u1" } },
          { task: "sync.user", input: { user: "u2" } },
          { task: "sync.user", input: { user: "u2" } },
        ],
      },
    });
    expect(bulk.status).toBe(201);
    expect(bulk.body.jobs.map((j: { dropped?: boolean }) => j.dropped === true)).toEqual([true, false, true]);
    expect((await t.api("/api/jobs?task=sync.user&limit=100")).body.jobs.length).toBe(2);
  });
});
