#!/usr/bin/env node
// The `spool` command. In the installed package it runs the built CLI (dist/cli/main.js). In a
// checkout of the repository (src/ is next to this file; the package does not ship it) it runs
// the source through tsx, registered in this process (what `node --import tsx` does), so the
// code you edit is the code that runs even when an older dist/ is lying around, and signals
// reach the CLI with no wrapper process in between.
import { existsSync } from "node:fs";

const source = new URL("../src/cli/main.ts", import.meta.url);
let cli;
if (existsSync(source)) {
  const { register } = await import("tsx/esm/api");
  register();
  cli = await import(source.href);
} else {
  cli = await import(new URL("../dist/cli/main.js", import.meta.url).href);
}
await cli.main(process.argv.slice(2));
