/**
 * The seeds' bulk QR use case: an enterprise batch of 10,000 QR codes as ONE group workflow
 * (one atomic bulk write), rendered by workers, with overall progress.
 *
 *   npx tsx examples/bulk-qr/main.ts [count]      # embedded SQLite under .spool/examples/
 *   npx tsx examples/bulk-qr/main.ts 10000 --manifest   # the group as a chord: one callback
 *                                                        # gets all 10,000 results, in order
 *   SPOOL_URL=redis://127.0.0.1:6379/0 npx tsx examples/bulk-qr/main.ts
 *
 * Each job writes its SVG under .spool/examples/bulk-qr/ and returns only { file, bytes }: results
 * stay small, so the group's result (10,000 entries) is cheap to read. Prints the time to enqueue
 * the batch and to run it.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import QRCode from "qrcode";
import { createSpool } from "../../src/index.js";

const COUNT = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 10_000);
const MANIFEST = process.argv.includes("--manifest");
const OUT = resolve(".spool/examples/bulk-qr");
rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });

const spool = createSpool({
  backend: process.env.SPOOL_URL ?? `sqlite://${resolve(".spool/examples/bulk-qr-spool.db")}`,
  logger: { level: "warn" },
});

const renderQr = spool.task({
  name: "qr.render",
  queue: "bulk",
  retry: 3,
  async run(input: { batch: string; n: number; url: string }) {
    const svg = await QRCode.toString(input.url, { type: "svg", errorCorrectionLevel: "M", margin: 1 });
    const file = join(OUT, `${input.batch}-${String(input.n).padStart(5, "0")}.svg`);
    writeFileSync(file, svg);
    return { file, bytes: svg.length };
  },
});

/** The chord callback: one manifest for the whole batch, from every result in order. */
const writeManifest = spool.task({
  name: "qr.manifest",
  queue: "bulk",
  run(results: { file: string; bytes: number }[]) {
    const file = join(OUT, "manifest.json");
    writeFileSync(file, JSON.stringify(results.map((r) => r.file)));
    return { file, count: results.length, bytes: results.reduce((sum, r) => sum + r.bytes, 0) };
  },
});

const worker = spool.worker({ queues: ["bulk"], concurrency: 32 });
await worker.start();

const batch = `acme-${Date.now()}`;
const t0 = performance.now();
const items = Array.from({ length: COUNT }, (_, n) =>
  renderQr.with({ batch, n, url: `https://qrcards.example/c/${batch}/${n}` }),
);
const options = { name: `bulk-qr:${batch}`, policy: "continue" } as const;
const wf = MANIFEST
  ? await spool.chord(items, writeManifest.with()).enqueue(options)
  : await spool.group(items).enqueue(options);
const enqueueMs = performance.now() - t0;
console.log(`enqueued ${COUNT} QR jobs as one ${MANIFEST ? "chord" : "group"} in ${enqueueMs.toFixed(0)} ms`);

let lastDecile = -1;
for await (const event of wf.events()) {
  if (event.type !== "workflow:progress") continue;
  const decile = Math.floor(event.progress.percent / 10);
  if (decile !== lastDecile) {
    lastDecile = decile;
    console.log(
      `progress ${event.progress.completed}/${event.progress.total} (${event.progress.percent}%) after ${(performance.now() - t0).toFixed(0)} ms`,
    );
  }
}
const result = await wf.result();
const runMs = performance.now() - t0;
const bytes = Array.isArray(result)
  ? (result as { bytes: number }[]).reduce((sum, r) => sum + r.bytes, 0)
  : (result as { bytes: number; count: number }).bytes;
if (!Array.isArray(result)) console.log(`manifest: ${JSON.stringify(result)}`);
console.log(
  `bulk-qr: enqueue ${COUNT} jobs in ${enqueueMs.toFixed(0)} ms; ran all in ${runMs.toFixed(0)} ms ` +
    `(${((COUNT / runMs) * 1000).toFixed(0)} QR/s, ${(bytes / 1e6).toFixed(1)} MB of SVG, backend ${(await spool.backend()).kind})`,
);
await spool.close();
