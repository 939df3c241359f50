/** Redis backend, `jobSpawn` (see seam/jobs.ts): one Lua script, scripts/spawn.lua. */
import type { JobSpawnParams, JobSpawnResult, NewJob } from "../backend.js";
import { checkSpawn } from "../spawn-shared.js";
import { pushJobArgs } from "./job-args.js";
import type { RedisStore } from "./store.js";

export async function jobSpawn(s: RedisStore, params: JobSpawnParams): Promise<JobSpawnResult> {
  checkSpawn(params);
  const { id, token, children, policy, meta } = params;
  const args: (string | number)[] = [s.time().now, id, token, policy, JSON.stringify(meta), children.length];
  let prev: NewJob | null = null;
  for (const child of children) {
    pushJobArgs(args, child, prev);
    prev = child;
  }
  const reply = await s.run("spawn", args);
  // A taken child id comes back as code -1 (InvalidArgumentError, thrown by the store).
  if (reply[1] === "refused") return { ok: false, state: null };
  return { ok: true, state: "waiting" };
}
