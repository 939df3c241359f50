/**
 * The package as a user gets it: `npm pack` in this repository (which builds it through the
 * `prepack` script), then the README's "A first app" commands run verbatim in a fresh
 * directory next to the tarball, with the files of examples/first-app. Then, in that project:
 * the worker and producer commands as printed, `tsc --strict` over the app and a consumer of
 * every subpath, a plain `.js` app through `--app`, and `npx spool --help`.
 *
 * Slow by nature: npm resolves from the registry and better-sqlite3 compiles from source when
 * no prebuilt binary can be downloaded (about 3 minutes on 2 cores). npm's cache is the user's
 * own (~/.npm), so later runs reuse it. The install runs once, in `beforeAll`, with its own
 * generous timeout; the checks after it are quick.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../support/wait-for.js";

const REPO = resolve(import.meta.dirname, "../..");
const EXAMPLE = join(REPO, "examples/first-app");
const INSTALL_TIMEOUT_MS = 20 * 60_000;
const STEP_TIMEOUT_MS = 5 * 60_000;
/** `npm pack` builds the package first (tsc over src/: under a minute alone, more on a busy machine). */
const PACK_TIMEOUT_MS = 10 * 60_000;

const pkg = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { name: string; version: string };
const TARBALL = `${pkg.name}-${pkg.version}.tgz`;
const readme = readFileSync(join(REPO, "README.md"), "utf8");

/** The fenced block right after `<!-- first-app:NAME -->` in the README. */
function readmeBlock(name: string): string {
  const match = new RegExp(
    `<!-- first-app:${name.replace(".", "\\.")} -->\\n\`\`\`\\w*\\n([\\s\\S]*?)\`\`\``,
  ).exec(readme);
  if (!match) throw new Error(`README.md has no <!-- first-app:${name} --> block`);
  return match[1]!;
}

/** The README's commands: setup lines (run in order), then the worker and producer lines. */
function readmeCommands() {
  const lines = readmeBlock("commands").split("\n");
  const saveAt = lines.findIndex((l) => l.startsWith("# save"));
  const strip = (l: string) => l.replace(/\s+#.*$/, "").trim();
  const setup = lines.slice(0, saveAt).map(strip).filter(Boolean);
  const [worker, producer] = lines
    .slice(saveAt + 1)
    .map(strip)
    .filter(Boolean);
  return { setup, worker: worker!, producer: producer! };
}

/** The environment without what `npm test` adds (npm_config_*, npm_lifecycle_* …). */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k) && k !== "SPOOL_URL") env[k] = v;
  // Quieter and faster npm, without changing what the commands do.
  return {
    ...env,
    npm_config_audit: "false",
    npm_config_fund: "false",
    npm_config_update_notifier: "false",
    ...extra,
  };
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function sh(command: string, cwd: string, timeout = STEP_TIMEOUT_MS): Promise<Run> {
  return new Promise((done) => {
    execFile(
      "bash",
      ["-c", command],
      { cwd, env: cleanEnv(), timeout, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        done({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout, stderr });
      },
    );
  });
}

function expectOk(run: Run, what: string): void {
  expect(run.code, `${what} failed:\n${run.stdout}\n${run.stderr}`).toBe(0);
}

let root: string;
let app: string;
let installLog = "";
const children: ChildProcess[] = [];

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "spool-pack-"));
  mkdirSync(join(root, "spool"));
  // What a user does in a clone: `npm pack` (prepack builds dist first).
  const pack = await sh(
    `npm pack --pack-destination ${JSON.stringify(join(root, "spool"))}`,
    REPO,
    PACK_TIMEOUT_MS,
  );
  expectOk(pack, "npm pack");
  expect(existsSync(join(root, "spool", TARBALL))).toBe(true);
  // The README's commands, one shell, in order (`cd first-app` carries over).
  const { setup } = readmeCommands();
  const run = await sh(["set -e", ...setup].join("\n"), root, INSTALL_TIMEOUT_MS);
  installLog = run.stdout + run.stderr;
  expectOk(run, "the README's first-app commands");
  app = join(root, "first-app");
  for (const file of ["app.ts", "producer.ts", "tsconfig.json"]) cpSync(join(EXAMPLE, file), join(app, file));
}, PACK_TIMEOUT_MS + INSTALL_TIMEOUT_MS);

