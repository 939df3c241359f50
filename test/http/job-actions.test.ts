/**
 * Job actions over HTTP: promote, change priority, replace input (404 / 409 / 422 when they
 * cannot), and retry, cancel or delete every job matching a filter, each audited.
 */

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { waitFor } from "../support/wait-for.js";
import { gates, READ, startTestServer, type TestServer } from "./helpers.js";

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
  t.spool.task({ name: "typed", schema: z.object({ n: z.number() }), run: (i: { n: number }) => i.n });
});
afterAll(async () => {
  await t.close();
});

const enqueue = async (task: string, input: unknown, options: Record<string, unknown> = {}) =>
  (await t.api("/api/jobs", { body: { task, input, options } })).body.id as string;
const audit = async () => (await t.api("/api/audit?limit=1000")).body.entries as Record<string, unknown>[];

describe("HTTP job actions", () => {
  it("promote runs a delayed job now; a job in another state answers 409, a missing one 404", async () => {
    const id = await enqueue("add", { a: 1, b: 2 }, { delay: "1h" });
    const res = await t.api(`/api/jobs/${id}/promote`, { method: "POST" });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id, state: "queued" });
    const job = (await t.api(`/api/jobs/${id}`)).body;
    expect(job.runAt).toBeLessThanOrEqual(Date.now());
    const again = await t.api(`/api/jobs/${id}/promote`, { method: "POST" });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: "INVALID_STATE", details: { state: "queued" } });
    expect((await t.api("/api/jobs/missing/promote", { method: "POST" })).status).toBe(404);
    const entries = (await audit()).filter((e) => e.action === "job.promote" && e.target === id);
    expect(entries.map((e) => e.outcome).sort()).toEqual(["INVALID_STATE", "ok"]);
  });

  it("priority and input change while the job waits, are refused once it ran, and are validated", async () => {
    const id = await enqueue("typed", { n: 1 }, { delay: "1h" });
    const prio = await t.api(`/api/jobs/${id}/priority`, { body: { priority: 42 } });
    expect(prio.status).toBe(200);
    const input = await t.api(`/api/jobs/${id}/input`, { body: { input: { n: 2 } } });
    expect(input.status).toBe(200);
    expect((await t.api(`/api/jobs/${id}`)).body).toMatchObject({ priority: 42, input: { n: 2 } });

    const bad = await t.api(`/api/jobs/${id}/input`, { body: { input: { n: "two" } } });
    expect(bad.status).toBe(422);
    expect(bad.body.error.code).toBe("VALIDATION_FAILED");
    expect((await t.api(`/api/jobs/${id}/priority`, { body: { priority: 1.5 } })).status).toBe(400);
    expect((await t.api(`/api/jobs/${id}`)).body).toMatchObject({ priority: 42, input: { n: 2 } });
    const entry = (await audit()).find(
      (e) => e.action === "job.priority" && e.target === id && e.outcome === "ok",
    );
    expect(entry?.details).toMatchObject({ priority: 42 });

    await t.api(`/api/jobs/${id}/cancel`, { method: "POST" });
    const late = await t.api(`/api/jobs/${id}/priority`, { body: { priority: 1 } });
    expect(late.status).toBe(409);
    expect(late.body.error.details).toMatchObject({ state: "cancelled" });
    expect((await t.api(`/api/jobs/${id}/input`, { body: { input: { n: 3 } } })).status).toBe(409);
  });

  it("a running job's priority and input are refused with 409", async () => {
    const worker = t.spool.worker({ queues: ["gated"] });
    await worker.start();
    try {
      const id = await enqueue("gate", { name: "edit" });
      await waitFor(async () => (await t.api(`/api/jobs/${id}`)).body.state === "running");
      expect((await t.api(`/api/jobs/${id}/priority`, { body: { priority: 5 } })).status).toBe(409);
      expect((await t.api(`/api/jobs/${id}/input`, { body: { input: { name: "x" } } })).status).toBe(409);
      expect((await t.api(`/api/jobs/${id}`)).body.input).toEqual({ name: "edit" });
    } finally {
      gates.get("edit")?.resolve();
      await worker.stop();
    }
  });

  it("retry-matching retries every failed job of a task, counts first on a dry run, and is audited", async () => {
    const ids = await Promise.all([1, 2, 3].map((n) => enqueue("boom", { n, tag: "bulk-retry" })));
    const other = await enqueue("add", { a: 1, b: 1 }, { delay: "1h" });
    await t.api(`/api/jobs/${other}/cancel`, { method: "POST" });
    const worker = t.spool.worker({ queues: ["default"] });
    await worker.start();
    try {
      await waitFor(async () => {
        const page = await t.api("/api/jobs?task=boom&state=failed&limit=1000");
        return ids.every((id) => page.body.jobs.some((j: { id: string }) => j.id === id));
      });
      await worker.stop();
      const dry = await t.api("/api/jobs/retry-matching", { body: { task: "boom", dryRun: true } });
      expect(dry.status).toBe(200);
      expect(dry.body).toMatchObject({ affected: 0, skipped: 0, dryRun: true });
      expect(dry.body.matched).toBeGreaterThanOrEqual(3);
      expect((await t.api(`/api/jobs/${ids[0]}`)).body.state).toBe("failed");

      const res = await t.api("/api/jobs/retry-matching", { body: { task: "boom", state: "failed" } });
      expect(res.status).toBe(200);
      expect(res.body.affected).toBe(res.body.matched);
      expect(res.body.matched).toBe(dry.body.matched);
      for (const id of ids) expect((await t.api(`/api/jobs/${id}`)).body.state).toBe("queued");
      expect((await t.api(`/api/jobs/${other}`)).body.state).toBe("cancelled");
      const entry = (await audit()).find((e) => e.action === "job.retry-matching" && e.outcome === "ok");
      expect(entry?.details).toMatchObject({
        filter: { task: "boom", state: "failed" },
        dryRun: false,
        matched: res.body.matched,
        affected: res.body.affected,
      });
    } finally {
      await worker.stop();
    }
  });

  it("delete-matching deletes by filter and age, refuses an empty filter, and needs the admin role", async () => {
    const before = Date.now() + 1;
    await new Promise((r) => setTimeout(r, 5));
    const old = await enqueue("echo", { word: "purge-me" }, { delay: "1h" });
    const oldToo = await enqueue("echo", { word: "purge-me" }, { delay: "1h" });
    const keep = await enqueue("echo", { word: "keep-me" });
    await t.api(`/api/jobs/${keep}/cancel`, { method: "POST" });
    const empty = await t.api("/api/jobs/delete-matching", { body: {} });
    expect(empty.status).toBe(400);
    expect(empty.body.error.code).toBe("INVALID_ARGUMENT");
    const forbidden = await t.api("/api/jobs/delete-matching", { body: { queue: "echo" }, token: READ });
    expect(forbidden.status).toBe(403);
    const tooOld = await t.api("/api/jobs/delete-matching", {
      body: { queue: "echo", createdBefore: before },
    });
    expect(tooOld.body).toMatchObject({ matched: 0, affected: 0 });
    const res = await t.api("/api/jobs/delete-matching", {
      body: {
        queue: "echo",
        state: ["scheduled"],
        createdAfter: new Date(before).toISOString(),
        task: "echo",
      },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ matched: 2, affected: 2, skipped: 0, dryRun: false });
    expect((await t.api(`/api/jobs/${old}`)).status).toBe(404);
    expect((await t.api(`/api/jobs/${oldToo}`)).status).toBe(404);
    expect((await t.api(`/api/jobs/${keep}`)).status).toBe(200);
  });

  it("cancel-matching cancels the unfinished matches and their dependents, counts first, and is audited", async () => {
    const word = "stop-by-filter";
    const a = await enqueue("echo", { word, n: 1 }, { delay: "1h" });
    const b = await enqueue("echo", { word, n: 2 }, { delay: "1h" });
    // (The HTTP enqueue takes no dependencies: this one comes from the client.)
    const dependent = (await t.spool.enqueue("add", { a: 1, b: 2 }, { dependsOn: [b] })).id;
    const finished = await enqueue("echo", { word, n: 3 }, { delay: "1h" });
    await t.api(`/api/jobs/${finished}/cancel`, { method: "POST" });
    const other = await enqueue("echo", { word: "something else" }, { delay: "1h" });
    const filter = { task: "echo", search: word };
    const stateOf = async (id: string) => (await t.api(`/api/jobs/${id}`)).body.state as string;
    const states = async () => Promise.all([a, b, dependent, finished, other].map(stateOf));
    const before = ["scheduled", "scheduled", "waiting", "cancelled", "scheduled"];
    expect(await states()).toEqual(before);

    // Refused, and nothing changes: no filter, a bad field, an unknown field, a read token.
    for (const body of [{}, { dryRun: true }, { ...filter, reason: 5 }, { ...filter, everything: true }]) {
      const res = await t.api("/api/jobs/cancel-matching", { body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe("INVALID_ARGUMENT");
    }
    const forbidden = await t.api("/api/jobs/cancel-matching", { body: filter, token: READ });
    expect(forbidden.status).toBe(403);
    expect(await states()).toEqual(before);

    const dry = await t.api("/api/jobs/cancel-matching", { body: { ...filter, dryRun: true } });
    expect(dry.status).toBe(200);
    expect(dry.body).toEqual({ matched: 2, affected: 0, skipped: 0, cascaded: 0, dryRun: true });
    expect(await states()).toEqual(before);

    const res = await t.api("/api/jobs/cancel-matching", { body: { ...filter, reason: "supplier down" } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ matched: 2, affected: 2, skipped: 0, cascaded: 1, dryRun: false });
    expect(await states()).toEqual(["cancelled", "cancelled", "cancelled", "cancelled", "scheduled"]);

    const entries = (await audit()).filter((e) => e.action === "job.cancel-matching");
    expect(
      entries.find((e) => e.outcome === "ok" && (e.details as { dryRun: boolean }).dryRun === false)?.details,
    ).toMatchObject({
      filter,
      dryRun: false,
      reason: "supplier down",
      matched: 2,
      affected: 2,
      skipped: 0,
      cascaded: 1,
    });
    expect(entries.some((e) => e.outcome === "FORBIDDEN")).toBe(true);
  });

  it("a selection: retry, cancel and delete act on the listed ids only, name the skipped, and are audited", async () => {
    const delayed = await Promise.all([1, 2, 3, 4].map((n) => enqueue("echo", { pick: n }, { delay: "1h" })));
    const untouched = await enqueue("echo", { pick: "not selected" }, { delay: "1h" });
    const [a, b, c, d] = delayed as [string, string, string, string];

    const cancel = await t.api("/api/jobs/cancel-selected", { body: { ids: [a, b, c], reason: "picked" } });
    expect(cancel.status).toBe(200);
    expect(cancel.body).toEqual({ affected: [a, b, c], skipped: [], cascaded: 0 });
    for (const id of [a, b, c]) expect((await t.api(`/api/jobs/${id}`)).body.state).toBe("cancelled");
    expect((await t.api(`/api/jobs/${d}`)).body.state).toBe("scheduled");

    // d was never cancelled: retry refuses it (and a missing id), and says so.
    const retry = await t.api("/api/jobs/retry-selected", { body: { ids: [a, d, "missing-job"] } });
    expect(retry.body).toEqual({ affected: [a], skipped: [d, "missing-job"] });
    expect((await t.api(`/api/jobs/${a}`)).body.state).toBe("queued");
    expect((await t.api(`/api/jobs/${d}`)).body.state).toBe("scheduled");

    const del = await t.api("/api/jobs/delete-selected", { body: { ids: [b, c] } });
    expect(del.body).toEqual({ affected: [b, c], skipped: [] });
    expect((await t.api(`/api/jobs/${b}`)).status).toBe(404);
    expect((await t.api(`/api/jobs/${untouched}`)).body.state).toBe("scheduled");

    const entries = await audit();
    expect(entries.find((e) => e.action === "job.cancel-selected")?.details).toMatchObject({
      ids: [a, b, c],
      affected: 3,
      skipped: [],
      reason: "picked",
    });
    expect(entries.find((e) => e.action === "job.retry-selected")?.details).toMatchObject({
      ids: [a, d, "missing-job"],
      affected: 1,
      skipped: [d, "missing-job"],
    });
    expect(entries.find((e) => e.action === "job.delete-selected")?.details).toMatchObject({ affected: 2 });
  });

  it("a selection is refused when empty, repeated, too long or sent by a read token, and nothing changes", async () => {
    const id = await enqueue("echo", { pick: "refused" }, { delay: "1h" });
    for (const body of [
      { ids: [] },
      { ids: [id, id] },
      { ids: Array.from({ length: 1001 }, (_, i) => `x${i}`) },
      {},
    ]) {
      const res = await t.api("/api/jobs/delete-selected", { body });
      expect(res.status, JSON.stringify(body).slice(0, 40)).toBe(400);
      expect(res.body.error.code).toBe("INVALID_ARGUMENT");
    }
    const forbidden = await t.api("/api/jobs/cancel-selected", { body: { ids: [id] }, token: READ });
    expect(forbidden.status).toBe(403);
    expect((await t.api(`/api/jobs/${id}`)).body.state).toBe("scheduled");
  });

  it("GET /api/jobs?q= finds jobs by a word in their input, result or error", async () => {
    const hit = await enqueue("echo", { customer: "Zanzibar Trading" }, { delay: "1h" });
    await enqueue("echo", { customer: "someone else" }, { delay: "1h" });
    const byQ = await t.api("/api/jobs?q=zanzibar");
    expect(byQ.status).toBe(200);
    expect(byQ.body.jobs.map((j: { id: string }) => j.id)).toEqual([hit]);
    const bySearch = await t.api("/api/jobs?search=ZANZIBAR%20trading&state=scheduled");
    expect(bySearch.body.jobs.map((j: { id: string }) => j.id)).toEqual([hit]);
    expect((await t.api("/api/jobs?q=zanzibar&state=queued")).body.jobs).toEqual([]);
  });
});
