/**
 * OpenTelemetry costs nothing until something registers with it: a worker that runs jobs with
 * no provider registered never loads @opentelemetry/api (memory: see docs/benchmarks.md), and
 * a provider registered later, in the running process, still gets spool's spans.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, test } from "vitest";

const CHILD = resolve(import.meta.dirname, "fixtures/lazy-otel.ts");
const dir = mkdtempSync(join(tmpdir(), "spool-lazy-otel-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[]): Promise<{ loadedIdle: boolean; ran: string[]; spans: string[] }> {
  return new Promise((ok, fail) => {
    const proc = spawn(process.execPath, ["--import", "tsx", CHILD, ...args], { stdio: "pipe" });
    let out = "";
    let err = "";
    proc.stdout.on("data", (d) => (out += d));
    proc.stderr.on("data", (d) => (err += d));
    proc.on("error", fail);
    proc.on("exit", (code) => {
      if (code !== 0) return fail(new Error(`child exited ${code}: ${err}`));
      ok(JSON.parse(out.trim().split("\n").at(-1)!));
    });
  });
}

describe("OpenTelemetry API loading", () => {
  test("a worker with no provider registered runs jobs without loading @opentelemetry/api", async () => {
    const r = await run([join(dir, "idle.db")]);
    expect(r.ran).toEqual(["1"]);
    expect(r.loadedIdle).toBe(false);
    expect(r.spans).toEqual([]);
  }, 120_000);

  test("a provider registered after spool started gets the producer and consumer spans", async () => {
    const r = await run([join(dir, "late.db"), "register"]);
    expect(r.ran).toEqual(["1", "2"]);
    expect(r.loadedIdle).toBe(false);
    expect(r.spans).toEqual(["send lazy.otel", "process lazy.otel"]);
  }, 120_000);
});
