/**
 * `npm run qrcards`: the whole QRCards app on one machine.
 *
 * 1. The 101 analytics databases are generated on first run (`QRCARDS_ROWS` scans per site on
 *    average, default 40,000).
 * 2. This process serves spool's HTTP API and dashboard (port `QRCARDS_API_PORT`, default 7070)
 *    and runs the scheduler (the nightly maintenance schedules).
 * 3. It starts a worker process (`spool worker --app examples/qrcards/spool-app.ts`) and the
 *    Flask app (web/app.py, port `QRCARDS_PORT`, default 5000), which talks to the API with the
 *    Python client.
 *
 * Backend: `SPOOL_URL` (default `sqlite://$QRCARDS_DIR/spool.db`; `redis://…` or
 * `postgres://…` work unchanged). Token: `SPOOL_API_TOKENS` ("admin:<secret>"), else a random
 * admin token for this run, printed for the dashboard login. Ctrl-C stops everything.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { parseTokenList, startServer } from "../../src/http/index.js";
import { createQrcardsApp } from "./spool-app.js";
import { ensureSites, SITES } from "./work/sites.js";

const root = resolve(import.meta.dirname, "../..");
const env = process.env;
const ROWS = Number(env.QRCARDS_ROWS ?? 40_000) || 40_000;
const API_PORT = Number(env.QRCARDS_API_PORT ?? 7070);
const WEB_PORT = Number(env.QRCARDS_PORT ?? 5000);
const CONCURRENCY = String(Number(env.QRCARDS_CONCURRENCY ?? 8) || 8);
const PYTHON = env.PYTHON ?? "python3";

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function main(): Promise<void> {
  const app = createQrcardsApp({ logger: { level: env.SPOOL_LOG_LEVEL ?? "warn" } });
  const { spool, paths, dir, backend } = app;
  mkdirSync(paths.logs, { recursive: true });

  const t0 = Date.now();
  let made = 0;
  ensureSites(paths.sites, ROWS, (site) => {
    made = site + 1;
    if (made % 20 === 0) process.stdout.write(`\rdatabases: ${made}/${SITES}`);
  });
  log(`\rdatabases: ${SITES} in ${paths.sites} (${Date.now() - t0} ms)`);

  let tokens = parseTokenList(env.SPOOL_API_TOKENS ?? "");
  if (tokens.length === 0) tokens = [{ token: randomBytes(18).toString("base64url"), role: "admin" }];
  const admin = tokens.find((t) => t.role === "admin");
  if (!admin) throw new Error("SPOOL_API_TOKENS needs an admin token (the Flask app enqueues jobs)");

  const server = await startServer(spool, { port: API_PORT, tokens });
  const scheduler = spool.scheduler();
  await scheduler.start();

  const children: ChildProcess[] = [];
  let stopping = false;
  const childEnv = { ...env, SPOOL_URL: backend, QRCARDS_DIR: dir };
  const workerLog = createWriteStream(join(paths.logs, "worker.log"), { flags: "a" });
  const worker = spawn(
    process.execPath,
    [
      join(root, "bin/spool.js"),
      "worker",
      "--app",
      join(root, "examples/qrcards/spool-app.ts"),
      "--concurrency",
      CONCURRENCY,
    ],
    { cwd: root, env: childEnv, stdio: ["ignore", "pipe", "pipe"] },
  );
  worker.stdout?.pipe(workerLog);
  worker.stderr?.pipe(workerLog);
  children.push(worker);

  const web = spawn(PYTHON, [join(root, "examples/qrcards/web/app.py")], {
    cwd: root,
    env: {
      ...childEnv,
      SPOOL_API_URL: server.url,
      SPOOL_API_TOKEN: admin.token,
      QRCARDS_PORT: String(WEB_PORT),
      PYTHONPATH: [join(root, "clients/python"), env.PYTHONPATH].filter(Boolean).join(":"),
      PYTHONUNBUFFERED: "1",
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(web);

  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    for (const child of children) if (child.exitCode === null) child.kill("SIGTERM");
    await Promise.all(
      children.map((c) => (c.exitCode === null ? new Promise((r) => c.once("exit", r)) : undefined)),
    );
    await scheduler.stop();
    await server.close();
    await spool.close();
    process.exit(code);
  };
  for (const child of children)
    child.once("exit", (code, signal) => {
      if (stopping) return;
      process.stderr.write(
        `error: ${child === web ? "the Flask app" : "the worker"} exited (${code ?? signal})\n`,
      );
      void stop(1);
    });
  process.once("SIGINT", () => void stop(0));
  process.once("SIGTERM", () => void stop(0));

  const webUrl = await new Promise<string>((resolveUrl, reject) => {
    const lines = createInterface({ input: web.stdout! });
    lines.on("line", (line) => {
      const m = /^QRCARDS_LISTENING (\d+)/.exec(line);
      if (m) resolveUrl(`http://127.0.0.1:${m[1]}`);
      else process.stdout.write(`[web] ${line}\n`);
    });
    web.once("exit", () => reject(new Error("the Flask app exited before it listened")));
  });
  log(`QRCards:     ${webUrl}/`);
  log(`spool API:   ${server.url}/api  (dashboard ${server.url}/; token ${admin.token})`);
  log(
    `backend:     ${backend.replace(/\/\/[^@/]*@/, "//…@")}; worker pid ${worker.pid} (log ${join(paths.logs, "worker.log")})`,
  );
  log("Ctrl-C stops everything.");
}

main().catch((err) => {
  process.stderr.write(`error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
