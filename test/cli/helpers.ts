/** Helpers for the CLI tests: run `runCli` in-process with captured output, and temp SQLite files. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { CliProcess } from "../../src/cli/io.js";
import { runCli } from "../../src/cli/main.js";

export const REPO = resolve(import.meta.dirname, "../..");
export const APP = join(REPO, "test/cli/fixtures/app.ts");
export const BIN = join(REPO, "bin/spool.js");

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export class Capture {
  text = "";
  isTTY = false;
  write(chunk: string) {
    this.text += chunk;
    return true;
  }
}

export async function cli(args: string[], options: { process?: CliProcess } = {}): Promise<CliResult> {
  const stdout = new Capture();
  const stderr = new Capture();
  const io = { stdout, stderr, env: {}, cwd: REPO, ...(options.process ? { process: options.process } : {}) };
  const code = await runCli(args, io);
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/** A fresh temp directory with a SQLite URL inside; `cleanup()` removes both. */
export function tempBackend(): { url: string; dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "spool-cli-"));
  return {
    url: `sqlite://${join(dir, "spool.db")}`,
    dir,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
