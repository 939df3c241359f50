/**
 * The default logger is pino to stderr, loaded at the first line written (default-logger.ts):
 * a process logging at "warn" does not load pino for lines below it, and what is written is
 * pino's JSON, children included. Each case runs in a child process: the module cache of a
 * test worker is shared with other tests.
 */
import { execFile } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { expect, test } from "vitest";
import { createSpool } from "../../src/client/spool.js";

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));

async function fixture(level: string) {
  const { stdout, stderr } = await run(
    process.execPath,
    ["--import", "tsx", join(here, "fixtures/default-logger.ts"), level],
    { cwd: resolve(here, "../.."), timeout: 60_000, env: { ...process.env, SPOOL_LOG_LEVEL: "" } },
  );
  const lines = stderr
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { report: JSON.parse(stdout.trim()) as Record<string, unknown>, lines };
}

test("at warn, lines below the level do not load pino; the first written line does", {
  timeout: 90_000,
}, async () => {
  const { report, lines } = await fixture("warn");
  expect(report).toEqual({
    atStart: false,
    level: "warn",
    afterBelowLevel: false,
    afterFlush: false,
    afterWarn: true,
    enabledInfo: false,
  });
  expect(lines).toHaveLength(2);
  expect(lines[0]).toMatchObject({ level: 40, msg: "warn line", k: 2, pid: expect.any(Number) });
  expect(lines[1]).toMatchObject({ level: 50, msg: "child line", part: "c" });
});

test("at debug, every line from debug up is pino's JSON on stderr", { timeout: 90_000 }, async () => {
  const { report, lines } = await fixture("debug");
  expect(report).toMatchObject({ atStart: false, level: "debug", afterBelowLevel: true, enabledInfo: true });
  expect(lines.map((l) => [l.level, l.msg])).toEqual([
    [20, "debug line"],
    [40, "warn line"],
    [50, "child line"],
  ]);
});

test("silent never loads pino nor writes; an unknown level is refused at createSpool", async () => {
  const { report, lines } = await fixture("silent");
  expect(report).toMatchObject({ afterWarn: false, enabledInfo: false });
  expect(lines).toEqual([]);
  expect(() => createSpool({ backend: "memory://", logger: { level: "loud" } })).toThrow(/loud/);
});
