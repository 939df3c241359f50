/**
 * Lua script loading: resolves `--- @include "name"` lines against `scripts/includes/`, each
 * include inlined once per script at its first mention (so helpers can include helpers), with
 * a cycle check. Scripts are registered with ioredis `defineCommand`, which calls EVALSHA and,
 * on NOSCRIPT (a restarted or flushed Redis forgot them), falls back to EVAL, which also loads
 * the script again: nothing to do by hand after a Redis restart.
 */
import { LUA_FILES } from "./generated/lua.js";

const INCLUDE = /^---\s*@include\s+"([^"]+)"\s*$/;

/** Every script name the backend calls (file names under scripts/, without `.lua`). */
export const SCRIPT_NAMES = [
  "enqueue",
  "claim",
  "complete",
  "fail",
  "release",
  "spawn",
  "cancel",
  "retry",
  "remove",
  "progress",
  "log",
  "renew",
  "rescue",
  "queue-pause",
  "queue-limit",
  "queue-hold",
  "backoff",
  "queue-list",
  "flow-waiting",
  "job-list",
  "retention-prune",
  "worker-heartbeat",
  "worker-list",
  "worker-remove",
  "workflow-enqueue",
  "workflow-get",
  "workflow-list",
  "job-update",
  "job-promote",
  "job-search",
  "schedule-upsert",
  "schedule-change",
  "schedule-fire",
  "schedule-import",
  "move-take",
  "move-import",
  "move-delete",
] as const;
export type ScriptName = (typeof SCRIPT_NAMES)[number];

/** Returns the script's source with its includes inlined. Throws on a missing include or a cycle. */
export function resolveScript(name: string, files: Readonly<Record<string, string>> = LUA_FILES): string {
  const done = new Set<string>();
  const expand = (file: string, stack: string[]): string => {
    const text = files[file];
    if (text === undefined) {
      throw new Error(
        stack.length === 0
          ? `no Lua script "${file}"`
          : `Lua include "${file}" not found (from ${stack.at(-1)})`,
      );
    }
    const out: string[] = [];
    for (const line of text.split("\n")) {
      const m = INCLUDE.exec(line);
      if (!m) {
        out.push(line);
        continue;
      }
      const dep = `includes/${m[1]}`;
      if (stack.includes(dep) || dep === file)
        throw new Error(`Lua include cycle: ${[...stack, file, dep].join(" -> ")}`);
      if (done.has(dep)) continue;
      out.push(`-- >>> ${dep}`, expand(dep, [...stack, file]), `-- <<< ${dep}`);
      done.add(dep);
    }
    return out.join("\n");
  };
  return expand(name, []);
}
