/**
 * HTTP API benchmark: enqueue requests/s over keep-alive from a separate process, single
 * and bulk, and enqueue → start latency measured through HTTP (POST, then the `job:started`
 * event on the SSE stream).
 *
 *   npx tsx bench/http.ts                           # SQLite temp file, N = 20,000
 *   npx tsx bench/http.ts --backend memory:// --n 50000 --concurrency 64 --bulk 100
 *
 * Two processes: this one (the client: node:http with a keep-alive agent, `concurrency`
 * requests in flight) and a server child (`--serve`: createServer + one worker on the
 * latency queue only, so throughput runs measure enqueue alone). Results as Markdown and
 * JSON (`--json PATH`).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const TOKEN = "bench-admin-token-0123456789";
const SELF = fileURLToPath(import.meta.url);

const { values: args } = parseArgs({
  options: {
    serve: { type: "boolean", default: false },
    backend: { type: "string" },
    n: { type: "string", default: "20000" },
    concurrency: { type: "string", default: "64" },
    bulk: { type: "string", default: "100" },
    samples: { type: "string", default: "300" },
    json: { type: "string" },
  },
});

// ── server child ───────────────────────────────────────────────────────────────────────

async function serve(backend: string): Promise<void> {
  const { createSpool } = await import("../src/index.js");
  const { createServer } = await import("../src/http/index.js");
  const spool = createSpool({ backend, logger: { level: "warn" } });
  spool.task({ name: "noop", queue: "tput", run: () => null });
  spool.task({ name: "lat", queue: "lat", run: () => null });
  const server = createServer(spool, {
    port: 0,
    tokens: [{ token: TOKEN, role: "admin" }],
    processMetrics: false,
    bulkLimit: 10_000,
    bodyLimit: 16 * 1024 * 1024,
  });
  const worker = spool.worker({ queues: ["lat"], concurrency: 8, pollInterval: "1s" });
  await worker.start();
  const { url } = await server.listen();
  process.stdout.write(`${JSON.stringify({ url })}\n`);
  process.on("SIGTERM", async () => {
    await server.close();
    await worker.stop();
    await spool.close();
    process.exit(0);
  });
}

// ── client ─────────────────────────────────────────────────────────────────────────────

interface Client {
  post(path: string, body: unknown): Promise<{ status: number; text: string }>;
  agent: Agent;
}

function client(base: string, concurrency: number): Client {
  const url = new URL(base);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  return {
    agent,
    post(path, body) {
      const data = Buffer.from(JSON.stringify(body));
      return new Promise((resolve, reject) => {
        const req = request(
          {
            host: url.hostname,
            port: url.port,
            path,
            method: "POST",
            agent,
            headers: {
              authorization: `Bearer ${TOKEN}`,
              "content-type": "application/json",
              "content-length": data.length,
              "x-spool-request": "1",
            },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (c: Buffer) => chunks.push(c));
            res.on("end", () =>
              resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }),
            );
            res.on("error", reject);
          },
        );
        req.on("error", reject);
        req.end(data);
      });
    },
  };
}

async function pool(total: number, concurrency: number, fn: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < total; i = next++) await fn(i);
    }),
  );
  return (performance.now() - start) / 1000;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Reads `job:started` events of the latency queue into a map id → arrival time. */
function startedStream(base: string, arrivals: Map<string, number>, waiters: Map<string, () => void>) {
  const url = new URL(`${base}/api/events?queue=lat&type=job:started`);
  const req = request({
    host: url.hostname,
    port: url.port,
    path: url.pathname + url.search,
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  let buffer = "";
  const ready = new Promise<void>((resolve) => {
    req.on("response", (res) => {
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        const now = performance.now();
        buffer += chunk;
        if (buffer.includes(": connected")) resolve();
        let end = buffer.indexOf("\n\n");
        while (end !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block.split("\n").find((l) => l.startsWith("data: "));
          if (data) {
            const id = (JSON.parse(data.slice(6)) as { jobId: string }).jobId;
            arrivals.set(id, now);
            waiters.get(id)?.();
          }
          end = buffer.indexOf("\n\n");
        }
      });
    });
  });
  req.end();
  return { ready, close: () => req.destroy() };
}

