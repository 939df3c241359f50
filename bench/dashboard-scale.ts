/**
 * Dashboard at scale: with `--jobs` retained jobs (default 1,000,000) in a SQLite store, how
 * fast does the HTTP API the dashboard uses answer? p50/p95 of the jobs list, filtered lists,
 * a cursor's next page, text searches (rare word in the input, a word in error messages, a
 * common word), the overview's calls, and the overview's load in real Chromium (login page to
 * the counts on screen, as the page's own User Timing mark and as the driver sees it). Also how
 * long seeding and search indexing took.
 *
 *   npx tsx bench/dashboard-scale.ts [--jobs 1000000] [--calls 40] [--json PATH] [--no-browser]
 *   npx tsx bench/dashboard-scale.ts --backend 'redis://127.0.0.1:6379/13?prefix=bench-dash' --jobs 100000
 *   npx tsx bench/dashboard-scale.ts --store /tmp/dash-1m.db   # seed once, measure again later
 *   npx tsx bench/dashboard-scale.ts --seed sql --store /tmp/dash-1m.db   # SQLite: seed by SQL (minutes)
 *
 * Without --backend: a temporary SQLite file, or the file `--store` names: seeded when it does
 * not exist, then kept and measured as it is on the next runs (seeding a million jobs takes
 * minutes). A Redis store under the given prefix is emptied (its keys deleted) before and after
 * the run, unless `--keep` (then an existing store under the prefix is measured as it is).
 *
 * A benchmark, not a test: it prints a Markdown table (progress on stderr). Figures depend on the
 * machine and its load; say which when quoting them.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createBackend } from "../src/backend/create-backend.js";
import { newJobId } from "../src/core/ids.js";
import { createServer } from "../src/http/index.js";
import { createSpool } from "../src/index.js";
import { claimAndFinish } from "./harness/finish.js";
import { sqlSeedDashboard } from "./harness/sql-seed.js";
import { percentile } from "./harness/stats.js";

const { values: args } = parseArgs({
  options: {
    jobs: { type: "string", default: "1000000" },
    calls: { type: "string", default: "40" },
    json: { type: "string" },
    backend: { type: "string" },
    store: { type: "string" },
    keep: { type: "boolean", default: false },
    "no-browser": { type: "boolean", default: false },
    seed: { type: "string", default: "api" },
  },
});
const JOBS = Number(args.jobs);
const CALLS = Number(args.calls);
const TOKEN = "bench-dashboard-token-0123456789";
const CHUNK = 10_000;
/** Jobs per enqueue call while seeding (each a few ms of Redis time). */
const ENQUEUE_CALL = 250;
const TASKS = ["invoice.render", "mail.send", "report.build", "image.resize"] as const;
const QUEUES = ["billing", "mail", "reports", "images"] as const;
const CUSTOMERS = ["acme", "globex", "initech", "umbrella", "hooli", "stark", "wayne", "wonka"];
/** One job in RARE_EVERY carries the word "zanzibar" in its input. */
const RARE_EVERY = 100_000;
/** Cold loads of the overview measured (reloads; the assets come from the browser's cache, as they would). */
const OVERVIEW_LOADS = 10;

const log = (s: string) => process.stderr.write(`${s}\n`);

