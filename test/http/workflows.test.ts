/**
 * The workflow endpoints over a real server on a SQLite temp file: list with paging, read,
 * the graph (nodes and edges from `dependsOn`), cancel, their errors, the SSE `workflow=`
 * filter, and the OpenAPI entries.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Task } from "../../src/index.js";
import type { Worker } from "../../src/worker/worker.js";
import { waitFor } from "../support/wait-for.js";
import { READ, SseReader, startTestServer, type TestServer } from "./helpers.js";

let t: TestServer;
let tmp: string;
let worker: Worker;
const readers: SseReader[] = [];
let num: Task<number, number>;
let sum: Task<Record<string, number> | number[], number>;
let fail: Task<unknown, number>;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), "spool-http-workflows-"));
  t = await startTestServer({}, `sqlite://${join(tmp, "spool.db")}`);
  num = t.spool.task({ name: "wf.num", queue: "wf", run: (i: number) => i });
  sum = t.spool.task({
    name: "wf.sum",
    queue: "wf",
    run: async (i: Record<string, number> | number[], ctx) => {
      await ctx.progress(100, "summed");
      return Object.values(i).reduce((a, b) => a + b, 0);
    },
  });
  fail = t.spool.task({
    name: "wf.fail",
    queue: "wf",
    retry: { attempts: 1 },
    run: (): number => {
      throw new Error("node exploded");
    },
  });
  worker = t.spool.worker({ queues: ["wf"], concurrency: 4 });
  await worker.start();
});
afterAll(async () => {
  for (const r of readers) r.close();
  await worker.stop();
  await t.close();
  rmSync(tmp, { recursive: true, force: true });
});

/** a, b → c; a → d (c and d are sinks). */
const diamond = () =>
  t.spool
    .flow()
    .node("a", num.with(1))
    .node("b", num.with(2))
    .node("c", sum.with(), ["a", "b"])
    .node("d", sum.with(), ["a"]);

/** A workflow that stays pending: its first node waits an hour. */
const pending = (name = "pending") =>
  t.spool.chain(num.with(1, { delay: "1h" }), sum.with({ x: 1 })).enqueue({ name });

