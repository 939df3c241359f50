#!/usr/bin/env node
// The `spool` command. Runs the built CLI (dist/cli/main.js) when present; in a dev checkout
// without a build it registers tsx in this process (what `node --import tsx` does) and runs
// src/cli/main.ts, so signals reach the CLI directly with no wrapper process in between.
import { existsSync } from "node:fs";

const built = new URL("../dist/cli/main.js", import.meta.url);
let cli;
if (existsSync(built)) {
  cli = await import(built.href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  cli = await import(new URL("../src/cli/main.ts", import.meta.url).href);
}
await cli.main(process.argv.slice(2));
