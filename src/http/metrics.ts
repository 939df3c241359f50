/**
 * Prometheus metrics of the server process, in their own prom-client `Registry`.
 *
 * Where each number comes from:
 * - Job counters (`spool_jobs_{enqueued,completed,failed,retried,cancelled}_total`) and the
 *   run-time histogram are counted from the **change feed**, so they cover every process
 *   sharing the backend (web apps, CLIs, workers), not only calls made through this server.
 *   Feed events carry the queue but not the task, so the task label comes from a bounded
 *   id → task cache, filled by one `jobGetMany` per feed batch for ids not seen before
 *   (each job is looked up about once). Several servers each count every event: aggregate
 *   with `max by (queue, task)`, not `sum`.
 * - The run-time histogram measures `job:started` → `job:completed|failed|retried` (feed
 *   timestamps); attempts that started before this server did are not observed.
 * - Queue depth per state, age of the oldest queued job and paused flags are read on scrape
 *   from `backend.queueList()`; worker slots from `backend.workerList()` (one call each per
 *   scrape, shared by the gauges).
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { Backend, BackendEvent, QueueInfo, WorkerInfo } from "../backend/backend.js";
import { JOB_STATES } from "../core/types.js";
import type { HubEvent } from "./events/hub.js";

export const RUN_TIME_BUCKETS = [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800];
/** Jobs whose task name is remembered for labels (about 100 B each). */
export const TASK_CACHE_MAX = 100_000;
const LOOKUP_CHUNK = 500;
const SNAPSHOT_TTL_MS = 500;

const COUNTED = {
  "job:enqueued": "enqueued",
  "job:completed": "completed",
  "job:failed": "failed",
  "job:retried": "retried",
  "job:cancelled": "cancelled",
} as const;
const FINAL = new Set(["job:completed", "job:failed", "job:cancelled", "job:removed"]);

export class ServerMetrics {
  readonly registry = new Registry();
  private readonly counters: Record<(typeof COUNTED)[keyof typeof COUNTED], Counter<"queue" | "task">>;
  private readonly runTime: Histogram<"queue" | "task" | "outcome">;
  private readonly tasks = new Map<string, string>();
  private readonly started = new Map<string, number>();
  private chain: Promise<void> = Promise.resolve();
  private snapshot: { at: number; data: Promise<{ queues: QueueInfo[]; workers: WorkerInfo[] }> } | null =
    null;