describe("HTTP workflows API", () => {
  it("runs on SQLite", async () => {
    expect((await t.spool.backend()).kind).toBe("sqlite");
  });

  it("GET /api/workflows/:id reads state, policy, counts and progress", async () => {
    const wf = await diamond().enqueue({ name: "diamond", policy: "continue" });
    await wf.result({ timeout: 10_000 });
    const res = await t.api(`/api/workflows/${wf.id}`, { token: READ });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: wf.id,
      name: "diamond",
      policy: "continue",
      state: "completed",
      total: 4,
      counts: { completed: 4, failed: 0, running: 0 },
      progress: { completed: 4, total: 4, percent: 100 },
    });
    expect(res.body.createdAt).toBeGreaterThan(0);
    const missing = await t.api("/api/workflows/no-such-workflow");
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({
      code: "NOT_FOUND",
      details: { kind: "workflow", id: "no-such-workflow" },
    });
  });

  it("GET /api/workflows/:id/graph gives every node and the parent → child edges", async () => {
    const wf = await diamond().enqueue({ name: "graph" });
    await wf.result({ timeout: 10_000 });
    const res = await t.api(`/api/workflows/${wf.id}/graph`, { token: READ });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: wf.id, kind: "flow", state: "completed" });
    const nodes = res.body.nodes as { node: string; jobId: string }[];
    expect(nodes.map((n) => n.node)).toEqual(["a", "b", "c", "d"]);
    expect(nodes.find((n) => n.node === "c")).toMatchObject({
      task: "wf.sum",
      state: "completed",
      attempt: 1,
      progress: { percent: 100, message: "summed" },
      error: null,
    });
    // Job ids match the library's view of the same workflow.
    const lib = await t.spool.workflow(wf.id).nodes();
    expect(nodes.map((n) => [n.node, n.jobId])).toEqual(lib.map((n) => [n.node, n.jobId]));
    const edges = (res.body.edges as { from: string; to: string }[]).map((e) => `${e.from}->${e.to}`).sort();
    expect(edges).toEqual(["a->c", "a->d", "b->c"]);
    expect((await t.api("/api/workflows/nope/graph")).status).toBe(404);
  });

  it("graph: a chord fans in, and a failed node carries its last error", async () => {
    const wf = await t.spool
      .chord([num.with(1), fail.with(null), num.with(3)], sum.with())
      .enqueue({ name: "chord-fails", policy: "failFast" });
    await expect(wf.result({ timeout: 10_000 })).rejects.toMatchObject({ code: "WORKFLOW_FAILED" });
    await waitFor(async () => (await t.api(`/api/workflows/${wf.id}`)).body.counts.running === 0);
    const res = await t.api(`/api/workflows/${wf.id}/graph`);
    expect(res.body.kind).toBe("chord");
    expect(res.body.state).toBe("failed");
    const byNode = new Map(res.body.nodes.map((n: { node: string }) => [n.node, n]));
    const failed = [...byNode.values()].find((n) => (n as { task: string }).task === "wf.fail");
    expect(failed).toMatchObject({ state: "failed", error: "node exploded" });
    const callback = res.body.nodes.at(-1);
    expect(callback).toMatchObject({ task: "wf.sum", state: "cancelled" });
    const into = res.body.edges.filter((e: { to: string }) => e.to === callback.node);
    expect(into).toHaveLength(3);
    const summary = await t.api(`/api/workflows/${wf.id}`);
    expect(summary.body).toMatchObject({ state: "failed", policy: "failFast", counts: { failed: 1 } });
  });

  it("POST /api/workflows/:id/cancel cancels every unfinished job; 409 once nothing is left", async () => {
    const wf = await pending("to-cancel");
    expect((await t.api(`/api/workflows/${wf.id}`)).body.state).toBe("running");
    const res = await t.api(`/api/workflows/${wf.id}/cancel`, {
      method: "POST",
      body: { reason: "not today" },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: wf.id,
      cancelled: 2,
      workflow: { id: wf.id, state: "cancelled", counts: { cancelled: 2 } },
    });
    const graph = await t.api(`/api/workflows/${wf.id}/graph`);
    expect(graph.body.nodes.map((n: { state: string }) => n.state)).toEqual(["cancelled", "cancelled"]);
    expect(graph.body.edges).toEqual([{ from: "0", to: "1" }]);
    const job = await t.api(`/api/jobs/${graph.body.nodes[0].jobId}`);
    expect(job.body.state).toBe("cancelled");
    await expect(wf.result({ timeout: 5_000 })).rejects.toMatchObject({ code: "WORKFLOW_CANCELLED" });
    const again = await t.api(`/api/workflows/${wf.id}/cancel`, { method: "POST" });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({
      code: "INVALID_STATE",
      details: { workflowId: wf.id, state: "cancelled", action: "cancel" },
    });
    const missing = await t.api("/api/workflows/ghost/cancel", { method: "POST" });
    expect(missing.status).toBe(404);
    const badBody = await t.api(`/api/workflows/${wf.id}/cancel`, { method: "POST", body: { why: 1 } });
    expect(badBody.status).toBe(400);
  });

  it("cancel needs an admin token, and refusals cancel nothing", async () => {
    const wf = await pending("guarded");
    const url = `/api/workflows/${wf.id}/cancel`;
    expect((await t.api(url, { method: "POST", token: null })).status).toBe(401);
    const read = await t.api(url, { method: "POST", token: READ });
    expect(read.status).toBe(403);
    expect(read.body.error.code).toBe("FORBIDDEN");
    expect(await wf.state()).toBe("running");
    expect((await wf.get()).counts.cancelled).toBe(0);
    await wf.cancel();
  });

  it("GET /api/workflows lists newest first with cursor paging", async () => {
    const created: string[] = [];
    for (let i = 0; i < 5; i++) created.push((await pending(`page-${i}`)).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: { status: number; body: { workflows: { id: string }[]; nextCursor: string | null } } =
        await t.api(`/api/workflows?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, {
          token: READ,
        });
      expect(res.status).toBe(200);
      expect(res.body.workflows.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.workflows.map((w) => w.id));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor && pages < 50);
    expect(new Set(seen).size).toBe(seen.length);
    // The five newest, newest first.
    expect(seen.slice(0, 5)).toEqual([...created].reverse());
    const all = await t.api("/api/workflows?limit=1000&order=asc");
    expect(all.body.workflows.map((w: { id: string }) => w.id)).toEqual([...seen].reverse());
    const first = all.body.workflows.find((w: { id: string }) => w.id === created[0]);
    expect(first).toMatchObject({ name: "page-0", state: "running", total: 2, progress: { percent: 0 } });
    for (const q of ["limit=0", "limit=1001", "limit=x", "order=up", "bogus=1", "cursor="]) {
      const res = await t.api(`/api/workflows?${q}`);
      expect(res.status, q).toBe(400);
      expect(res.body.error.code).toBe("INVALID_ARGUMENT");
    }
    for (const id of created) await t.spool.workflow(id).cancel();
  });

  it("streams only a workflow's job events with ?workflow=", async () => {
    const other = await pending("other");
    const wf = await t.spool
      .chain(num.with(1, { delay: "1h" }), sum.with({ y: 2 }))
      .enqueue({ name: "watched" });
    const ids = (await wf.nodes()).map((n) => n.jobId);
    const sse = new SseReader(`${t.url}/api/events?workflow=${wf.id}`);
    readers.push(sse);
    await sse.until((m) => m.some((x) => x.comment === "connected"));
    expect(sse.status).toBe(200);
    await other.cancel();
    await wf.cancel();
    await sse.until((m) =>
      ids.every((id) => m.some((x) => x.data?.jobId === id && x.data.type === "job:cancelled")),
    );
    expect(sse.events.every((x) => ids.includes(x.data.jobId))).toBe(true);
    const unknown = await fetch(`${t.url}/api/events?workflow=ghost`, {
      headers: { authorization: `Bearer ${READ}` },
    });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe("NOT_FOUND");
    const tooMany = Array.from({ length: 21 }, (_, i) => `w${i}`).join(",");
    expect((await t.api(`/api/events?workflow=${tooMany}`, { token: READ })).status).toBe(400);
  });

  it("is in the OpenAPI document", async () => {
    const doc = (await t.api("/api/openapi.json", { token: null })).body;
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        "/api/workflows",
        "/api/workflows/{id}",
        "/api/workflows/{id}/graph",
        "/api/workflows/{id}/cancel",
      ]),
    );
    expect(doc.components.schemas).toHaveProperty("WorkflowGraph");
    expect(doc.components.schemas.WorkflowGraph.properties).toHaveProperty("edges");
    expect(doc.paths["/api/workflows/{id}/cancel"].post.responses["409"]).toBeDefined();
  });
});
