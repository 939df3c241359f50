/**
 * `npm run bench:qrcards`: the QRCards targets, measured on the running app (a benchmark, not
 * a test). Starts the whole app with main.ts (Flask + spool API + worker + scheduler) on
 * `SPOOL_URL` (default: SQLite in a fresh temp directory), then through the Flask app:
 *
 * 1. PDF order → download: `PDFS` orders of 8 cards, one after another; from the POST to the
 *    downloaded PDF (target: under 30 s).
 * 2. The analytics report over the 101 databases (`QRCARDS_ROWS` scans per site on average,
 *    default 40,000): from the POST to the result (target: under 5 minutes).
 * 3. A bulk batch of 10,000 QR codes: from the POST to the finished zip.
 * 4. While the batch runs, Flask request latency (target p99 < 50 ms): a client requests the
 *    order form (`/`, which lists recent orders through the API), an order's status
 *    (`/orders/<id>/status`, one API read) and `/healthz` (no API call) in turn, ~20 a second.
 *
 * Environment: `PDFS` (5), `BULK` (10000), `QRCARDS_ROWS`, `SPOOL_URL`, `QRCARDS_DIR` (reuse
 * a directory to skip generating the databases).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";

const root = resolve(import.meta.dirname, "../..");
const PDFS = Number(process.env.PDFS ?? 5) || 5;
const BULK = Number(process.env.BULK ?? 10_000) || 10_000;
const dir = process.env.QRCARDS_DIR ?? join(mkdtempSync(join(tmpdir(), "qrcards-bench-")), "data");

function startApp(): Promise<{ web: string; main: ChildProcess; generated: string }> {
  const main = spawn(process.execPath, ["--import", "tsx", join(root, "examples/qrcards/main.ts")], {
    cwd: root,
    env: { ...process.env, QRCARDS_DIR: dir, QRCARDS_PORT: "0", QRCARDS_API_PORT: "0" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((ok, fail) => {
    let generated = "";
    createInterface({ input: main.stdout! }).on("line", (line) => {
      const g = /databases: 101 in .* \((\d+ ms)\)/.exec(line);
      if (g) generated = g[1]!;
      const w = /^QRCards:\s+(\S+?)\/$/.exec(line);
      if (w) ok({ web: w[1]!, main, generated });
    });
    main.once("exit", (code) => fail(new Error(`main.ts exited (${code})`)));
  });
}

/** POSTs a form; returns the redirect target (the handlers answer 303 at once). */
async function post(url: string, form: Record<string, string>): Promise<string> {
  const res = await fetch(url, { method: "POST", body: new URLSearchParams(form), redirect: "manual" });
  if (res.status !== 303) throw new Error(`POST ${url}: ${res.status} ${await res.text()}`);
  return res.headers.get("location")!;
}

// biome-ignore lint/suspicious/noExplicitAny: loose JSON snapshots
async function until(url: string, done: (s: any) => boolean, everyMs = 100): Promise<any> {
  for (;;) {
    const res = await fetch(url);
    if (res.ok) {
      const snap = await res.json();
      if (done(snap)) return snap;
    }
    await sleep(everyMs);
  }
}

function pct(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

const ms = (n: number) => `${n.toFixed(n < 10 ? 1 : 0)} ms`;

async function main(): Promise<void> {
  const t0 = performance.now();
  const { web, main: app, generated } = await startApp();
  console.log(
    `app up in ${ms(performance.now() - t0)} (databases: ${generated || "reused"}); ${web}/ on ${process.env.SPOOL_URL ?? "sqlite"}`,
  );
  try {
    // 1. PDF order → download
    const pdfTimes: number[] = [];
    let lastOrder = "";
    for (let i = 0; i < PDFS; i++) {
      const start = performance.now();
      const page = await post(`${web}/orders`, {
        customer: `Bench ${i}`,
        template: "classic",
        count: "8",
        idem: randomUUID().replace(/-/g, ""),
      });
      lastOrder = page.split("/").pop()!;
      await until(`${web}/orders/${lastOrder}/status`, (s) => s.done);
      const pdf = await fetch(`${web}/orders/${lastOrder}/pdf`);
      const bytes = (await pdf.arrayBuffer()).byteLength;
      if (!pdf.ok || bytes < 1000) throw new Error(`PDF download: ${pdf.status}, ${bytes} bytes`);
      pdfTimes.push(performance.now() - start);
    }
    console.log(
      `PDF order -> download (8 cards): median ${ms(pct(pdfTimes, 50))}, max ${ms(Math.max(...pdfTimes))} (${PDFS} orders)`,
    );

    // 2. analytics over 101 databases
    let start = performance.now();
    const report = (await post(`${web}/analytics`, { idem: randomUUID().replace(/-/g, "") }))
      .split("/")
      .pop()!;
    const stream = await fetch(`${web}/analytics/${report}/events`);
    const text = await stream.text(); // the stream ends with the final snapshot
    const last = JSON.parse(
      text
        .trim()
        .split("\n")
        .filter((l) => l.startsWith("data: "))
        .pop()!
        .slice(6),
    );
    if (!last.report) throw new Error(`report did not complete: ${last.state}`);
    console.log(
      `analytics over 101 databases: ${ms(performance.now() - start)} (${last.report.scans.toLocaleString("en")} scans)`,
    );

    // 3 + 4. bulk batch, with request latency measured meanwhile
    start = performance.now();
    const batch = (await post(`${web}/bulk`, { count: String(BULK), idem: randomUUID().replace(/-/g, "") }))
      .split("/")
      .pop()!;
    const latency: Record<string, number[]> = { "/": [], "/orders/<id>/status": [], "/healthz": [] };
    let running = true;
    const prober = (async () => {
      const routes: [string, string][] = [
        ["/", `${web}/`],
        ["/orders/<id>/status", `${web}/orders/${lastOrder}/status`],
        ["/healthz", `${web}/healthz`],
      ];
      for (let i = 0; running; i++) {
        const [name, url] = routes[i % routes.length]!;
        const t = performance.now();
        const res = await fetch(url);
        await res.arrayBuffer();
        if (!res.ok) throw new Error(`${name}: ${res.status}`);
        latency[name]!.push(performance.now() - t);
        await sleep(50);
      }
    })();
    const done = await until(`${web}/bulk/${batch}/status`, (s) => s.done, 250);
    running = false;
    await prober;
    const zip = await fetch(`${web}/bulk/${batch}/zip`);
    const zipBytes = (await zip.arrayBuffer()).byteLength;
    console.log(
      `bulk ${BULK.toLocaleString("en")} QR codes (${done.total} jobs) -> zip: ${ms(performance.now() - start)} ` +
        `(state ${done.state}, zip ${(zipBytes / 1e6).toFixed(1)} MB)`,
    );
    const all = Object.values(latency).flat();
    for (const [name, values] of Object.entries(latency))
      console.log(
        `  Flask ${name.padEnd(20)} p50 ${ms(pct(values, 50))}  p99 ${ms(pct(values, 99))}  (${values.length} requests during the batch)`,
      );
    console.log(
      `  Flask, all requests      p50 ${ms(pct(all, 50))}  p99 ${ms(pct(all, 99))}  max ${ms(Math.max(...all))}`,
    );
  } finally {
    app.kill("SIGTERM");
    await new Promise((r) => app.once("exit", r));
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
