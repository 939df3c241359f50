/**
 * Moving live work between backends (`spool move`, docs/move.md). A floor above the backend and
 * below the client and CLI: it uses only the Backend seam, so any pair of backends works in
 * either direction.
 *
 * Guarantees (test/move/ checks each one):
 * - **No job lost, none doubled.** At every instant a job id is runnable in exactly one store:
 *   a batch is taken out of circulation in the source (one atomic write) before it is written to
 *   the target, and deleted from the source only after the target has it.
 * - **Resumable.** A mover killed at any point leaves its batch held in the source; the next run
 *   with the same target finds it (by the mover id, derived from the target) and finishes it,
 *   importing by id (a job already in the target is left as it is).
 * - **Ids and fields kept:** state, runAt, priority, attempts, errors, idempotency key, meta,
 *   workflow links, timestamps.
 * - **Running jobs stay** and finish where they are; so do the jobs linked to them (children
 *   waiting on them, the rest of their workflow). A later run moves those once they can move.
 *   Finished jobs stay too, except the finished jobs of a workflow that moves (its children
 *   read their results).
 */
import { createHash } from "node:crypto";
import { MOVE_WORKER_PREFIX } from "../backend/backend.js";

export type { BlockReason } from "./batch.js";
export {
  checkMoveOptions,
  MOVE_BATCH_DEFAULT,
  MOVE_PASSES_MAX,
  type MoveOptions,
  type MoveProgress,
  type MoveReport,
  moveJobs,
} from "./mover.js";
export { type MovePlan, planMove } from "./plan.js";
export type { SettingsReport } from "./settings.js";

/**
 * The mover id for a target: the same target gives the same id, so a rerun after a crash finds
 * the batch the crashed run held. `target` should be normalized (an absolute SQLite path).
 */
export function moverIdFor(target: string): string {
  return MOVE_WORKER_PREFIX + createHash("sha256").update(target).digest("hex").slice(0, 16);
}