async function seed(url: string): Promise<number> {
  const backend = await createBackend(url);
  const t0 = performance.now();
  const now = Date.now();
  try {
    for (let i = 0; i < JOBS; i += CHUNK) {
      const k = Math.min(CHUNK, JOBS - i);
      const jobs = Array.from({ length: k }, (_, j) => {
        const n = i + j;
        const customer = n % RARE_EVERY === 4_242 ? "zanzibar" : CUSTOMERS[n % CUSTOMERS.length]!;
        return {
          id: newJobId(),
          task: TASKS[n % TASKS.length]!,
          queue: QUEUES[n % QUEUES.length]!,
          input: JSON.stringify({ customer, invoice: `INV-${n}`, amount: (n * 37) % 10_000 }),
          priority: 0,
          runAt: now,
          maxAttempts: 1,
          key: null,
          meta: {},
          dependsOn: [],
          leaseMs: null,
          timeoutMs: null,
        };
      });
      // Enqueue calls of ENQUEUE_CALL jobs, a few in flight: one call of 10,000 held Redis ~0.5 s.
      const calls: Promise<unknown>[] = [];
      for (let c = 0; c < jobs.length; c += ENQUEUE_CALL)
        calls.push(backend.jobEnqueue({ jobs: jobs.slice(c, c + ENQUEUE_CALL) }));
      await Promise.all(calls);
      // 90% completed, 5% failed, 5% left queued: claimed and finished in small calls.
      await claimAndFinish(backend, {
        queues: QUEUES,
        count: Math.floor(k * 0.95),
        workerId: "seed",
        fails: (n) => n % 19 === 7,
        result: '{"ok":true,"pages":3}',
        error: () => ({ message: "printer on fire: paper jam", at: now }),
      });
      if ((i / CHUNK) % 10 === 0) log(`  seeded ${i + k} / ${JOBS}`);
    }
  } finally {
    await backend.close();
  }
  return performance.now() - t0;
}

/** Deletes the keys of a Redis store (its prefix only); nothing for other URLs. */
async function clearRedis(url: string): Promise<void> {
  if (!url.startsWith("redis")) return;
  const { Redis } = await import("ioredis");
  const parsed = new URL(url);
  const prefix = parsed.searchParams.get("prefix") ?? "spool";
  parsed.search = "";
  const redis = new Redis(parsed.toString());
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `{${prefix}}:*`, "COUNT", 5000);
      cursor = next;
      if (keys.length) await redis.unlink(...keys);
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
}

/** Whether a Redis store under the URL's prefix already holds jobs (a kept store to measure again). */
async function redisHasJobs(url: string): Promise<boolean> {
  if (!url.startsWith("redis")) return false;
  const { Redis } = await import("ioredis");
  const parsed = new URL(url);
  const prefix = parsed.searchParams.get("prefix") ?? "spool";
  parsed.search = "";
  const redis = new Redis(parsed.toString());
  try {
    return (await redis.zcard(`{${prefix}}:jobs`)) > 0;
  } finally {
    redis.disconnect();
  }
}

