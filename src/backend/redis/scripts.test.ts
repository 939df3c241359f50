import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { resolveScript, SCRIPT_NAMES } from "./scripts.js";

describe("Lua script loader", () => {
  test("inlines each include once, dependencies first", () => {
    const files = {
      main: '--- @include "b"\n--- @include "a"\nmain()',
      "includes/a": "a()",
      "includes/b": '--- @include "a"\nb()',
    };
    const out = resolveScript("main", files);
    expect(out.match(/a\(\)/g)).toHaveLength(1);
    expect(out.indexOf("a()")).toBeLessThan(out.indexOf("b()"));
    expect(out.indexOf("b()")).toBeLessThan(out.indexOf("main()"));
  });

  test("refuses an include cycle and a missing include", () => {
    const cyclic = {
      main: '--- @include "a"',
      "includes/a": '--- @include "b"',
      "includes/b": '--- @include "a"',
    };
    expect(() => resolveScript("main", cyclic)).toThrow(/cycle/);
    expect(() => resolveScript("main", { main: '--- @include "nope"' })).toThrow(/not found/);
  });

  test("every script resolves and none hardcodes a key prefix", () => {
    for (const name of SCRIPT_NAMES) {
      const lua = resolveScript(name);
      expect(lua).toContain("KEYS[1]");
      const code = lua
        .split("\n")
        .filter((line) => !line.trimStart().startsWith("--"))
        .join("\n");
      expect(code).not.toMatch(/\{spool\}/);
    }
  });

  test("the embedded module matches the .lua files", () => {
    const script = fileURLToPath(new URL("./embed-lua.mjs", import.meta.url));
    expect(() => execFileSync(process.execPath, [script, "--check"], { stdio: "pipe" })).not.toThrow();
  });
});
