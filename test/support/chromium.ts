/**
 * Real Chromium for browser tests: the Debian package (`/usr/bin/chromium`, or
 * `$SPOOL_TEST_CHROMIUM`) driven by playwright-core (which downloads nothing). Missing: the
 * caller skips loudly, except under CI=true, where `requireChromium` turns that into a failing
 * test (scripts/services.sh installs the package).
 */
import { existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, chromium } from "playwright-core";
import { expect, test } from "vitest";

export const CHROMIUM_PATH = process.env.SPOOL_TEST_CHROMIUM ?? "/usr/bin/chromium";
export const chromiumAvailable = existsSync(CHROMIUM_PATH);

export function requireChromium(what: string): void {
  if (chromiumAvailable) return;
  const inCi = process.env.CI === "true";
  if (!inCi)
    console.warn(
      `\n⚠️  SKIPPING ${what}: no Chromium at ${CHROMIUM_PATH}.\n` +
        "   Install it (apt-get install -y chromium, or bash scripts/services.sh) or set SPOOL_TEST_CHROMIUM. Under CI=true this fails.\n",
    );
  test.skipIf(!inCi)(`${what} needs Chromium under CI`, () => {
    expect.fail(`no Chromium at ${CHROMIUM_PATH}`);
  });
}

/**
 * Launches headless Chromium. Playwright gives each launch a fresh temporary profile
 * (`--user-data-dir`), so no state leaks between runs; the flags keep it off the network
 * (no QUIC, no background, component or sync traffic) and working as root in a container.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");

/**
 * Where screenshots go: `.screenshots/` of the checkout (ignored by git), or `docs/img/` with
 * `SPOOL_UPDATE_SCREENSHOTS=1` (to refresh the README's set).
 */
export function screenshotDir(): string {
  const dir =
    process.env.SPOOL_UPDATE_SCREENSHOTS === "1" ? join(root, "docs/img") : join(root, ".screenshots");
  mkdirSync(dir, { recursive: true });
  return dir;
}