afterAll(() => {
  for (const c of children) {
    try {
      if (c.pid) process.kill(-c.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  if (root) rmSync(root, { recursive: true, force: true });
});

describe("the packed tarball", () => {
  it("ships the built code, LICENSE and README, and no tests, sources or source maps", async () => {
    const list = await sh(`tar -tzf ${JSON.stringify(join(root, "spool", TARBALL))}`, root);
    expectOk(list, "tar");
    const files = list.stdout.split("\n").filter(Boolean);
    for (const f of [
      "LICENSE",
      "README.md",
      "package.json",
      "bin/spool.js",
      "dist/index.js",
      "dist/index.d.ts",
      "dist/testing.js",
      "dist/http/index.js",
      "dist/cli/main.js",
    ])
      expect(files).toContain(`package/${f}`);
    expect(files.filter((f) => /\.test\.|\.map$|^package\/(src|test)\//.test(f))).toEqual([]);
    const installed = join(app, "node_modules/spool/dist");
    const js = readdirSync(installed, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".js"));
    expect(js.length).toBeGreaterThan(50);
    expect(js.filter((f) => readFileSync(join(installed, f), "utf8").includes("sourceMappingURL"))).toEqual(
      [],
    );
    expect(readFileSync(join(root, "first-app/node_modules/spool/LICENSE"), "utf8")).toMatch(/^MIT License/);
  });

  it("installs with no install script left unreviewed (npm's allowScripts advisory)", () => {
    expect(installLog).not.toMatch(/not yet covered by allowScripts/);
  });
});

describe("the README's first app, run as printed", () => {
  it("quotes examples/first-app/app.ts and producer.ts exactly", () => {
    for (const file of ["app.ts", "producer.ts"])
      expect(readmeBlock(file), file).toBe(readFileSync(join(EXAMPLE, file), "utf8"));
  });

  it("leaves the package.json of examples/first-app (type, allowScripts, dependencies)", () => {
    const made = JSON.parse(readFileSync(join(app, "package.json"), "utf8"));
    const example = JSON.parse(readFileSync(join(EXAMPLE, "package.json"), "utf8"));
    expect(made.type).toBe("module");
    expect(made.allowScripts).toEqual(example.allowScripts);
    expect(made.dependencies.spool).toBe(example.dependencies.spool);
    expect(Object.keys(made.dependencies).sort()).toEqual(Object.keys(example.dependencies).sort());
    expect(Object.keys(made.devDependencies).sort()).toEqual(Object.keys(example.devDependencies).sort());
  });

  it("runs: the worker command runs the job the producer command enqueues, and stops on SIGTERM", async () => {
    const { worker, producer } = readmeCommands();
    const child = spawn("bash", ["-c", worker], { cwd: app, env: cleanEnv(), detached: true });
    children.push(child);
    let logs = "";
    child.stdout!.on("data", (d) => (logs += d));
    child.stderr!.on("data", (d) => (logs += d));
    await waitFor(() => logs.includes('"msg":"worker started"'), { timeout: 120_000 });
    const run = await sh(producer, app);
    expectOk(run, producer);
    expect(run.stdout).toMatch(/^enqueued [0-9a-f-]{36}\n/);
    // Events are live: a worker in another process may start (even finish) the job before
    // the producer watches, so only the final one is certain.
    expect(run.stdout).toContain("event: completed");
    expect(run.stdout).toMatch(/result: \/files\/t1\.pdf\n$/);
    process.kill(-child.pid!, "SIGTERM");
    await waitFor(() => logs.includes('"msg":"worker stopped"'), { timeout: 60_000 });
    expect(logs).toContain("stopping gracefully");
  });
});

describe("the installed package", () => {
  it("type-checks the app and a consumer of spool, spool/http and spool/testing with tsc --strict", async () => {
    writeFileSync(
      join(app, "consumer.ts"),
      `import { createSpool, FakeClock as RootClock, isSpoolError, type JobState } from "spool";
import { startServer, type ServerOptions } from "spool/http";
import { FakeClock, MemoryBackend } from "spool/testing";

const clock = new FakeClock(0);
const spool = createSpool({ backend: "memory://", clock, logger: { level: "silent" } });
const add = spool.task({ name: "add", run: (i: { a: number; b: number }) => i.a + i.b });
const worker = spool.worker();
await worker.start();
const job = await add.enqueue({ a: 1, b: 2 });
const sum: number = await job.result({ timeout: "10s" });
const state: JobState = (await job.get())!.state;
const options: ServerOptions = { port: 0, insecure: true };
const server = await startServer(spool, options);
const health = await fetch(\`\${server.url}/api/health\`);
await server.close();
await worker.stop();
await spool.close();
console.log(JSON.stringify({ sum, state, health: health.status, testing: typeof MemoryBackend, same: RootClock === FakeClock, err: isSpoolError(new Error("x")) }));
`,
    );
    // The example's tsconfig.json (strict, skipLibCheck off) covers every *.ts here.
    const tsc = await sh("npx tsc -p .", app);
    expectOk(tsc, "tsc");
    const run = await sh("npx tsx consumer.ts", app);
    expectOk(run, "tsx consumer.ts");
    expect(JSON.parse(run.stdout)).toEqual({
      sum: 3,
      state: "completed",
      health: 200,
      testing: "function",
      same: true,
      err: false,
    });
  });

  it("loads a plain .js app with --app (no tsx involved) and prints help", async () => {
    writeFileSync(
      join(app, "jobs.js"),
      `import { createSpool } from "spool";
export const spool = createSpool();
spool.task({ name: "js.add", run: (i) => i.a + i.b });
`,
    );
    const url = `sqlite://${join(app, "js.db")}`;
    const enqueue = await sh(
      `npx spool --backend ${url} --app ./jobs.js enqueue js.add '{"a":1,"b":2}'`,
      app,
    );
    expectOk(enqueue, "spool enqueue");
    const ls = await sh(`npx spool --backend ${url} --json jobs ls`, app);
    expectOk(ls, "spool jobs ls");
    expect(JSON.parse(ls.stdout).jobs).toMatchObject([
      { id: enqueue.stdout.trim(), task: "js.add", state: "queued" },
    ]);
    const help = await sh("npx spool --help", app);
    expectOk(help, "spool --help");
    for (const command of ["worker", "enqueue", "jobs", "queues", "schedules", "server", "stats"])
      expect(help.stdout).toContain(command);
  });
});
