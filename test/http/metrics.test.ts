import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMetricsServer } from "../../src/http/index.js";
import { waitFor } from "../support/wait-for.js";
import { gates, startTestServer, type TestServer } from "./helpers.js";

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.close();
});

/** Parses Prometheus text into `name{labels}` → value. */
function parse(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const at = line.lastIndexOf(" ");
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

const scrape = async () => {
  const res = await t.api("/metrics");
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toContain("text/plain");
  return parse(res.body as string);
};

describe("Prometheus metrics", () => {
  it("counts enqueued, completed, failed and retried jobs by queue and task, and run times", async () => {
    const worker = t.spool.worker({ queues: ["default", "echo"] });
    await worker.start();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push((await t.api("/api/jobs", { body: { task: "add", input: { a: i, b: 1 } } })).body.id);
    ids.push((await t.api("/api/jobs", { body: { task: "echo", input: "e" } })).body.id);
    ids.push((await t.api("/api/jobs", { body: { task: "boom", input: null } })).body.id);
    // Enqueued by library code, not through HTTP: the change feed still counts it.
    const direct = await t.spool.enqueue("add", { a: 5, b: 5 }, { attempts: 1 });
    ids.push(direct.id);
    for (const id of ids) await t.api(`/api/jobs/${id}/result?wait=10s`);
    await worker.stop();
    await t.server.metrics!.flush();
    const m = await scrape();
    expect(m.get('spool_jobs_enqueued_total{queue="default",task="add"}')).toBe(4);
    expect(m.get('spool_jobs_completed_total{queue="default",task="add"}')).toBe(4);
    expect(m.get('spool_jobs_completed_total{queue="echo",task="echo"}')).toBe(1);
    expect(m.get('spool_jobs_failed_total{queue="default",task="boom"}')).toBe(1);
    expect(m.get('spool_job_run_seconds_count{queue="default",task="add",outcome="completed"}')).toBe(4);
    expect(
      m.get('spool_job_run_seconds_bucket{le="+Inf",queue="default",task="add",outcome="completed"}'),
    ).toBe(4);
    expect(m.get('spool_job_run_seconds_count{queue="default",task="boom",outcome="failed"}')).toBe(1);
    expect(m.get('spool_queue_jobs{queue="default",state="completed"}')).toBe(4);
    expect(m.get('spool_queue_jobs{queue="default",state="failed"}')).toBe(1);
  });

  it("counts retries", async () => {
    const s = await startTestServer();
    try {
      let calls = 0;
      s.spool.task({
        name: "flaky",
        retry: { attempts: 2, backoff: { type: "fixed", delay: 1 } },
        run: () => {
          if (++calls === 1) throw new Error("first try fails");
          return "ok";
        },
      });
      const worker = s.spool.worker({ queues: ["default"], pollInterval: 20 });
      await worker.start();
      const { body } = await s.api("/api/jobs", { body: { task: "flaky", input: null } });
      expect((await s.api(`/api/jobs/${body.id}/result?wait=10s`)).body.state).toBe("completed");
      await worker.stop();
      await s.server.metrics!.flush();
      const m = parse((await s.api("/metrics")).body);
      expect(m.get('spool_jobs_retried_total{queue="default",task="flaky"}')).toBe(1);
      expect(m.get('spool_jobs_completed_total{queue="default",task="flaky"}')).toBe(1);
      expect(m.get('spool_job_run_seconds_count{queue="default",task="flaky",outcome="retried"}')).toBe(1);
    } finally {
      await s.close();
    }
  });

  it("reads queue depth, oldest queued age, pause flags and worker slots on scrape", async () => {
    await t.api("/api/jobs", { body: { task: "echo", input: 1, options: { queue: "depth" } } });
    await t.api("/api/jobs", { body: { task: "echo", input: 2, options: { queue: "depth", delay: "1h" } } });
    await t.api("/api/queues/depth/pause", { method: "POST" });
    const worker = t.spool.worker({ queues: ["gated"], concurrency: 4 });
    await worker.start();
    try {
      await t.api("/api/jobs", { body: { task: "gate", input: { name: "metrics" } } });
      const m = await waitFor(
        async () => {
          const x = await scrape();
          return x.get("spool_worker_slots_busy") === 1 ? x : null;
        },
        { message: "the worker heartbeat to report a busy slot" },
      );
      expect(m.get('spool_queue_jobs{queue="depth",state="queued"}')).toBe(1);
      expect(m.get('spool_queue_jobs{queue="depth",state="scheduled"}')).toBe(1);
      expect(m.get('spool_queue_oldest_queued_age_seconds{queue="depth"}')).toBeGreaterThanOrEqual(0);
      expect(m.get('spool_queue_paused{queue="depth"}')).toBe(1);
      expect(m.get("spool_workers")).toBe(1);
      expect(m.get("spool_worker_slots_total")).toBe(4);
      expect(m.has("spool_http_event_streams")).toBe(true);
    } finally {
      gates.get("metrics")?.resolve();
      await worker.stop();
    }
  });

  it("a worker serves its own metrics, counted at the source, with startMetricsServer", async () => {
    const worker = t.spool.worker({ queues: ["echo"], concurrency: 2 });
    const server = await startMetricsServer(worker, { port: 0, processMetrics: false });
    await worker.start();
    try {
      const { body } = await t.api("/api/jobs", { body: { task: "echo", input: "w" } });
      await t.api(`/api/jobs/${body.id}/result?wait=10s`);
      const m = await waitFor(async () => {
        const x = parse(await (await fetch(server.url)).text());
        return x.get('spool_worker_jobs_finished_total{queue="echo",task="echo",outcome="completed"}') === 1
          ? x
          : null;
      });
      expect(m.get('spool_worker_jobs_started_total{queue="echo",task="echo"}')).toBe(1);
      expect(m.get('spool_worker_job_run_seconds_count{queue="echo",task="echo",outcome="completed"}')).toBe(
        1,
      );
      expect(m.get("spool_worker_concurrency")).toBe(2);
      expect(m.get("spool_worker_concurrency_in_use")).toBe(0);
      expect((await fetch(server.url.replace("/metrics", "/other"))).status).toBe(404);
    } finally {
      await worker.stop();
      await server.close();
    }
  });
});