  constructor(
    private readonly backend: () => Promise<Backend>,
    options: { processMetrics: boolean; sseClients: () => number; now: () => number },
  ) {
    const registers = [this.registry];
    const counter = (what: string) =>
      new Counter({
        name: `spool_jobs_${what}_total`,
        help: `Jobs ${what}, counted from the backend change feed`,
        labelNames: ["queue", "task"] as const,
        registers,
      });
    this.counters = {
      enqueued: counter("enqueued"),
      completed: counter("completed"),
      failed: counter("failed"),
      retried: counter("retried"),
      cancelled: counter("cancelled"),
    };
    this.runTime = new Histogram({
      name: "spool_job_run_seconds",
      help: "Run time of one attempt (started → completed, failed or retried), from the change feed",
      labelNames: ["queue", "task", "outcome"] as const,
      buckets: RUN_TIME_BUCKETS,
      registers,
    });
    const load = () => this.load();
    new Gauge({
      name: "spool_queue_jobs",
      help: "Jobs per queue and state (read on scrape)",
      labelNames: ["queue", "state"] as const,
      registers,
      async collect() {
        this.reset();
        for (const q of (await load()).queues)
          for (const state of JOB_STATES) this.set({ queue: q.name, state }, q.counts[state]);
      },
    });
    new Gauge({
      name: "spool_queue_oldest_queued_age_seconds",
      help: "Age of the oldest queued job per queue (0 when none is queued)",
      labelNames: ["queue"] as const,
      registers,
      collect: async function (this: Gauge<"queue">) {
        this.reset();
        const now = options.now();
        for (const q of (await load()).queues)
          this.set(
            { queue: q.name },
            q.oldestQueuedAt === null ? 0 : Math.max(0, now - q.oldestQueuedAt) / 1000,
          );
      },
    });
    new Gauge({
      name: "spool_queue_paused",
      help: "1 when the queue is paused",
      labelNames: ["queue"] as const,
      registers,
      async collect() {
        this.reset();
        for (const q of (await load()).queues) this.set({ queue: q.name }, q.paused ? 1 : 0);
      },
    });
    new Gauge({
      name: "spool_workers",
      help: "Workers alive (heartbeat within their ttl)",
      registers,
      async collect() {
        this.set((await load()).workers.length);
      },
    });
    new Gauge({
      name: "spool_worker_slots_busy",
      help: "Concurrency in use: running jobs summed over live workers",
      registers,
      async collect() {
        this.set((await load()).workers.reduce((n, w) => n + w.running.length, 0));
      },
    });
    new Gauge({
      name: "spool_worker_slots_total",
      help: "Concurrency configured, summed over live workers",
      registers,
      async collect() {
        this.set((await load()).workers.reduce((n, w) => n + w.concurrency, 0));
      },
    });
    new Gauge({
      name: "spool_http_event_streams",
      help: "Open Server-Sent Events streams",
      registers,
      collect() {
        this.set(options.sseClients());
      },
    });
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry, prefix: "spool_server_" });
  }

  /** Feed consumer: counting waits for task names, so it runs on its own ordered chain. */
  record(batch: readonly HubEvent[]): void {
    const events = batch.map((b) => b.event);
    this.chain = this.chain.then(() => this.count(events)).catch(() => {});
  }

  /** Remembers names the server already knows (its own enqueues) to save lookups. */
  rememberTask(id: string, task: string): void {
    if (this.tasks.size < TASK_CACHE_MAX) this.tasks.set(id, task);
  }

  /** Resolves when every event recorded so far is counted (tests). */
  flush(): Promise<void> {
    return this.chain;
  }

  async text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private load() {
    const now = Date.now();
    if (!this.snapshot || now - this.snapshot.at > SNAPSHOT_TTL_MS) {
      const data = this.backend()
        .then((b) => Promise.all([b.queueList(), b.workerList()]))
        .then(([queues, workers]) => ({ queues, workers }));
      data.catch(() => {});
      this.snapshot = { at: now, data };
    }
    return this.snapshot.data;
  }

  private async count(events: readonly BackendEvent[]): Promise<void> {
    const missing = new Set<string>();
    for (const e of events)
      if (e.jobId && !this.tasks.has(e.jobId) && e.type in COUNTED) missing.add(e.jobId);
    if (missing.size > 0) await this.lookup([...missing]);
    for (const e of events) {
      if (!e.jobId) continue;
      const task = this.tasks.get(e.jobId) ?? "unknown";
      const what = COUNTED[e.type as keyof typeof COUNTED];
      if (what) this.counters[what].inc({ queue: e.queue, task });
      if (e.type === "job:started") {
        if (this.started.size < TASK_CACHE_MAX) this.started.set(e.jobId, e.at);
      } else if (e.type === "job:completed" || e.type === "job:failed" || e.type === "job:retried") {
        const at = this.started.get(e.jobId);
        if (at !== undefined) {
          this.started.delete(e.jobId);
          this.runTime.observe(
            { queue: e.queue, task, outcome: e.type.slice(4) },
            Math.max(0, e.at - at) / 1000,
          );
        }
      } else if (e.type === "job:released" || e.type === "job:rescued") {
        this.started.delete(e.jobId);
      }
      if (FINAL.has(e.type)) {
        this.tasks.delete(e.jobId);
        this.started.delete(e.jobId);
      }
    }
  }

  private async lookup(ids: string[]): Promise<void> {
    for (let i = 0; i < ids.length; i += LOOKUP_CHUNK) {
      try {
        const jobs = await (await this.backend()).jobGetMany({ ids: ids.slice(i, i + LOOKUP_CHUNK) });
        for (const j of jobs) this.rememberTask(j.id, j.task);
      } catch {
        // Backend unavailable: these events are labelled task="unknown".
      }
    }
  }
}
