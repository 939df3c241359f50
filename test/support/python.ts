/**
 * Python for the tests of the Python client and the QRCards example: `python3` on PATH, and
 * Flask (Debian's `python3-flask`, installed by scripts/services.sh). Missing: the caller skips
 * loudly, except under CI=true, where `requireFlask` turns that into a failing test.
 */
import { execFileSync } from "node:child_process";
import { expect, test } from "vitest";

function probe(python: string, code: string): string | null {
  try {
    execFileSync(python, ["-c", code], { stdio: "pipe", timeout: 30_000 });
    return null;
  } catch (err) {
    const e = err as { stderr?: Buffer; message: string };
    return (e.stderr?.toString().trim().split("\n").pop() ?? e.message) || "failed";
  }
}

/**
 * The Python to test with: `$SPOOL_TEST_PYTHON`, else the first of `python3` (PATH) and
 * `/usr/bin/python3` (Debian's, where python3-flask installs) that imports Flask, else `python3`.
 */
export const PYTHON =
  process.env.SPOOL_TEST_PYTHON ??
  ["python3", "/usr/bin/python3"].find((p) => probe(p, "import flask") === null) ??
  "python3";

const flaskMissing = probe(PYTHON, "import flask");
export const flaskAvailable = flaskMissing === null;

/** Registers the loud skip (or, under CI, the failure) for a file whose tests need Flask. */
export function requireFlask(what: string): void {
  if (flaskAvailable) return;
  const inCi = process.env.CI === "true";
  if (!inCi)
    console.warn(
      `\n⚠️  SKIPPING ${what}: ${PYTHON} cannot import flask (${flaskMissing}).\n` +
        "   Install it (apt-get install -y python3-flask, or bash scripts/services.sh). Under CI=true this fails.\n",
    );
  test.skipIf(!inCi)(`${what} needs Flask under CI`, () => {
    expect.fail(`${PYTHON} cannot import flask: ${flaskMissing}`);
  });
}

/** Whether every command is on PATH (pdftoppm, zbarimg: Debian's poppler-utils, zbar-tools). */
export function commandsAvailable(names: readonly string[]): string[] {
  return names.filter((name) => {
    try {
      execFileSync("sh", ["-c", `command -v ${name}`], { stdio: "pipe" });
      return false;
    } catch {
      return true;
    }
  });
}

/** Registers the loud skip (or, under CI, the failure) for tests that need these commands. */
export function requireCommands(what: string, names: readonly string[]): boolean {
  const missing = commandsAvailable(names);
  if (missing.length === 0) return true;
  const inCi = process.env.CI === "true";
  if (!inCi)
    console.warn(
      `\n⚠️  SKIPPING ${what}: missing ${missing.join(", ")}.\n` +
        "   Install them (bash scripts/services.sh: poppler-utils, zbar-tools). Under CI=true this fails.\n",
    );
  test.skipIf(!inCi)(`${what} needs ${missing.join(", ")} under CI`, () => {
    expect.fail(`missing commands: ${missing.join(", ")}`);
  });
  return false;
}
