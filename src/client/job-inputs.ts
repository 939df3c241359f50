/**
 * The worker's run-time input resolver (`InputResolver`, worker/execute.ts) the client wires:
 * a workflow job that takes its parents' results gets them read now (workflow/inputs.ts); a
 * follow-up job gets its parent's outcome as `ctx.parent` (enqueue/follow-ups.ts); any other
 * job, null (its input travels with it).
 */
import type { Backend } from "../backend/backend.js";
import { deserialize } from "../core/serializer.js";
import type { LeasedJob } from "../core/types.js";
import { followUpLink, parentOutcome } from "../enqueue/follow-ups.js";
import type { InputResolver } from "../worker/execute.js";
import { NO_PARENTS, workflowInputs } from "../workflow/inputs.js";

export const jobInputs: InputResolver = (job: LeasedJob, backend: Backend) => {
  if (followUpLink(job.meta) === null) return workflowInputs(job, backend);
  const input = deserialize(job.input);
  return parentOutcome(job, backend).then((parent) => ({ input, parents: NO_PARENTS, parent }));
};
