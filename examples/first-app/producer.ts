import { renderPdf, spool } from "./app.js";

// Enqueue (e.g. in a web request handler): the job is stored before this resolves.
const job = await renderPdf.enqueue({ templateId: "t1" }, { priority: 5 });
console.log(`enqueued ${job.id}`);

// Watch it live (progress, retries …) while waiting for the typed result: { url: string }.
const watching = (async () => {
  for await (const e of job.events()) console.log(`event: ${e.type}`, e.data ?? "");
})();
const out = await job.result({ timeout: "1m" });
await watching; // the stream ends after the job's final event
console.log(`result: ${out.url}`);
await spool.close();
