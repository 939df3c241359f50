/**
 * A pending `job.result()` or `job.events()` keeps the process alive until it settles
 * (issue 12, bug 4): on SQLite the change feed's timers are unreferenced, and a script that
 * awaited a result used to exit (code 13, unsettled top-level await) before it arrived.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, test } from "vitest";
import { createSpool } from "../../src/client/spool.js";
import { waitFor } from "../support/wait-for.js";

const here = dirname(fileURLToPath(import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "spool-keepalive-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each(["result", "events"] as const)("a pending job.%s() on SQLite", (mode) => {
  test("keeps its process alive until the job finishes in another process", async () => {
    const db = join(dir, `${mode}.db`);
    const child = spawn(
      process.execPath,
      ["--import", "tsx", join(here, "fixtures/await-result.ts"), db, mode],
      {
        cwd: resolve(here, "../.."),
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let out = "";
    let err = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
    let exitCode: number | null | undefined;
    void exited.then((code) => (exitCode = code));
    await waitFor(() => out.includes("waiting ") || exitCode !== undefined, {
      timeout: 60_000,
      message: "the script enqueued its job",
    });
    // The job runs only now, in this process, and takes a while: a script that did not keep
    // itself alive has exited by the time the result exists.
    const spool = createSpool({ backend: `sqlite://${db}`, logger: { level: "silent" }, retention: false });
    spool.task({
      name: "keepalive.echo",
      run: async (input: { n: number }) => {
        await new Promise((r) => setTimeout(r, 300));
        return { doubled: input.n * 2 };
      },
    });
    const worker = spool.worker({ pollInterval: 50 });
    await worker.start();
    try {
      const code = await exited;
      expect({ code, out, err }).toMatchObject({ code: 0 });
      if (mode === "result") expect(out).toContain('result {"doubled":42}');
      else expect(out).toMatch(/event completed/);
    } finally {
      await worker.stop({ grace: 0 });
      await spool.close();
    }
  }, 90_000);
});
