#!/usr/bin/env node
/**
 * Completes package-lock.json with the other platforms' optional binaries (biome's, esbuild's,
 * msgpackr-extract's …) that the registry of our build machines does not serve.
 *
 * Why: on those machines `npm view @biomejs/cli-darwin-arm64` answers 404, so `npm install`
 * cannot record the darwin/win32/musl variants in the lock, and `npm ci` then refuses the lock
 * ("Missing: @biomejs/cli-darwin-arm64@ from lock file"). On a machine with the full registry
 * npm writes these entries itself. This script adds each missing optional dependency as an
 * entry with its version and the os/cpu/libc read from its name, marked optional, so `npm ci`
 * accepts the lock and skips them on this platform, exactly as it would with the real entries.
 *
 * Run after any dependency change: `npm install && node scripts/lock-foreign-platforms.mjs`.
 */
import { readFileSync, writeFileSync } from "node:fs";

const LOCK = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(readFileSync(LOCK, "utf8"));
const packages = lock.packages;

const OS = ["darwin", "linux", "win32", "android", "freebsd", "openbsd", "netbsd", "sunos", "aix"];
const CPU = ["arm64", "x64", "arm", "ia32", "ppc64", "s390x", "riscv64", "loong64", "mips64el"];

function platformOf(name) {
  const parts = name.split("/").pop().split("-");
  const os = parts.find((p) => OS.includes(p));
  const cpu = parts.find((p) => CPU.includes(p));
  const out = {};
  if (cpu) out.cpu = [cpu];
  if (os) out.os = [os];
  if (os === "linux") out.libc = [parts.includes("musl") ? "musl" : "glibc"];
  return out;
}

let added = 0;
for (const [path, entry] of Object.entries(packages)) {
  for (const [dep, spec] of Object.entries(entry.optionalDependencies ?? {})) {
    // Where npm would look for it: beside the parent, then hoisted at the root.
    const nested = `${path ? `${path}/` : ""}node_modules/${dep}`;
    const hoisted = `node_modules/${dep}`;
    if (packages[nested] || packages[hoisted]) continue;
    const platform = platformOf(dep);
    if (!platform.os && !platform.cpu) continue; // not a platform binary: leave it to npm
    packages[hoisted] = {
      version: spec.replace(/^[\^~=]/, ""),
      ...(entry.dev ? { dev: true } : {}),
      optional: true,
      ...platform,
    };
    added++;
  }
}

lock.packages = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a.localeCompare(b))),
);
writeFileSync(LOCK, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`package-lock.json: added ${added} foreign-platform optional entries`);
