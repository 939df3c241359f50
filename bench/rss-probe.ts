/**
 * A process that loads spool one step further per stage, for the breakdown of bench/rss-idle.ts
 * (forked with an IPC channel, as bench/worker-entry.ts is). argv[2] is JSON `{ stage, url }`:
 *
 * - node: nothing (Node with its IPC channel);
 * - pino: `import("pino")` alone (the logger spool uses);
 * - better-sqlite3: better-sqlite3 alone, the store's file opened in WAL mode and one query run
 *   (what any SQLite-backed Node process pays; `url` is a sqlite:// URL);
 * - spool: `import` of spool's entry point (the modules it loads at import);
 * - store: + `createSpool({ backend: url })` and `spool.backend()` (opened and migrated);
 * - worker: + one task and `spool.worker({ concurrency: 50 }).start()` (what bench/worker-entry.ts runs).
 *
 * Reports `{ ev: "ready" }`, answers "mem" like the worker entry, and exits on "stop".
 */
import { memReport } from "./harness/mem-report.js";
import { type FromWorker, PROBE_STAGES, type ProbeStage, type ToWorker } from "./harness/protocol.js";

function send(m: FromWorker): void {
  process.send?.(m);
}

let close: () => Promise<void> = async () => {};

process.on("message", (m: ToWorker) => {
  if (m.cmd === "mem") void memReport().then(send);
  if (m.cmd === "stop")
    void close().finally(() => {
      send({ ev: "stopped", handled: 0, unfinished: null });
      setTimeout(() => process.exit(0), 50);
    });
});
process.on("disconnect", () => process.exit(0));

async function main(): Promise<void> {
  const { stage, url } = JSON.parse(process.argv[2] ?? "{}") as { stage: ProbeStage; url: string };
  const depth = PROBE_STAGES.indexOf(stage);
  if (depth < 0) throw new Error(`unknown stage ${stage}`);
  if (stage === "pino") await import("pino");
  if (stage === "better-sqlite3") {
    const Database = (await import("better-sqlite3")).default;
    const db = new Database(url.slice("sqlite://".length));
    db.pragma("journal_mode = WAL");
    db.prepare("SELECT count(*) FROM sqlite_master").get();
    close = async () => {
      db.close();
    };
  }
  if (depth >= PROBE_STAGES.indexOf("spool")) {
    const { createSpool } = await import("../src/index.js");
    if (depth >= PROBE_STAGES.indexOf("store")) {
      const spool = createSpool({ backend: url, logger: { level: "warn" } });
      close = () => spool.close();
      await spool.backend();
      if (stage === "worker") {
        spool.task({ name: "bench.noop", run(): void {} });
        await spool.worker({ concurrency: 50 }).start();
      }
    }
  }
  send({ ev: "ready", t: Date.now() });
}

main().catch((err: unknown) => {
  send({ ev: "error", message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  setTimeout(() => process.exit(1), 50);
});