async function timed(n: number, call: () => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  await call(); // warm
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await call();
    times.push(performance.now() - t);
  }
  return { p50: percentile(times, 50), p95: percentile(times, 95) };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "spool-dash-scale-"));
  const url = args.backend ?? `sqlite://${args.store ?? join(dir, "spool.db")}`;
  const keep = args.keep || args.store !== undefined;
  const reuse = args.store !== undefined ? existsSync(args.store) : args.keep && (await redisHasJobs(url));
  if (!reuse) await clearRedis(url);
  const out: Record<string, unknown> = {
    jobs: JOBS,
    machine: { cpus: cpus().length, model: cpus()[0]?.model, loadavg: loadavg() },
  };
  try {
    if (reuse) log(`measuring the existing store ${url} (not seeded again)`);
    else {
      log(`seeding ${JOBS} jobs into ${url}`);
      if (args.seed === "sql" && url.startsWith("sqlite://")) {
        // The same store by INSERT … SELECT (harness/sql-seed.ts); the search index catches up below.
        const t0 = performance.now();
        await sqlSeedDashboard(
          url.slice("sqlite://".length),
          JOBS,
          { tasks: TASKS, queues: QUEUES, customers: CUSTOMERS, rareEvery: RARE_EVERY },
          log,
        );
        out.seedMs = performance.now() - t0;
        out.seededBy = "sql";
      } else out.seedMs = await seed(url);
    }
    const spool = createSpool({ backend: url, logger: { level: "warn" } });
    const backend = (await spool.backend()) as { searchCatchUp?: () => Promise<number> };
    let t = performance.now();
    if (backend.searchCatchUp) {
      log("indexing for text search");
      await backend.searchCatchUp();
      out.indexMs = performance.now() - t;
    }
    const server = createServer(spool, {
      port: 0,
      tokens: [{ token: TOKEN, role: "admin", name: "bench" }],
      processMetrics: false,
    });
    const base = (await server.listen()).url;
    const get = async (path: string) => {
      const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
      if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as { jobs?: { id: string; createdAt: number }[]; nextCursor?: string | null };
    };
    const first = await get("/api/jobs?limit=50");
    // "The last hour" of the store's own newest job: a kept store measured hours later still has
    // an hour of jobs in the window (Date.now() would leave it empty).
    const newest = first.jobs?.[0]?.createdAt ?? Date.now();
    // The middle of the store's time span: a time range there, and a cursor there (a deep page:
    // half the store lies before it in the default newest-first order).
    const oldest = (await get("/api/jobs?limit=1&order=asc")).jobs?.[0]?.createdAt ?? newest;
    const mid = Math.round((oldest + newest) / 2);
    const span = Math.max(1, newest - oldest);
    const window = (share: number) =>
      `createdAfter=${Math.round(mid - (span * share) / 2)}&createdBefore=${Math.round(mid + (span * share) / 2)}`;
    const deep = (await get(`/api/jobs?limit=50&createdBefore=${mid}`)).nextCursor ?? "";
    const calls: [string, string][] = [
      ["jobs list, newest 50", "/api/jobs?limit=50"],
      ["next page (cursor)", `/api/jobs?limit=50&cursor=${encodeURIComponent(first.nextCursor ?? "")}`],
      ["state=failed", "/api/jobs?state=failed&limit=50"],
      ["task + state", "/api/jobs?task=report.build&state=completed&limit=50"],
      [
        "queue + created in the last hour",
        `/api/jobs?queue=mail&createdAfter=${newest - 3_600_000}&limit=50`,
      ],
      ["created in 1% of the time span, mid-store", `/api/jobs?${window(0.01)}&limit=50`],
      ["created in 20% of the span, mid-store", `/api/jobs?${window(0.2)}&limit=50`],
      ["state=failed + created in 10% of the span", `/api/jobs?state=failed&${window(0.1)}&limit=50`],
      [
        "queue + created in 10% of the span, oldest first",
        `/api/jobs?queue=mail&${window(0.1)}&order=asc&limit=50`,
      ],
      ["deep page (cursor mid-store)", `/api/jobs?limit=50&cursor=${encodeURIComponent(deep)}`],
      ["deep page, state=completed", `/api/jobs?state=completed&limit=50&cursor=${encodeURIComponent(deep)}`],
      ["search: rare word in the input", "/api/jobs?q=zanzibar&limit=50"],
      ["search: invoice number", `/api/jobs?q=INV-${Math.floor(JOBS / 2)}%22&limit=50`],
      ["search: word in error messages", "/api/jobs?q=paper%20jam&limit=50"],
      ["search: common word", "/api/jobs?q=globex&limit=50"],
      ["search: rare word + state=completed", "/api/jobs?q=zanzibar&state=completed&limit=50"],
      ["overview: /api/queues", "/api/queues"],
      ["overview: /api/workers", "/api/workers"],
    ];
    const rows: Record<string, { p50: number; p95: number; hits: number }> = {};
    for (const [name, path] of calls) {
      log(`  ${name}`);
      const hits = (await get(path)).jobs?.length ?? 0;
      rows[name] = { ...(await timed(CALLS, () => get(path))), hits };
    }
    out.api = rows;
    if (!args["no-browser"]) {
      const { chromium } = await import("playwright-core");
      const browser = await chromium.launch({
        executablePath: process.env.SPOOL_TEST_CHROMIUM ?? "/usr/bin/chromium",
        headless: true,
        args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"],
      });
      try {
        const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
        await page.goto(base);
        await page.getByLabel("API token").fill(TOKEN);
        await page.getByRole("button", { name: "Sign in" }).click();
        await page.locator(".tile-value").first().waitFor({ timeout: 60_000 });
        await page.goto(`${base}/#/`);
        // The counts on screen: the completed tile holds a number (it shows "…" until then).
        const counts = page.locator(".state-completed .tile-value", { hasText: /\d/ });
        await counts.waitFor({ timeout: 60_000 });
        const loads: number[] = [];
        const inPage: number[] = [];
        for (let i = 0; i < OVERVIEW_LOADS; i++) {
          t = performance.now();
          await page.reload();
          await counts.waitFor({ timeout: 60_000 });
          loads.push(performance.now() - t);
          // Navigation start to the counts on screen, as the page measured it (the overview sets
          // the mark once its counts rendered): what a user waits, without the driver's own overhead.
          inPage.push(
            await page.evaluate<number>(
              `performance.getEntriesByName("spool:overview-counts")[0]?.startTime ?? Number.NaN`,
            ),
          );
        }
        out.overviewLoadMs = { p50: percentile(loads, 50), max: Math.max(...loads) };
        out.overviewInPageMs = { p50: percentile(inPage, 50), p95: percentile(inPage, 95) };
        t = performance.now();
        await page.goto(`${base}/#/jobs?search=zanzibar`);
        await page.locator("tr[data-job]").first().waitFor({ timeout: 60_000 });
        out.searchPageMs = performance.now() - t;
      } catch (err) {
        // The API figures above still stand; say what failed instead of losing them.
        out.browserError = String(err).split("\n")[0];
        log(`browser part failed: ${out.browserError}`);
      } finally {
        await browser.close();
      }
    }
    await server.close();
    await spool.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
    if (!keep) await clearRedis(url);
  }
  const api = out.api as Record<string, { p50: number; p95: number; hits: number }>;
  const f = (v: number) => `${v.toFixed(1)} ms`;
  const lines = [
    `Dashboard API at ${JOBS.toLocaleString("en-US")} retained jobs (${url.split(":")[0]}, ${CALLS} calls each)`,
    "",
    "| call | p50 | p95 | rows |",
    "|---|---:|---:|---:|",
    ...Object.entries(api).map(([name, r]) => `| ${name} | ${f(r.p50)} | ${f(r.p95)} | ${r.hits} |`),
    "",
    `Seeding${out.seededBy === "sql" ? " (by SQL)" : ""}: ${out.seedMs === undefined ? "reused store" : `${((out.seedMs as number) / 1000).toFixed(0)} s`}${out.indexMs === undefined ? "" : `; search index catch-up: ${((out.indexMs as number) / 1000).toFixed(0)} s`}.`,
  ];
  const load = out.overviewLoadMs as { p50: number; max: number } | undefined;
  const inPage = out.overviewInPageMs as { p50: number; p95: number } | undefined;
  if (load && inPage)
    lines.push(
      `Overview in Chromium, navigation start to the counts on screen (the page's own mark, ${OVERVIEW_LOADS} reloads): p50 ${f(inPage.p50)}, p95 ${f(inPage.p95)}; reload to counts as the driver sees it: p50 ${f(load.p50)}, max ${f(load.max)}${out.searchPageMs === undefined ? "" : `; jobs page with a search: ${f(out.searchPageMs as number)}`}.`,
    );
  if (out.browserError) lines.push(`Overview in Chromium: not measured (${out.browserError}).`);
  lines.push(
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? "?"}, load average at start ${(out.machine as { loadavg: number[] }).loadavg.map((v) => v.toFixed(1)).join(" / ")}.`,
  );
  process.stdout.write(`${lines.join("\n")}\n`);
  if (args.json) writeFileSync(args.json, JSON.stringify(out, null, 2));
}

await main();
