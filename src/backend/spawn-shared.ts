/**
 * Checks for `jobSpawn` that every backend applies the same way, before any write, so a bad
 * spawn writes nothing anywhere.
 */
import { InvalidArgumentError } from "../core/errors/index.js";
import { ENQUEUE_JOBS_MAX, type JobSpawnParams } from "./backend.js";
import { checkNewJobs } from "./shared.js";

const POLICIES = new Set(["fail", "continue"]);

export function checkSpawn({ id, token, children, policy, meta }: JobSpawnParams): void {
  if (!id || !token) throw new InvalidArgumentError("spawn needs the parent's id and lease token", "id");
  if (!POLICIES.has(policy)) throw new InvalidArgumentError(`unknown spawn policy "${policy}"`, "policy");
  if (meta === null || typeof meta !== "object" || Array.isArray(meta))
    throw new InvalidArgumentError("spawn meta must be an object", "meta");
  if (children.length === 0) throw new InvalidArgumentError("spawn needs at least one child", "children");
  if (children.length > ENQUEUE_JOBS_MAX)
    throw new InvalidArgumentError(
      `one spawn holds at most ${ENQUEUE_JOBS_MAX} children (one atomic write), got ${children.length}`,
      "children",
    );
  checkNewJobs(children);
  const earlier = new Set<string>();
  for (const child of children) {
    if (child.key !== null)
      throw new InvalidArgumentError("spawned children cannot have an idempotency key", "key");
    if (child.id === id) throw new InvalidArgumentError("a child cannot reuse its parent's id", "id");
    for (const dep of child.dependsOn) {
      // Every dependency is a child of this spawn: all are new, so all are pending at insert.
      if (!earlier.has(dep))
        throw new InvalidArgumentError(
          `child ${child.id} depends on ${dep}, which is not an earlier child of the same spawn`,
          "dependsOn",
        );
    }
    earlier.add(child.id);
  }
}