async function main(): Promise<void> {
  const n = Number(args.n);
  const concurrency = Number(args.concurrency);
  const bulk = Number(args.bulk);
  const samples = Number(args.samples);
  const tmp = mkdtempSync(join(tmpdir(), "spool-http-bench-"));
  const backend = args.backend ?? `sqlite://${join(tmp, "spool.db")}`;
  const child: ChildProcess = spawn(
    process.execPath,
    ["--import", "tsx", SELF, "--serve", "--backend", backend],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  try {
    const base = await new Promise<string>((resolve, reject) => {
      child.stdout!.setEncoding("utf8");
      child.stdout!.once("data", (line: string) => resolve((JSON.parse(line) as { url: string }).url));
      child.once("exit", (code) => reject(new Error(`server exited with ${code}`)));
    });
    const c = client(base, concurrency);
    const check = (r: { status: number; text: string }) => {
      if (r.status >= 300) throw new Error(`HTTP ${r.status}: ${r.text.slice(0, 200)}`);
    };

    // Warm-up: JIT, prepared statements, sockets.
    await pool(Math.min(2000, n), concurrency, async (i) =>
      check(await c.post("/api/jobs", { task: "noop", input: { i } })),
    );

    const singleS = await pool(n, concurrency, async (i) =>
      check(await c.post("/api/jobs", { task: "noop", input: { i } })),
    );
    const requests = Math.ceil(n / bulk);
    const bulkS = await pool(requests, Math.min(concurrency, 8), async (r) =>
      check(
        await c.post("/api/jobs/bulk", {
          jobs: Array.from({ length: bulk }, (_, k) => ({ task: "noop", input: { i: r * bulk + k } })),
        }),
      ),
    );

    // Enqueue → start through HTTP: one job at a time (idle system), POST then SSE `job:started`.
    const arrivals = new Map<string, number>();
    const waiters = new Map<string, () => void>();
    const stream = startedStream(base, arrivals, waiters);
    await stream.ready;
    const toStart: number[] = [];
    const postMs: number[] = [];
    for (let i = 0; i < samples + 20; i++) {
      const t0 = performance.now();
      const r = await c.post("/api/jobs", { task: "lat", input: { i } });
      const t1 = performance.now();
      check(r);
      const id = (JSON.parse(r.text) as { id: string }).id;
      if (!arrivals.has(id)) await new Promise<void>((resolve) => waiters.set(id, resolve));
      waiters.delete(id);
      if (i >= 20) {
        toStart.push(arrivals.get(id)! - t0);
        postMs.push(t1 - t0);
      }
    }
    stream.close();
    c.agent.destroy();

    const result = {
      backend: backend.startsWith("sqlite") ? "sqlite (temp file)" : backend,
      node: process.version,
      n,
      concurrency,
      bulk,
      single: { requestsPerS: Math.round(n / singleS), seconds: singleS },
      bulkRun: {
        requestsPerS: Math.round(requests / bulkS),
        jobsPerS: Math.round((requests * bulk) / bulkS),
        seconds: bulkS,
      },
      enqueueResponseMs: {
        p50: percentile(postMs, 50),
        p95: percentile(postMs, 95),
        p99: percentile(postMs, 99),
      },
      enqueueToStartMs: {
        p50: percentile(toStart, 50),
        p95: percentile(toStart, 95),
        p99: percentile(toStart, 99),
      },
    };
    const f = (x: number) => x.toFixed(2);
    console.log(`\n## spool HTTP API — ${result.backend}, Node ${result.node}\n`);
    console.log("| measure | value |\n|---|---|");
    console.log(
      `| single enqueue, ${concurrency} in flight, keep-alive | ${result.single.requestsPerS.toLocaleString("en")} req/s |`,
    );
    console.log(
      `| bulk enqueue (${bulk}/request, ${Math.min(concurrency, 8)} in flight) | ${result.bulkRun.requestsPerS.toLocaleString("en")} req/s = ${result.bulkRun.jobsPerS.toLocaleString("en")} jobs/s |`,
    );
    console.log(
      `| POST /api/jobs response (idle) p50 / p95 / p99 | ${f(result.enqueueResponseMs.p50)} / ${f(result.enqueueResponseMs.p95)} / ${f(result.enqueueResponseMs.p99)} ms |`,
    );
    console.log(
      `| enqueue → job:started via SSE p50 / p95 / p99 | ${f(result.enqueueToStartMs.p50)} / ${f(result.enqueueToStartMs.p95)} / ${f(result.enqueueToStartMs.p99)} ms |`,
    );
    if (args.json) writeFileSync(args.json, JSON.stringify(result, null, 2));
  } finally {
    child.kill("SIGTERM");
    await new Promise((resolve) => child.once("exit", resolve));
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (args.serve) await serve(args.backend ?? "memory://");
else await main();
