/**
 * A worker's own Prometheus endpoint: `startMetricsServer(worker, { port })` serves
 * `GET /metrics` from a plain `node:http` server (no Hono, no auth: it binds to loopback by
 * default; put it behind your network policy if you bind elsewhere).
 *
 * Unlike the API server's feed-based counters, these are counted **at the source** from the
 * worker's own events, so they carry the task label for free and cover exactly this
 * worker's attempts: sum them across workers.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { LeasedJob } from "../core/types.js";
import type { Worker } from "../worker/worker.js";
import { RUN_TIME_BUCKETS } from "./metrics.js";

export interface MetricsServerOptions {
  /** Port for `/metrics`; 0 picks a free one. */
  port: number;
  /** Default "127.0.0.1". */
  host?: string;
  /** Also collect prom-client's default process metrics. Default true. */
  processMetrics?: boolean;
}

export interface MetricsServer {
  readonly registry: Registry;
  readonly url: string;
  close(): Promise<void>;
}

/** Registers the worker's metrics in `registry` and keeps them current until the worker stops. */
export function instrumentWorker(worker: Worker, registry: Registry): () => void {
  const registers = [registry];
  const labelNames = ["queue", "task"] as const;
  const started = new Counter({
    name: "spool_worker_jobs_started_total",
    help: "Attempts started",
    labelNames,
    registers,
  });
  const finished = new Counter({
    name: "spool_worker_jobs_finished_total",
    help: "Attempts finished, by outcome (completed, retried, failed, refused)",
    labelNames: [...labelNames, "outcome"] as const,
    registers,
  });
  const runTime = new Histogram({
    name: "spool_worker_job_run_seconds",
    help: "Run time of one attempt in this worker, from claim to stored outcome",
    labelNames: [...labelNames, "outcome"] as const,
    buckets: RUN_TIME_BUCKETS,
    registers,
  });
  new Gauge({
    name: "spool_worker_concurrency_in_use",
    help: "Slots busy (jobs held) in this worker",
    registers,
    collect() {
      this.set(worker.activeCount);
    },
  });
  new Gauge({
    name: "spool_worker_concurrency",
    help: "Slots configured in this worker",
    registers,
    collect() {
      this.set(worker.concurrency);
    },
  });

  const running = new Map<string, { job: LeasedJob; at: number }>();
  const onStarted = (job: LeasedJob) => {
    running.set(job.id, { job, at: performance.now() });
    started.inc({ queue: job.queue, task: job.task });
  };
  const finish = (outcome: string) => (id: string) => {
    const r = running.get(id);
    if (!r) return;
    running.delete(id);
    const labels = { queue: r.job.queue, task: r.job.task, outcome };
    finished.inc(labels);
    runTime.observe(labels, (performance.now() - r.at) / 1000);
  };
  const handlers = {
    "job:completed": finish("completed"),
    "job:retried": finish("retried"),
    "job:failed": finish("failed"),
    "job:refused": finish("refused"),
  } as const;
  const onLost = (id: string) => running.delete(id);
  const onReleased = (ids: string[]) => {
    for (const id of ids) running.delete(id);
  };
  worker.on("job:started", onStarted);
  for (const [event, handler] of Object.entries(handlers)) worker.on(event as keyof typeof handlers, handler);
  worker.on("lease:lost", onLost);
  worker.on("jobs:released", onReleased);
  return () => {
    worker.off("job:started", onStarted);
    for (const [event, handler] of Object.entries(handlers))
      worker.off(event as keyof typeof handlers, handler);
    worker.off("lease:lost", onLost);
    worker.off("jobs:released", onReleased);
  };
}

/**
 * @example
 * const worker = spool.worker({ concurrency: 16 });
 * const metrics = await startMetricsServer(worker, { port: 9464 });
 * await worker.start();
 */
export async function startMetricsServer(
  worker: Worker,
  options: MetricsServerOptions,
): Promise<MetricsServer> {
  const registry = new Registry();
  const detach = instrumentWorker(worker, registry);
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: "spool_worker_" });
  const server: Server = createServer((req, res) => {
    if (req.method !== "GET" || (req.url ?? "").split("?")[0] !== "/metrics") {
      res.writeHead(404, { "Content-Type": "text/plain" }).end("not found\n");
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { "Content-Type": registry.contentType }).end(text),
      () => res.writeHead(500).end(),
    );
  });
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const close = () =>
    new Promise<void>((resolve) => {
      detach();
      server.close(() => resolve());
      server.closeAllConnections();
    });
  worker.once("worker:stopped", () => void close());
  return { registry, url: `http://${host}:${port}/metrics`, close };
}
